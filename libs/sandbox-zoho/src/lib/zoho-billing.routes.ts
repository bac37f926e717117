import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateWindow } from '@aia/sandbox-kit';
import { registerCustomerRoutes } from './zoho-customers.routes';
import { RATE_LIMIT_MESSAGE, sendZohoError, ZohoApiError, ZOHO_CODES } from './zoho-errors';
import {
  body,
  created,
  filterValue,
  ids,
  ok,
  paginate,
  params as p,
  query as q,
  ResourceRouteDeps,
} from './zoho-route-helpers';
import { registerSubscriptionRoutes } from './zoho-subscriptions.routes';
import { invoiceListItem, invoiceView, paymentView, planView, productView } from './zoho-views';

export const ZOHO_BILLING_PREFIX = '/billing/v1';
export const ZOHO_ORG_HEADER = 'x-com-zoho-subscriptions-organizationid';

export interface BillingRouteDeps extends ResourceRouteDeps {
  organizationId: string;
  now: () => Date;
  requestsPerMinute: () => number;
}

const INVOICE_FILTERS: Record<string, string[] | undefined> = {
  All: undefined,
  Sent: ['sent'],
  Draft: [],
  OverDue: ['overdue'],
  Paid: ['paid'],
  PartiallyPaid: ['partially_paid'],
  Void: ['void'],
  Unpaid: ['sent', 'overdue', 'partially_paid'],
};

export function registerBillingRoutes(app: FastifyInstance, deps: BillingRouteDeps): void {
  const { billing, state } = deps;
  const windows = new Map<string, RateWindow>();

  app.register(
    async (api) => {
      api.setErrorHandler((err, _req, reply) => {
        if (err instanceof ZohoApiError) return sendZohoError(reply, err);
        const status = (err as { statusCode?: number }).statusCode;
        if (status && status >= 400 && status < 500) {
          return sendZohoError(reply, new ZohoApiError(400, ZOHO_CODES.invalidValue, 'Invalid request body'));
        }
        return sendZohoError(reply, new ZohoApiError(500, ZOHO_CODES.internalError, 'Internal error'));
      });
      api.setNotFoundHandler((_req, reply) =>
        sendZohoError(reply, new ZohoApiError(404, ZOHO_CODES.invalidUrl, 'Invalid URL Passed')),
      );

      // Auth, then organization, then the per-organization budget: what a request must pass in real Zoho.
      api.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        const auth = req.headers.authorization ?? '';
        const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(auth);
        const token = match ? state.tokens.get(match[1]) : undefined;
        if (!token || token.expiresAtMs <= deps.now().getTime()) {
          return sendZohoError(
            reply,
            new ZohoApiError(
              401,
              ZOHO_CODES.unauthorized,
              'You are not authorized to perform this operation',
            ),
          );
        }
        const org = req.headers[ZOHO_ORG_HEADER];
        if (typeof org !== 'string' || !org) {
          return sendZohoError(
            reply,
            new ZohoApiError(
              400,
              ZOHO_CODES.organization,
              'X-com-zoho-subscriptions-organizationid header is required.',
            ),
          );
        }
        if (org !== deps.organizationId) {
          return sendZohoError(
            reply,
            new ZohoApiError(
              401,
              ZOHO_CODES.organization,
              `This user is not associated with the organization ${org}.`,
            ),
          );
        }
        let window = windows.get(org);
        if (!window) windows.set(org, (window = new RateWindow(deps.requestsPerMinute(), 60_000)));
        window.limit = deps.requestsPerMinute();
        const nowMs = Date.now();
        const until = window.take(nowMs);
        if (until !== null) {
          // Retry-After is not documented for Zoho Billing (UNCONFIRMED); sent so clients can wait precisely.
          const seconds = String(Math.max(1, Math.ceil((until - nowMs) / 1000)));
          return sendZohoError(
            reply,
            new ZohoApiError(429, ZOHO_CODES.rateLimited, RATE_LIMIT_MESSAGE, { 'Retry-After': seconds }),
          );
        }
        return undefined;
      });

      // ---- products ----
      api.post('/products', async (req, reply) =>
        created(reply, 'The product has been created.', {
          product: productView(billing.createProduct(body(req))),
        }),
      );
      api.get('/products', async (req) => {
        const { page, page_context } = paginate(
          [...state.products.values()],
          q(req),
          'Products',
          'Status.All',
        );
        return ok('success', { products: page.map(productView), page_context });
      });
      api.get('/products/:product_id', async (req) =>
        ok('success', { product: productView(billing.getProduct(p(req)['product_id'])) }),
      );

      // ---- plans ----
      api.post('/plans', async (req, reply) =>
        created(reply, 'The plan has been created.', { plan: planView(billing.createPlan(body(req))) }),
      );
      api.get('/plans', async (req) => {
        const query = q(req);
        const status = filterValue(query, 'PlanStatus', { All: 1, ACTIVE: 1, INACTIVE: 1 });
        const plans = [...state.plans.values()].filter(
          (plan) =>
            (status === 'All' || plan.status === status.toLowerCase()) &&
            (!query['product_id'] || plan.product_id === query['product_id']),
        );
        const { page, page_context } = paginate(plans, query, 'Plans', `PlanStatus.${status}`);
        return ok('success', { plans: page.map(planView), page_context });
      });
      api.get('/plans/:plan_code', async (req) =>
        ok('success', { plan: planView(billing.getPlan(p(req)['plan_code'])) }),
      );

      registerCustomerRoutes(api, deps);
      registerSubscriptionRoutes(api, deps);

      // ---- invoices ----
      api.post('/invoices', async (req, reply) =>
        created(reply, 'The invoice has been created.', {
          invoice: invoiceView(billing.createInvoice(body(req)), state),
        }),
      );
      api.get('/invoices', async (req) => {
        const query = q(req);
        const status = filterValue(query, 'Status', INVOICE_FILTERS);
        const allowed = INVOICE_FILTERS[status];
        let source: string[] | undefined;
        if (query['subscription_id'])
          source = ids(state.invoicesBySubscription.get(query['subscription_id']));
        else if (query['customer_id']) source = ids(state.invoicesByCustomer.get(query['customer_id']));
        const invoices = (source ? source.map((id) => billing.getInvoice(id)) : [...state.invoices.values()])
          .map((inv) => (billing.refreshInvoiceStatus(inv), inv))
          .filter(
            (inv) =>
              (!allowed || allowed.includes(inv.status)) &&
              (!query['customer_id'] || inv.customer_id === query['customer_id']),
          );
        const { page, page_context } = paginate(invoices, query, 'Invoices', `Status.${status}`);
        return ok('success', { invoices: page.map((i) => invoiceListItem(i, state)), page_context });
      });
      api.get('/invoices/:invoice_id', async (req) =>
        ok('success', { invoice: invoiceView(billing.getInvoice(p(req)['invoice_id']), state) }),
      );
      api.post('/invoices/:invoice_id/void', async (req) => {
        billing.voidInvoice(p(req)['invoice_id']);
        return ok('The invoice has been voided.', {});
      });
      api.post('/invoices/:invoice_id/converttoopen', async (req) => {
        billing.convertToOpen(p(req)['invoice_id']);
        return ok('The invoice has been converted to open.', {});
      });

      // ---- payments ----
      api.post('/payments', async (req, reply) =>
        created(reply, 'The payment has been recorded.', {
          payment: paymentView(billing.createPayment(body(req)), state),
        }),
      );
      api.get('/payments', async (req) => {
        // Not in payments.yml (no list operation there); modelled on Zoho's "List all payments".
        const query = q(req);
        const mode = filterValue(query, 'PaymentMode', {
          All: 1,
          Check: 1,
          Cash: 1,
          BankTransfer: 1,
          CreditCard: 1,
          BankRemittance: 1,
          AutoTransaction: 1,
          Others: 1,
        });
        let source: string[] | undefined;
        if (query['invoice_id']) source = ids(state.paymentsByInvoice.get(query['invoice_id']));
        else if (query['customer_id']) source = ids(state.paymentsByCustomer.get(query['customer_id']));
        const payments = (
          source ? source.map((id) => billing.getPayment(id)) : [...state.payments.values()]
        ).filter(
          (pay) =>
            (mode === 'All' || pay.payment_mode === mode.toLowerCase()) &&
            (!query['customer_id'] || pay.customer_id === query['customer_id']) &&
            (!query['reference_number'] || pay.reference_number === query['reference_number']),
        );
        const { page, page_context } = paginate(payments, query, 'Payments', `PaymentMode.${mode}`);
        return ok('success', { payments: page.map((x) => paymentView(x, state)), page_context });
      });
      api.get('/payments/:payment_id', async (req) =>
        ok('success', { payment: paymentView(billing.getPayment(p(req)['payment_id']), state) }),
      );
      api.delete('/payments/:payment_id', async (req) => {
        billing.deletePayment(p(req)['payment_id']);
        return ok('The payment has been deleted.', {});
      });

      // ---- events (read-only, events.yml) ----
      api.get('/events', async (req) => {
        const query = q(req);
        const events = [...state.events].reverse();
        const { page, page_context } = paginate(events, query, 'Events', 'Status.All');
        return ok('success', {
          events: page.map((e) => ({
            event_id: e.event_id,
            event_type: e.event_type,
            event_time: e.event_time,
          })),
          page_context,
        });
      });
      api.get('/events/:event_id', async (req) => {
        const event = state.events.find((e) => e.event_id === p(req)['event_id']);
        if (!event) throw new ZohoApiError(404, ZOHO_CODES.notFound, 'Event does not exist.');
        return ok('success', { event: { ...event, webhooks: [] } });
      });
    },
    { prefix: ZOHO_BILLING_PREFIX },
  );
}
