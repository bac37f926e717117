import { currentValues } from './platforms';
import { describeRecord, linkMode } from './scenario';
import { parseSandboxBanner } from './stack';

describe('demo helpers', () => {
  it('reads the emulator URLs from the banner apps/sandbox prints (current and earlier wording)', () => {
    const current = [
      'Sandbox emulators running:',
      '  Attio      http://127.0.0.1:46275/v2',
      '  Zoho       http://127.0.0.1:43083/billing/v1  (accounts: http://127.0.0.1:43083/oauth/v2/token)',
      '  Braintree  http://127.0.0.1:43107  (merchant accounts sandbox_usd, sandbox_eur, sandbox_gbp)',
      '  webhooks → http://127.0.0.1:37681/webhooks/{attio,zoho,braintree}',
      'Configuration (the same variables the API reads):',
      '  Attio port                   46275  from .env / environment (ATTIO_API_URL)',
      '',
    ].join('\n');
    expect(parseSandboxBanner(current)).toEqual({
      attio: 'http://127.0.0.1:46275/v2',
      zoho: 'http://127.0.0.1:43083',
      braintree: 'http://127.0.0.1:43107',
    });
    const earlier = [
      'Sandbox emulators running:',
      '  Attio      http://127.0.0.1:4010/v2        (token sandbox-attio-token)',
      '  Zoho       http://127.0.0.1:4020/billing/v1  (accounts: http://127.0.0.1:4020/oauth/v2/token, org 10000001)',
      '  Braintree  http://127.0.0.1:4030           (merchant sandbox_merchant)',
      '',
    ].join('\n');
    expect(parseSandboxBanner(earlier)).toEqual({
      attio: 'http://127.0.0.1:4010/v2',
      zoho: 'http://127.0.0.1:4020',
      braintree: 'http://127.0.0.1:4030',
    });
    expect(parseSandboxBanner('Sandbox emulators running:\n  Attio      http://127.0.0.1:4010/v2\n')).toBe(
      undefined,
    );
  });

  it("shows a record's current values as Attio's UI does (select options by title, history ignored)", () => {
    const values = currentValues({
      subscription_status: [
        { active_until: '2026-12-01T00:00:00.000000000Z', option: { title: 'checkout_sent' } },
        { active_until: null, option: { title: 'active' } },
      ],
      zoho_customer_id: [{ active_until: null, value: '460000000001000' }],
      checkout_link: [],
    });
    expect(values).toEqual({ subscription_status: 'active', zoho_customer_id: '460000000001000' });
    expect(describeRecord(values, ['subscription_status', 'checkout_link'])).toBe(
      'subscription_status=active, checkout_link=(empty)',
    );
  });

  it('tells a subscribe link from an update_card link by its mode claim', () => {
    const token = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
    expect(linkMode(`http://localhost:4200/c/${token({ mode: 'update_card', sub: 'r' })}`)).toBe(
      'update_card',
    );
    expect(linkMode('http://localhost:4200/c/not-a-jwt')).toBeUndefined();
    expect(
      describeRecord({ checkout_link: `http://x/c/${token({ mode: 'subscribe' })}` }, ['checkout_link']),
    ).toBe('checkout_link=subscribe link');
  });
});
