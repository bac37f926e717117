import { FastifyInstance, FastifyReply } from 'fastify';
import { GatewayReply, Json, obj } from '../engine-context';
import { TransactionsEngine } from '../transactions.engine';
import { VaultEngine } from '../vault.engine';
import { xmlDocument } from '../xml.writer';
import { ClientTokenEngine } from '../client-token.engine';
import { SaleFaults } from '../sale-faults';

/**
 * The REST paths the official SDK calls (braintree/lib/braintree/*_gateway.js), all under
 * `/merchants/{merchant_id}`. Answers are XML with `Content-Type: application/xml`.
 */
export function sendGatewayReply(reply: FastifyReply, r: GatewayReply): FastifyReply {
  if (r.kind === 'not_found')
    return reply.code(404).header('content-type', 'application/xml; charset=utf-8').send('');
  if (r.kind === 'empty') return reply.code(200).send('');
  return reply
    .code(r.status)
    .header('content-type', 'application/xml; charset=utf-8')
    .send(xmlDocument(r.root, r.body));
}

interface Engines {
  vault: VaultEngine;
  transactions: TransactionsEngine;
  clientToken: ClientTokenEngine;
  saleFaults: SaleFaults;
}

type IdParams = { id: string };

export function registerGatewayRoutes(app: FastifyInstance, e: Engines): void {
  const base = '/merchants/:merchantId';
  const body = (b: unknown): Json => obj(b);

  app.post(`${base}/client_token`, async (req, reply) =>
    sendGatewayReply(reply, e.clientToken.generate(body(req.body))),
  );

  app.post(`${base}/customers`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.createCustomer(body(req.body))),
  );
  app.get<{ Params: IdParams }>(`${base}/customers/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.findCustomer(req.params.id)),
  );
  app.put<{ Params: IdParams }>(`${base}/customers/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.updateCustomer(req.params.id, body(req.body))),
  );
  app.delete<{ Params: IdParams }>(`${base}/customers/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.deleteCustomer(req.params.id)),
  );

  app.post(`${base}/payment_methods`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.createPaymentMethod(body(req.body))),
  );
  app.get<{ Params: IdParams }>(`${base}/payment_methods/any/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.findPaymentMethod(req.params.id)),
  );
  app.put<{ Params: IdParams }>(`${base}/payment_methods/any/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.updatePaymentMethod(req.params.id, body(req.body))),
  );
  app.delete<{ Params: IdParams }>(`${base}/payment_methods/any/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.deletePaymentMethod(req.params.id)),
  );

  // paymentMethodNonce.find: the nonce's card and 3D Secure info, without consuming it.
  app.get<{ Params: IdParams }>(`${base}/payment_method_nonces/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.vault.findNonce(req.params.id)),
  );

  // transaction.sale, with the money-path faults (sale-faults.ts): held before processing (late processing),
  // processed, held before answering (late answer). A held sale is processed even when the client has given
  // up on it meanwhile — exactly the ambiguity a real gateway leaves after a timeout.
  app.post(`${base}/transactions`, async (req, reply) => {
    const plan = e.saleFaults.plan();
    if (plan.processAfterMs > 0 && (await e.saleFaults.hold(plan.processAfterMs)) === 'cancelled') {
      // Reset or close while held: never processed; 503 (serviceUnavailableError) says so truthfully.
      return reply.code(503).header('content-type', 'application/xml').send('');
    }
    const answer = e.transactions.sale(body(req.body), { searchLagMs: plan.searchLagMs });
    if (plan.answerAfterMs > 0) await e.saleFaults.hold(plan.answerAfterMs);
    return sendGatewayReply(reply, answer);
  });
  app.post(`${base}/transactions/advanced_search_ids`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.searchIds(body(req.body))),
  );
  app.post(`${base}/transactions/advanced_search`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.search(body(req.body))),
  );
  app.get<{ Params: IdParams }>(`${base}/transactions/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.find(req.params.id)),
  );
  app.put<{ Params: IdParams }>(`${base}/transactions/:id/void`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.void(req.params.id)),
  );
  app.post<{ Params: IdParams }>(`${base}/transactions/:id/refund`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.refund(req.params.id, body(req.body))),
  );
  app.put<{ Params: IdParams & { op: string } }>(`${base}/transactions/:id/:op`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.testingSettlement(req.params.id, req.params.op, body(req.body))),
  );
  app.get<{ Params: IdParams }>(`${base}/disputes/:id`, async (req, reply) =>
    sendGatewayReply(reply, e.transactions.findDispute(req.params.id)),
  );
}
