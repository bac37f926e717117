import {
  ApiAnswer,
  customerInput,
  EmulatorHarness,
  expectSpecValid,
  startHarness,
} from '../testing/zoho-emulator.fixtures';

interface Customer {
  customer_id: string;
  display_name: string;
  email: string;
  company_name: string;
  first_name: string;
  last_name: string;
  phone: string;
  custom_fields: Array<{ label: string; value: string }>;
}

describe('Zoho emulator: PUT /customers/{id} (customers.yml "Update a customer")', () => {
  let h: EmulatorHarness;
  let customer: Customer;

  beforeEach(async () => {
    h = startHarness();
    customer = (await h.api('POST', '/customers', { body: customerInput({ phone: '+1 555 0100' }) })).body[
      'customer'
    ] as Customer;
  });
  afterEach(() => h.emulator.close());

  const put = async (id: string, body: unknown): Promise<ApiAnswer> => {
    const res = await h.api('PUT', `/customers/${id}`, { body });
    expectSpecValid('PUT', `/customers/${id}`, res);
    return res;
  };
  const required = () => ({ display_name: customer.display_name, email: customer.email });

  it('updates names, e-mail, company and custom fields; fields left out keep their values; no webhook event', async () => {
    const events = h.emulator.state.events.length;
    const res = await put(customer.customer_id, {
      display_name: 'Initech',
      email: 'billing@initech.example',
      company_name: 'Initech LLC',
      first_name: 'Bill',
      last_name: 'Lumbergh',
      custom_fields: [{ label: 'segment', value: 'enterprise' }],
    });
    expect(res.status).toBe(200);
    expect(res.body['message']).toBe('The customer details have been updated.');
    const updated = res.body['customer'] as Customer;
    expect(updated).toMatchObject({
      customer_id: customer.customer_id,
      display_name: 'Initech',
      email: 'billing@initech.example',
      company_name: 'Initech LLC',
      first_name: 'Bill',
      last_name: 'Lumbergh',
      phone: '+1 555 0100',
    });
    // Merged by label: the Attio reference set on create is still there.
    expect(updated.custom_fields).toEqual([
      expect.objectContaining(customer.custom_fields[0]),
      expect.objectContaining({ label: 'segment', value: 'enterprise' }),
    ]);
    const got = await h.api('GET', `/customers/${customer.customer_id}`);
    expectSpecValid('GET', `/customers/${customer.customer_id}`, got);
    expect(got.body['customer']).toMatchObject({ display_name: 'Initech', email: 'billing@initech.example' });
    // events.yml has no customer event: Zoho sends no webhook for a customer update.
    expect(h.emulator.state.events.length).toBe(events);
  });

  it('re-indexes e-mail and name: the list finds the new e-mail, the old name is free again', async () => {
    await put(customer.customer_id, { display_name: 'Renamed Co', email: 'new@renamed.example' });
    const byNew = await h.api('GET', '/customers?email=new@renamed.example');
    expect((byNew.body['customers'] as Customer[]).map((c) => c.customer_id)).toEqual([customer.customer_id]);
    expect((await h.api('GET', `/customers?email=${customer.email}`)).body['customers']).toEqual([]);
    const reuse = await h.api('POST', '/customers', {
      body: { display_name: customer.display_name, email: 'other@acme.test' },
    });
    expect(reuse.status).toBe(201);
  });

  it('the same request twice gives the same customer (a PUT can be repeated safely)', async () => {
    const body = { ...required(), company_name: 'Acme Two', custom_fields: [{ label: 'x', value: '1' }] };
    const first = await put(customer.customer_id, body);
    const second = await put(customer.customer_id, body);
    const strip = (c: Record<string, unknown>) => ({ ...c, updated_time: undefined });
    expect(second.status).toBe(200);
    expect(strip(second.body['customer'] as Record<string, unknown>)).toEqual(
      strip(first.body['customer'] as Record<string, unknown>),
    );
  });

  it('refuses a display name another customer has (400 / 3062), missing or bad display_name/email (400 / 4), unknown ids (404 / 1002)', async () => {
    const other = (await h.api('POST', '/customers', { body: customerInput() })).body['customer'] as Customer;
    const dup = await put(customer.customer_id, {
      ...required(),
      display_name: other.display_name.toUpperCase(),
    });
    expect(dup.status).toBe(400);
    expect(dup.body['code']).toBe(3062);
    for (const body of [
      { email: customer.email },
      { display_name: customer.display_name },
      { ...required(), email: 'not-an-email' },
      { ...required(), custom_fields: {} },
      { ...required(), payment_terms: 'soon' },
    ]) {
      const res = await put(customer.customer_id, body);
      expect(res.status).toBe(400);
      expect(res.body['code']).toBe(4);
    }
    const missing = await put('1', required());
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 1002, message: 'Customer does not exist.' });
    // Nothing was half-applied by the refusals.
    expect((await h.api('GET', `/customers/${customer.customer_id}`)).body['customer']).toMatchObject({
      display_name: customer.display_name,
      email: customer.email,
    });
  });
});
