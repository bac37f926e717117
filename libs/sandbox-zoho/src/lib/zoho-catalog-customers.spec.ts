import {
  customerInput,
  EmulatorHarness,
  expectSpecValid,
  startHarness,
} from '../testing/zoho-emulator.fixtures';

describe('Zoho emulator: auth envelope, products, plans, customers (validated against specs/zoho-billing)', () => {
  let h: EmulatorHarness;
  beforeEach(() => {
    h = startHarness();
  });
  afterEach(() => h.emulator.close());

  describe('request gate', () => {
    it('answers 401 in Zoho shape without a token, with an unknown token and with an expired one', async () => {
      for (const token of [null, 'nope']) {
        const res = await h.api('GET', '/plans', { token });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ code: 57, message: 'You are not authorized to perform this operation' });
        expectSpecValid('GET', '/plans', res);
      }
      h.emulator.expireAccessTokens();
      expect((await h.api('GET', '/plans')).status).toBe(401);
    });

    it('requires the organization header and refuses other organizations', async () => {
      const missing = await h.api('GET', '/plans', { org: null });
      expect(missing.status).toBe(400);
      expect(missing.body['code']).toBe(6041);
      const other = await h.api('GET', '/plans', { org: '999' });
      expect(other.status).toBe(401);
      expectSpecValid('GET', '/plans', other);
    });

    it('answers unknown URLs with Zoho 404 envelope', async () => {
      const res = await h.api('GET', '/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 5, message: 'Invalid URL Passed' });
    });
  });

  describe('products', () => {
    it('creates, lists and gets products', async () => {
      const created = await h.api('POST', '/products', {
        body: { name: 'Add-on product', description: 'x' },
      });
      expect(created.status).toBe(201);
      expectSpecValid('POST', '/products', created);
      const id = (created.body['product'] as { product_id: string }).product_id;
      const list = await h.api('GET', '/products');
      expectSpecValid('GET', '/products', list);
      expect((list.body['products'] as unknown[]).length).toBe(2);
      expect(list.body['page_context']).toMatchObject({ page: 1, per_page: 200, has_more_page: false });
      const got = await h.api('GET', `/products/${id}`);
      expectSpecValid('GET', `/products/${id}`, got);
      expect(got.body['product']).toMatchObject({ name: 'Add-on product', status: 'active' });
    });

    it('rejects a product without name and a missing product', async () => {
      const bad = await h.api('POST', '/products', { body: {} });
      expect(bad.status).toBe(400);
      expect(bad.body['code']).toBe(4);
      expectSpecValid('POST', '/products', bad);
      const missing = await h.api('GET', '/products/1');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ code: 1002, message: 'Product does not exist.' });
    });
  });

  describe('plans', () => {
    it('lists the seeded plans, filters by status and product, gets one', async () => {
      const list = await h.api('GET', '/plans?filter_by=PlanStatus.ACTIVE');
      expectSpecValid('GET', '/plans', list);
      const codes = (list.body['plans'] as Array<{ plan_code: string }>).map((p) => p.plan_code).sort();
      expect(codes).toEqual(['basic-monthly', 'pro-monthly', 'pro-yearly']);
      const none = await h.api('GET', '/plans?product_id=123');
      expect(none.body['plans']).toEqual([]);
      const got = await h.api('GET', '/plans/pro-yearly');
      expectSpecValid('GET', '/plans/pro-yearly', got);
      expect(got.body['plan']).toMatchObject({ recurring_price: 990, interval: 1, interval_unit: 'years' });
    });

    it('creates a plan and refuses bad input, duplicates and unknown products', async () => {
      const productId = (await h.api('GET', '/products')).body['products'] as Array<{ product_id: string }>;
      const body = {
        plan_code: 'team-monthly',
        name: 'Team',
        recurring_price: 49,
        interval: 1,
        product_id: productId[0].product_id,
      };
      const created = await h.api('POST', '/plans', { body });
      expect(created.status).toBe(201);
      expectSpecValid('POST', '/plans', created);
      const dup = await h.api('POST', '/plans', { body });
      expect(dup.status).toBe(400);
      expectSpecValid('POST', '/plans', dup);
      expect(
        (await h.api('POST', '/plans', { body: { ...body, plan_code: 'x', recurring_price: 'abc' } })).status,
      ).toBe(400);
      expect(
        (await h.api('POST', '/plans', { body: { ...body, plan_code: 'y', product_id: '1' } })).status,
      ).toBe(404);
      expect((await h.api('GET', '/plans?filter_by=Nope.All')).status).toBe(400);
      expect((await h.api('GET', '/plans/unknown')).body['code']).toBe(1002);
    });
  });

  describe('customers', () => {
    it('creates a customer and reads it back by id and in the list (with its e-mail), and by e-mail', async () => {
      const input = customerInput();
      const created = await h.api('POST', '/customers', { body: input });
      expect(created.status).toBe(201);
      expectSpecValid('POST', '/customers', created);
      expect(created.body['message']).toBe('The customer has been created');
      const customer = created.body['customer'] as { customer_id: string; custom_fields: unknown[] };
      expect(customer.custom_fields).toEqual([
        expect.objectContaining({ label: 'attio_record_id', value: input.custom_fields[0].value }),
      ]);

      const got = await h.api('GET', `/customers/${customer.customer_id}`);
      expectSpecValid('GET', `/customers/${customer.customer_id}`, got);

      const byEmail = await h.api('GET', `/customers?email=${encodeURIComponent(input.email.toUpperCase())}`);
      expectSpecValid('GET', '/customers', byEmail);
      expect((byEmail.body['customers'] as Array<{ customer_id: string }>).map((c) => c.customer_id)).toEqual(
        [customer.customer_id],
      );

      // The documented way (customers.yml): list with filter_by, each item carries the e-mail.
      const all = await h.api('GET', '/customers?filter_by=Status.All&page=1&per_page=200');
      expectSpecValid('GET', '/customers', all);
      expect(all.body['customers']).toEqual([
        expect.objectContaining({ customer_id: customer.customer_id, email: input.email }),
      ]);
      expect(all.body['customers']).toEqual([
        expect.not.objectContaining({ custom_fields: expect.anything() }),
      ]);
    });

    it('does not find a customer by a custom-field value through /customers/reference (CRM ids only)', async () => {
      const input = customerInput();
      await h.api('POST', '/customers', { body: input });
      const ref = input.custom_fields[0].value;
      for (const query of ['', '?reference_id_type=zcrm_account_id', '?reference_id_type=zcrm_contact_id']) {
        const byRef = await h.api('GET', `/customers/reference/${ref}${query}`);
        expect(byRef.status).toBe(404);
        expect(byRef.body['code']).toBe(1002);
      }
    });

    it('resolves CRM references by type, as Zoho documents', async () => {
      const created = await h.api('POST', '/customers', {
        body: customerInput({ zcrm_account_id: '777', zcrm_contact_id: '888' }),
      });
      const id = (created.body['customer'] as { customer_id: string }).customer_id;
      const byAccount = await h.api('GET', '/customers/reference/777?reference_id_type=zcrm_account_id');
      expect((byAccount.body['customer'] as { customer_id: string }).customer_id).toBe(id);
      expectSpecValid('GET', '/customers/reference/777', byAccount);
      const byContact = await h.api('GET', '/customers/reference/888?reference_id_type=zcrm_contact_id');
      expect((byContact.body['customer'] as { customer_id: string }).customer_id).toBe(id);
      const untyped = await h.api('GET', '/customers/reference/888');
      expect((untyped.body['customer'] as { customer_id: string }).customer_id).toBe(id);
      // The type says which id to compare: an account id is not a contact id.
      expect((await h.api('GET', '/customers/reference/777?reference_id_type=zcrm_contact_id')).status).toBe(
        404,
      );
      const crm = await h.api('GET', '/customers?filter_by=Status.Crm');
      expect((crm.body['customers'] as unknown[]).length).toBe(1);
    });

    it('filters lists and pages them', async () => {
      for (let i = 0; i < 3; i++) await h.api('POST', '/customers', { body: customerInput() });
      const page = await h.api('GET', '/customers?filter_by=Status.Active&per_page=2&page=2');
      expectSpecValid('GET', '/customers', page);
      expect(page.body['customers']).toHaveLength(1);
      expect(page.body['page_context']).toMatchObject({
        page: 2,
        per_page: 2,
        has_more_page: false,
        applied_filter: 'Status.Active',
      });
      expect((await h.api('GET', '/customers?filter_by=Status.Inactive')).body['customers']).toEqual([]);
      expect(
        (await h.api('GET', '/customers?filter_by=Status.NonSubscribers')).body['customers'],
      ).toHaveLength(3);
      expect((await h.api('GET', '/customers?search_text=acme')).body['customers']).toHaveLength(3);
    });

    it('rejects missing fields, bad e-mail, duplicate names, unknown ids and unknown references', async () => {
      const noEmail = await h.api('POST', '/customers', { body: { display_name: 'X' } });
      expect(noEmail.status).toBe(400);
      expectSpecValid('POST', '/customers', noEmail);
      expect(
        (await h.api('POST', '/customers', { body: { display_name: 'X', email: 'not-an-email' } })).status,
      ).toBe(400);
      const input = customerInput();
      await h.api('POST', '/customers', { body: input });
      const dup = await h.api('POST', '/customers', { body: { ...input, email: 'other@acme.test' } });
      expect(dup.status).toBe(400);
      expect(dup.body['code']).toBe(3062);
      const missing = await h.api('GET', '/customers/123');
      expect(missing.status).toBe(404);
      expectSpecValid('GET', '/customers/123', missing);
      expect((await h.api('GET', '/customers/reference/none')).status).toBe(404);
      expect((await h.api('GET', '/customers?filter_by=Status.Bogus')).status).toBe(400);
    });

    it('accepts the legacy JSONString form body', async () => {
      const res = await h.emulator.server.app.inject({
        method: 'POST',
        url: '/billing/v1/customers',
        headers: {
          authorization: `Zoho-oauthtoken ${h.token}`,
          'x-com-zoho-subscriptions-organizationid': '10000001',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ JSONString: JSON.stringify(customerInput()) }).toString(),
      });
      expect(res.statusCode).toBe(201);
    });
  });
});
