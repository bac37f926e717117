import { UpstreamError } from '@aia/platform';
import {
  AttioStack,
  companyValues,
  seedIntegrationAttributes,
  startAttioStack,
} from '../testing/attio-stack.fixtures';
import { currentText, currentScalars, attioValue } from './attio-values';

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof UpstreamError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('AttioClient against the Attio emulator', () => {
  let stack: AttioStack;
  beforeAll(async () => {
    // The breaker is exercised in attio-resilience.spec.ts; here it must not hide the error classes.
    stack = await startAttioStack({ policy: { breaker: { consecutiveFailures: 1000, halfOpenAfterMs: 1 } } });
    await seedIntegrationAttributes(stack);
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.calls.length = 0;
  });

  describe('records', () => {
    it('creates, gets, queries by attribute, patches, puts and asserts', async () => {
      const created = await stack.client.createRecord(
        'companies',
        companyValues(1, { zoho_customer_id: 'Z-1' }),
        {
          uniqueAttribute: 'zoho_customer_id',
        },
      );
      expect(currentText(created, 'zoho_customer_id')).toBe('Z-1');

      const got = await stack.client.getRecord('companies', created.id.record_id);
      expect(got.id).toEqual(created.id);

      const found = await stack.client.findRecordByAttribute('companies', 'zoho_customer_id', 'Z-1');
      expect(found?.id.record_id).toBe(created.id.record_id);
      expect(
        await stack.client.findRecordByAttribute('companies', 'zoho_customer_id', 'nope'),
      ).toBeUndefined();

      const patched = await stack.client.patchRecord('companies', created.id.record_id, {
        subscription_status: 'live',
        last_payment_at: attioValue.timestamp(new Date('2026-05-01T10:00:00Z')),
        domains: ['second.example.com'],
      });
      expect(currentText(patched, 'subscription_status')).toBe('live');
      expect(currentText(patched, 'last_payment_at')).toBe('2026-05-01T10:00:00.000000000Z');
      expect(currentScalars(patched, 'domains').sort()).toEqual([
        'company-1.example.com',
        'second.example.com',
      ]);

      const put = await stack.client.putRecord('companies', created.id.record_id, {
        domains: ['only.example.com'],
      });
      expect(currentScalars(put, 'domains')).toEqual(['only.example.com']);

      const asserted = await stack.client.assertRecord('companies', 'zoho_customer_id', {
        zoho_customer_id: 'Z-1',
        subscription_status: 'cancelled',
      });
      expect(asserted.id.record_id).toBe(created.id.record_id);
      expect(currentText(asserted, 'subscription_status')).toBe('cancelled');
      const queried = await stack.client.queryRecords('companies', {
        filter: { subscription_status: 'cancelled' },
      });
      expect(queried.map((r) => r.id.record_id)).toEqual([created.id.record_id]);
    });

    it('classifies a missing record as not_found (permanent, one attempt)', async () => {
      const err = await failure(stack.client.getRecord('companies', '00000000-0000-4000-8000-000000000000'));
      expect(err).toMatchObject({
        kind: 'not_found',
        platform: 'attio',
        upstream: { status: 404, code: 'not_found' },
      });
      expect(err.temporary).toBe(false);
      expect(stack.calls).toHaveLength(1);
    });

    it('classifies a bad value as validation and a non-unique assert key as validation', async () => {
      const bad = await failure(
        stack.client.patchRecord(
          'companies',
          (await stack.client.createRecord('companies', companyValues(2))).id.record_id,
          { last_payment_at: 'yesterday' },
        ),
      );
      expect(bad).toMatchObject({ kind: 'validation', upstream: { status: 400, code: 'validation_type' } });
      const notUnique = await failure(stack.client.assertRecord('companies', 'name', { name: 'x' }));
      expect(notUnique).toMatchObject({
        kind: 'validation',
        upstream: { code: 'matching_attribute_definition_not_unique' },
      });
    });

    it('classifies a duplicate unique value as conflict', async () => {
      await stack.client.createRecord('companies', companyValues(3, { zoho_customer_id: 'Z-3' }));
      const err = await failure(
        stack.client.createRecord('companies', companyValues(4, { zoho_customer_id: 'Z-3' })),
      );
      expect(err.kind).toBe('conflict');
    });

    it('classifies injected 503s as unavailable after retrying, and 429s as rate_limited', async () => {
      stack.emulator.server.faults.configure({ errorRate: 1, errorStatus: 503, maxFaults: 10 });
      const unavailable = await failure(stack.client.queryRecords('companies'));
      expect(unavailable).toMatchObject({ kind: 'unavailable', upstream: { status: 503 } });
      expect(stack.calls).toHaveLength(4); // maxAttempts
      stack.emulator.server.faults.clear();

      stack.calls.length = 0;
      stack.emulator.server.faults.configure({ rateLimitRate: 1, maxFaults: 10 });
      const limited = await failure(stack.client.queryRecords('companies'));
      expect(limited).toMatchObject({ kind: 'rate_limited', upstream: { status: 429 } });
      expect(limited.upstream.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(stack.calls).toHaveLength(4);
      stack.emulator.server.faults.clear();
    }, 10_000);
  });

  describe('attributes, notes and webhooks', () => {
    it('lists and creates attributes; a duplicate slug is a conflict', async () => {
      const created = await stack.client.createAttribute('companies', {
        title: 'Plan',
        api_slug: 'plan_code',
        type: 'text',
      });
      expect(created).toMatchObject({ api_slug: 'plan_code', type: 'text', is_unique: false });
      const slugs = (await stack.client.listAttributes('companies')).map((a) => a.api_slug);
      expect(slugs).toEqual(expect.arrayContaining(['name', 'domains', 'zoho_customer_id', 'plan_code']));
      const dup = await failure(
        stack.client.createAttribute('companies', { title: 'Plan', api_slug: 'plan_code', type: 'text' }),
      );
      expect(dup).toMatchObject({ kind: 'conflict', upstream: { status: 409, code: 'slug_conflict' } });
    });

    it('creates notes on a record; a note on a missing record is not_found', async () => {
      const record = await stack.client.createRecord('companies', companyValues(5));
      const note = await stack.client.createNote({
        parentObject: 'companies',
        parentRecordId: record.id.record_id,
        title: 'Payment received',
        content: 'INV-1 paid',
      });
      expect(note).toMatchObject({ parent_record_id: record.id.record_id, content_plaintext: 'INV-1 paid' });
      const missing = await failure(
        stack.client.createNote({
          parentObject: 'companies',
          parentRecordId: '00000000-0000-4000-8000-000000000000',
          title: 't',
          content: 'c',
        }),
      );
      expect(missing.kind).toBe('not_found');
    });

    it('creates (with secret), lists and deletes webhooks; deleting twice is fine', async () => {
      const webhook = await stack.client.createWebhook('https://example.com/webhooks/attio', [
        { event_type: 'record.updated', filter: null },
      ]);
      expect(webhook.secret).toMatch(/^[0-9a-f]{64}$/);
      expect((await stack.client.listWebhooks()).map((w) => w.id.webhook_id)).toContain(
        webhook.id.webhook_id,
      );
      await stack.client.deleteWebhook(webhook.id.webhook_id);
      await stack.client.deleteWebhook(webhook.id.webhook_id);
      expect(await stack.client.listWebhooks()).toEqual([]);
      const bad = await failure(stack.client.createWebhook('not a url', []));
      expect(bad.kind).toBe('validation');
    });
  });

  it('classifies a wrong token as auth', async () => {
    const other = await startAttioStack({ token: 'wrong-token' });
    try {
      const err = await failure(other.client.listAttributes('companies'));
      expect(err).toMatchObject({ kind: 'auth', upstream: { status: 401 } });
      expect(other.calls).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
