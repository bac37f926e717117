import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZohoBillingService } from './zoho-billing.service';
import type { ZohoCustomerUpdates } from './zoho-customer-update';
import { invalid } from './zoho-errors';
import type { ZohoState } from './zoho-state';
import type { ZohoSubscriptionChanges } from './zoho-subscription-changes';

/** What every resource's route file needs (registered inside the authenticated `/billing/v1` scope). */
export interface ResourceRouteDeps {
  billing: ZohoBillingService;
  changes: ZohoSubscriptionChanges;
  customerUpdates: ZohoCustomerUpdates;
  state: ZohoState;
}

export type Query = Record<string, string | undefined>;
export type Body = Record<string, unknown>;

/** Zoho pages lists with `page` and `per_page` (default and maximum 200) and answers `page_context`. */
export function paginate<T>(
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
export function body(req: FastifyRequest): Body {
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

export const ids = (set: Set<string> | undefined): string[] => [...(set ?? [])];

export function filterValue(q: Query, prefix: string, allowed: Record<string, unknown>): string {
  const raw = q['filter_by'] ?? `${prefix}.All`;
  const [p, value] = raw.split('.');
  if (p !== prefix || !(value in allowed)) throw invalid('Invalid value passed for filter_by');
  return value;
}

/** Zoho's success envelope: `{code: 0, message, <resource>}`. */
export const ok = (message: string, extra: Body): Body => ({ code: 0, message, ...extra });
export const created = (reply: FastifyReply, message: string, extra: Body) =>
  reply.code(201).send(ok(message, extra));
export const query = (req: FastifyRequest): Query => req.query as Query;
export const params = (req: FastifyRequest): Record<string, string> => req.params as Record<string, string>;
