import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RateWindow } from '@aia/sandbox-kit';
import type { ZohoBillingService } from './zoho-billing.service';
import { invalid, RATE_LIMIT_MESSAGE, sendZohoError, ZohoApiError, ZOHO_CODES } from './zoho-errors';
import type { ZohoState } from './zoho-state';
import {
  customerListItem,
  customerView,
  invoiceListItem,
  invoiceView,
  paymentView,
  planView,
  productView,
  subscriptionListItem,
  subscriptionView,
} from './zoho-views';

export const ZOHO_BILLING_PREFIX = '/billing/v1';
export const ZOHO_ORG_HEADER = 'x-com-zoho-subscriptions-organizationid';

export interface BillingRouteDeps {
  billing: ZohoBillingService;
  state: ZohoState;
  organizationId: string;
  now: () => Date;
  requestsPerMinute: () => number;
}

type Query = Record<string, string | undefined>;
type Body = Record<string, unknown>;

/** Zoho pages lists with `page` and `per_page` (default and maximum 200) and answers `page_context`. */
function paginate<T>(
  items: T[],
  q: Query,
  reportName: string,
  filter: string,
): { page: T[]; page_context: Body } {
  const page = Math.max(1, Number.parseInt(q['page'] ?? '1', 10) || 1);
  const perPage = Math.min(200, Math.max(1, Number.parseInt(q['per_page'] ?? '200', 10) || 200));
  const start = (page - 1) * perPage;
  return {
    page: items.slice(start, start + perPage),
    page_context: {
      page,
      per_page: perPage,
      has_more_page: start + perPage < items.length,
      report_name: reportName,
      applied_filter: filter,
      sort_column: 'created_time',
      sort_order: 'D',
    },
  };
}

/** Zoho also accepts the body as a `JSONString` form field (older clients); both land here as an object. */
function body(req: FastifyRequest): Body {
  const b = req.body;
  if (b && typeof b === 'object' && typeof (b as Body)['JSONString'] === 'string') {
    try {
      return JSON.parse((b as Body)['JSONString'] as string) as Body;
    } catch {
      throw invalid('Invalid value passed for JSONString');
    }
  }
  return b && typeof b === 'object' ? (b as Body) : {};
}

const ids = (set: Set<string> | undefined): string[] => [...(set ?? [])];

const SUBSCRIPTION_FILTERS: Record<string, string[] | undefined> = {
  All: undefined,
  ACTIVE: ['live', 'trial', 'non_renewing', 'dunning', 'future'],
  LIVE: ['live'],
  FUTURE: ['future'],
  TRIAL: ['trial'],
  PAST_DUE: ['dunning'],
  UNPAID: ['unpaid'],
  NON_RENEWING: ['non_renewing'],
  CANCELLED: ['cancelled'],
  EXPIRED: ['expired'],
};

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

function filterValue(q: Query, prefix: string, allowed: Record<string, unknown>): string {
  const raw = q['filter_by'] ?? `${prefix}.All`;
  const [p, value] = raw.split('.');
  if (p !== prefix || !(value in allowed)) throw invalid('Invalid value passed for filter_by');
  return value;
}

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

      const ok = (message: string, extra: Body) => ({ code: 0, message, ...extra });
      const created = (reply: FastifyReply, message: string, extra: Body) =>
        reply.code(201).send(ok(message, extra));
      const q = (req: FastifyRequest) => req.query as Query;
      const p = (req: FastifyRequest) => req.params as Record<string, string>;

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

      // ---- customers ----
      api.post('/customers', async (req, reply) =>
        created(reply, 'The customer has been created', {
          customer: customerView(billing.createCustomer(body(req)), state),
        }),
      );
      api.get('/customers', async (req) => {
        const query = q(req);
        const status = filterValue(query, 'Status', {
          All: 1,
          Active: 1,
          Inactive: 1,
          Gapps: 1,
          Crm: 1,
          NonSubscribers: 1,
          PortalEnabled: 1,
          PortalDisabled: 1,
        });
        // customers.yml (../shared/specs/zoho-billing/customers.yml, "List all customers") documents only
        // `filter_by=Status.*` (and paging); every item carries `email`, which is how the integration finds a
        // customer by e-mail. `email=` and `search_text=` are community usage, not in the spec (UNCONFIRMED):
        // kept as sandbox extensions (exact, case-insensitive e-mail; substring of name or e-mail).
        let customers = query['email']
          ? billing.customersByEmail(query['email'])
          : [...state.customers.values()];
        const search = query['search_text']?.toLowerCase();
        customers = customers.filter((c) => {
          if (
            search &&
            !c.display_name.toLowerCase().includes(search) &&
            !c.email.toLowerCase().includes(search)
          ) {
            return false;
          }
          switch (status) {
            case 'Active':
              return c.status === 'active';
            case 'Inactive':
              return c.status === 'inactive';
            case 'Gapps':
              return false;
            case 'Crm':
              return Boolean(c.zcrm_account_id || c.zcrm_contact_id);
            case 'NonSubscribers':
              return (state.subscriptionsByCustomer.get(c.customer_id)?.size ?? 0) === 0;
            case 'PortalEnabled':
              return c.is_portal_enabled;
            case 'PortalDisabled':
              return !c.is_portal_enabled;
            default:
              return true;
          }
        });
        const { page, page_context } = paginate(customers, query, 'Customers', `Status.${status}`);
        return ok('success', { customers: page.map((c) => customerListItem(c, state)), page_context });
      });
      api.get('/customers/reference/:reference_id', async (req) =>
        ok('success', {
          customer: customerView(
            billing.findCustomerByReference(p(req)['reference_id'], q(req)['reference_id_type']),
            state,
          ),
        }),
      );
      api.get('/customers/:customer_id', async (req) =>
        ok('success', { customer: customerView(billing.getCustomer(p(req)['customer_id']), state) }),
      );

      // ---- subscriptions ----
      api.post('/subscriptions', async (req, reply) =>
        created(reply, 'Subscription has been created successfully.', {
          subscription: subscriptionView(billing.createSubscription(body(req)), state),
        }),
      );
      api.get('/subscriptions', async (req) => {
        const query = q(req);
        const status = filterValue(query, 'SubscriptionStatus', SUBSCRIPTION_FILTERS);
        const allowed = SUBSCRIPTION_FILTERS[status];
        const source = query['customer_id']
          ? ids(state.subscriptionsByCustomer.get(query['customer_id'])).map((id) =>
              billing.getSubscription(id),
            )
          : [...state.subscriptions.values()];
        const ref = query['reference_contains'];
        const subs = source.filter(
          (s) => (!allowed || allowed.includes(s.status)) && (!ref || s.reference_id.includes(ref)),
        );
        const { page, page_context } = paginate(subs, query, 'Subscriptions', `SubscriptionStatus.${status}`);
        return ok('success', {
          subscriptions: page.map((s) => subscriptionListItem(s, state)),
          page_context,
        });
      });
      api.get('/subscriptions/:subscription_id', async (req) =>
        ok('success', {
          subscription: subscriptionView(billing.getSubscription(p(req)['subscription_id']), state),
        }),
      );
      api.post('/subscriptions/:subscription_id/cancel', async (req) => {
        const raw = q(req)['cancel_at_end'] ?? String(body(req)['cancel_at_end'] ?? 'false');
        const sub = billing.cancelSubscription(p(req)['subscription_id'], raw === 'true');
        const message =
          sub.status === 'non_renewing'
            ? 'Your subscription will be cancelled at the end of the current term.'
            : 'Your subscription has been cancelled.';
        return ok(message, { subscription: subscriptionView(sub, state) });
      });

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
