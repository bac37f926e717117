import { ZohoOpenApiValidator } from './zoho-openapi.validator';

describe('ZohoOpenApiValidator', () => {
  const v = new ZohoOpenApiValidator();

  it('finds the response schema of an operation, literal segments first', () => {
    expect(v.responseSchema('GET', '/billing/v1/customers/reference/42', 200)?.ref).toBe(
      '#/components/schemas/retrieve-a-customer-using-crm-reference-response',
    );
    expect(v.responseSchema('POST', '/subscriptions/1/cancel?cancel_at_end=true', 200)?.ref).toBe(
      '#/components/schemas/cancel-a-subscription-response',
    );
    expect(v.responseSchema('POST', '/payments', 201)?.file).toBe('payments.yml');
    // payments.yml has no list operation: the emulator's GET /payments is checked per item instead.
    expect(v.responseSchema('GET', '/payments', 200)).toBeUndefined();
  });

  it('rejects bodies whose types differ from the spec (the check has teeth)', () => {
    const bad = v.validateResponse('GET', '/invoices/1', 200, {
      code: 0,
      message: 'ok',
      invoice: { balance: '10.00' },
    });
    expect(bad.valid).toBe(false);
    expect(bad.errors.join()).toContain('/invoice/balance');
    const good = v.validateResponse('GET', '/invoices/1', 200, {
      code: 0,
      message: 'ok',
      invoice: { balance: 10 },
    });
    expect(good.valid).toBe(true);
  });

  it('checks error answers against Zoho envelope (code must be non-zero)', () => {
    expect(
      v.validateResponse('GET', '/x', 404, { code: 1002, message: 'Invoice does not exist.' }).valid,
    ).toBe(true);
    expect(v.validateResponse('GET', '/x', 400, { code: 0, message: 'x' }).valid).toBe(false);
  });

  it('validates named components', () => {
    expect(v.validateComponent('payments.yml', 'payment-response', { payment_id: 1 }).valid).toBe(false);
    expect(
      v.validateComponent('payments.yml', 'payment-response', { payment_id: '1', amount: 5 }).valid,
    ).toBe(true);
  });
});
