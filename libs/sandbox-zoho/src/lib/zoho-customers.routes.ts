import type { FastifyInstance } from 'fastify';
import {
  body,
  created,
  filterValue,
  ok,
  paginate,
  params,
  query,
  ResourceRouteDeps,
} from './zoho-route-helpers';
import { customerListItem, customerView } from './zoho-views';

const CUSTOMER_FILTERS = {
  All: 1,
  Active: 1,
  Inactive: 1,
  Gapps: 1,
  Crm: 1,
  NonSubscribers: 1,
  PortalEnabled: 1,
  PortalDisabled: 1,
};

/** `/customers` (customers.yml), registered inside the authenticated Billing scope. */
export function registerCustomerRoutes(api: FastifyInstance, deps: ResourceRouteDeps): void {
  const { billing, customerUpdates, state } = deps;

  api.post('/customers', async (req, reply) =>
    created(reply, 'The customer has been created', {
      customer: customerView(billing.createCustomer(body(req)), state),
    }),
  );
  api.get('/customers', async (req) => {
    const q = query(req);
    const status = filterValue(q, 'Status', CUSTOMER_FILTERS);
    // customers.yml (../shared/specs/zoho-billing/customers.yml, "List all customers") documents only
    // `filter_by=Status.*` (and paging); every item carries `email`, which is how the integration finds a
    // customer by e-mail. `email=` and `search_text=` are community usage, not in the spec (UNCONFIRMED):
    // kept as sandbox extensions (exact, case-insensitive e-mail; substring of name or e-mail).
    let customers = q['email'] ? billing.customersByEmail(q['email']) : [...state.customers.values()];
    const search = q['search_text']?.toLowerCase();
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
    const { page, page_context } = paginate(customers, q, 'Customers', `Status.${status}`);
    return ok('success', { customers: page.map((c) => customerListItem(c, state)), page_context });
  });
  api.get('/customers/reference/:reference_id', async (req) =>
    ok('success', {
      customer: customerView(
        billing.findCustomerByReference(params(req)['reference_id'], query(req)['reference_id_type']),
        state,
      ),
    }),
  );
  api.get('/customers/:customer_id', async (req) =>
    ok('success', { customer: customerView(billing.getCustomer(params(req)['customer_id']), state) }),
  );
  // "Update a customer"; the message is update-a-customer-response's example.
  api.put('/customers/:customer_id', async (req) =>
    ok('The customer details have been updated.', {
      customer: customerView(customerUpdates.update(params(req)['customer_id'], body(req)), state),
    }),
  );
}
