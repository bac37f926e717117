import { CONTROL_PREFIX } from '@aia/sandbox-kit';
import { FastifyInstance } from 'fastify';
import { DisputeRecord } from '../braintree-state';
import { EngineContext, obj, randomId, str } from '../engine-context';
import { parseSaleFaults, SaleFaults } from '../sale-faults';
import { TransactionsEngine } from '../transactions.engine';
import { equivalentTestNonce, luhnValid, profileForNumber } from '../test-values';

/**
 * Braintree-specific control calls (never part of the emulated API): webhook target, disputes, and the
 * tokenize endpoint the sandbox card fields of the checkout page call from the browser (CORS open).
 */
export function registerControlRoutes(
  app: FastifyInstance,
  ctx: EngineContext,
  transactions: TransactionsEngine,
  saleFaults: SaleFaults,
): void {
  const P = CONTROL_PREFIX;

  /** Money-path faults of `transaction.sale` (late answer, late processing, search lag); reset clears them. */
  app.get(`${P}/sale-faults`, async () => saleFaults.current);
  app.put(`${P}/sale-faults`, async (req, reply) => {
    const parsed = parseSaleFaults(req.body ?? {});
    if ('error' in parsed) return reply.code(400).send(parsed);
    saleFaults.configure(parsed);
    return saleFaults.current;
  });
  app.delete(`${P}/sale-faults`, async () => {
    // Only the configuration: sales already held keep their plan.
    saleFaults.configure({});
    return saleFaults.current;
  });

  /** The merchant's duplicate-checking setting (Control Panel); reset restores on / 30 s. */
  app.get(`${P}/duplicate-checking`, async () => ctx.duplicateChecking);
  app.put(`${P}/duplicate-checking`, async (req, reply) => {
    const b = obj(req.body);
    const enabled = b['enabled'] ?? ctx.duplicateChecking.enabled;
    const windowMs = b['windowMs'] ?? ctx.duplicateChecking.windowMs;
    if (typeof enabled !== 'boolean' || typeof windowMs !== 'number' || !(windowMs >= 0)) {
      return reply.code(400).send({ error: 'give {"enabled": true|false, "windowMs"?: number >= 0}' });
    }
    ctx.duplicateChecking = { enabled, windowMs };
    return ctx.duplicateChecking;
  });

  app.get(`${P}/webhooks`, async () => ({ url: ctx.state.webhookUrl }));
  app.put(`${P}/webhooks`, async (req, reply) => {
    const url = obj(req.body)['url'];
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
      return reply.code(400).send({ error: 'give {"url": "http(s)://…"} or {"url": null}' });
    }
    ctx.state.webhookUrl = url;
    ctx.changed();
    return { url };
  });
  /** Like the Control Panel's "Check URL" button: sends a `check` notification. */
  app.post(`${P}/webhooks/check`, async (_req, reply) => {
    if (!ctx.state.webhookUrl) return reply.code(409).send({ error: 'no webhook URL configured' });
    ctx.notifier.send(ctx.state.webhookUrl, 'check', { check: true }, ctx.clock.now());
    return { sent: true };
  });

  const disputeJson = (d: DisputeRecord) => ({ ...d });
  app.get(`${P}/disputes`, async () => ({ disputes: [...ctx.state.disputes.values()].map(disputeJson) }));
  app.post(`${P}/disputes`, async (req, reply) => {
    const b = obj(req.body);
    const transactionId = str(b['transactionId']);
    if (!transactionId) return reply.code(400).send({ error: 'transactionId is required' });
    const r = transactions.openDispute(transactionId, {
      amount: str(b['amount']),
      reason: str(b['reason']),
      kind: str(b['kind']),
    });
    if ('error' in r) return reply.code(r.error.endsWith('not found') ? 404 : 400).send(r);
    return reply.code(201).send(disputeJson(r));
  });
  for (const [action, outcome] of [
    ['win', 'won'],
    ['lose', 'lost'],
    ['accept', 'accepted'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`${P}/disputes/:id/${action}`, async (req, reply) => {
      const r = transactions.resolveDispute(req.params.id, outcome);
      if ('error' in r) return reply.code(r.error.endsWith('not found') ? 404 : 409).send(r);
      return disputeJson(r);
    });
  }

  app.get<{ Querystring: { orderId?: string } }>(`${P}/transactions`, async (req) => {
    transactions.progress();
    const all = [...ctx.state.transactions.values()];
    const orderId = req.query.orderId;
    return { transactions: orderId ? all.filter((t) => t.orderId === orderId) : all };
  });

  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
  };
  app.options(`${P}/tokenize`, async (_req, reply) => reply.code(204).headers(cors).send());
  app.post(`${P}/tokenize`, async (req, reply) => {
    reply.headers(cors);
    const b = obj(req.body);
    const number = (str(b['number']) ?? '').replace(/[\s-]/g, '');
    const fail = (code: string, field: string, message: string) =>
      reply.code(422).send({ error: { code, field, message } });
    if (!luhnValid(number)) return fail('81715', 'number', 'Credit card number is invalid.');
    const exp = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(str(b['expirationDate']) ?? '');
    const month = exp ? Number(exp[1]) : 0;
    const year = exp ? (exp[2].length === 2 ? 2000 + Number(exp[2]) : Number(exp[2])) : 0;
    const now = ctx.clock.now();
    const past =
      year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1);
    if (!exp || month < 1 || month > 12 || past) {
      return fail('81710', 'expirationDate', 'Expiration date is invalid.');
    }
    const profile = profileForNumber(number);
    const cvv = str(b['cvv']);
    if (cvv !== undefined && cvv !== '') {
      const len = profile.cardType === 'American Express' ? 4 : 3;
      if (!new RegExp(`^\\d{${len}}$`).test(cvv)) {
        return fail(
          '81707',
          'cvv',
          'CVV must be 4 digits for American Express and 3 digits for other card types.',
        );
      }
    }
    const nonce = `tokencc_sb_${randomId(6)}_${randomId(6)}_${randomId(6)}`;
    const expirationMonth = String(month).padStart(2, '0');
    ctx.state.nonces.set(nonce, { profile, expirationMonth, expirationYear: String(year), consumed: false });
    ctx.changed();
    // Same shape as braintree-web's hostedFields.tokenize() payload, so the sandbox card fields can stand in.
    return {
      nonce,
      type: 'CreditCard',
      description: `ending in ${number.slice(-2)}`,
      details: {
        cardType: profile.cardType,
        lastFour: number.slice(-4),
        lastTwo: number.slice(-2),
        bin: number.slice(0, 6),
        expirationMonth,
        expirationYear: String(year),
        cardholderName: str(b['cardholderName']) ?? null,
      },
      equivalentTestNonce: equivalentTestNonce(profile) ?? null,
    };
  });
}
