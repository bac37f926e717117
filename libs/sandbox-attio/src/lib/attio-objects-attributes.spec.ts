import {
  getV2ByTargetByIdentifierAttributes,
  getV2ByTargetByIdentifierAttributesByAttribute,
  getV2ByTargetByIdentifierAttributesByAttributeOptions,
  getV2ByTargetByIdentifierAttributesByAttributeStatuses,
  getV2Objects,
  getV2ObjectsByObject,
  postV2ByTargetByIdentifierAttributes,
  postV2ByTargetByIdentifierAttributesByAttributeOptions,
  postV2ByTargetByIdentifierAttributesByAttributeStatuses,
} from 'attio-ts-sdk';
import { AttioHarness, attioErrorBodySchema, expectAttioError, startAttio } from '../test/attio-test-harness';

type NewAttribute = Parameters<typeof postV2ByTargetByIdentifierAttributes>[0]['body']['data'];

const attributeData = (over: Partial<NewAttribute> = {}): NewAttribute => ({
  title: 'Zoho customer id',
  description: null,
  api_slug: 'zoho_customer_id',
  type: 'text',
  is_required: false,
  is_unique: true,
  is_multiselect: false,
  config: {},
  ...over,
});

describe('Attio emulator: objects and attributes (checked by attio-ts-sdk response validation)', () => {
  let h: AttioHarness;
  beforeAll(async () => {
    h = await startAttio();
  });
  afterAll(() => h.close());

  it('lists the standard objects and gets one by slug or id', async () => {
    const { data } = await getV2Objects({ client: h.sdk });
    expect(data?.data.map((o) => o.api_slug)).toEqual(['companies', 'people', 'deals']);
    const companies = data!.data[0];
    const bySlug = await getV2ObjectsByObject({ client: h.sdk, path: { object: 'companies' } });
    const byId = await getV2ObjectsByObject({ client: h.sdk, path: { object: companies.id.object_id } });
    expect(bySlug.data?.data).toEqual(companies);
    expect(byId.data?.data).toEqual(companies);
  });

  it('answers 404 not_found for an unknown object', async () => {
    await expectAttioError(
      getV2ObjectsByObject({ client: h.sdk, path: { object: 'planets' } }),
      404,
      'not_found',
    );
  });

  it('lists standard attributes with their flags', async () => {
    const { data } = await getV2ByTargetByIdentifierAttributes({
      client: h.sdk,
      path: { target: 'objects', identifier: 'companies' },
    });
    const domains = data?.data.find((a) => a.api_slug === 'domains');
    expect(domains).toMatchObject({
      type: 'domain',
      is_unique: true,
      is_multiselect: true,
      is_system_attribute: true,
    });
    expect(data?.data.find((a) => a.api_slug === 'name')).toMatchObject({
      type: 'text',
      is_multiselect: false,
    });
  });

  it.each([
    ['text', { is_unique: true }],
    ['number', { is_unique: false }],
    ['checkbox', { is_unique: false }],
    [
      'currency',
      {
        is_unique: false,
        config: { currency: { default_currency_code: 'EUR' as const, display_type: 'code' as const } },
      },
    ],
    ['date', { is_unique: false }],
    ['timestamp', { is_unique: false }],
    ['select', { is_unique: false, is_multiselect: true }],
    ['status', { is_unique: false }],
  ] as const)('creates a %s attribute and returns it in Attio shape', async (type, over) => {
    const slug = `custom_${type}`;
    const { data } = await postV2ByTargetByIdentifierAttributes({
      client: h.sdk,
      path: { target: 'objects', identifier: 'companies' },
      body: { data: attributeData({ api_slug: slug, title: `Custom ${type}`, type, ...over }) },
    });
    expect(data?.data).toMatchObject({ api_slug: slug, type, is_system_attribute: false, is_writable: true });
    const fetched = await getV2ByTargetByIdentifierAttributesByAttribute({
      client: h.sdk,
      path: { target: 'objects', identifier: 'companies', attribute: slug },
    });
    expect(fetched.data?.data.id).toEqual(data?.data.id);
  });

  it('keeps the default currency of a currency attribute', async () => {
    const { data } = await getV2ByTargetByIdentifierAttributesByAttribute({
      client: h.sdk,
      path: { target: 'objects', identifier: 'companies', attribute: 'custom_currency' },
    });
    expect(data?.data.config.currency.default_currency_code).toBe('EUR');
  });

  it('answers 409 slug_conflict for a duplicate api_slug', async () => {
    await expectAttioError(
      postV2ByTargetByIdentifierAttributes({
        client: h.sdk,
        path: { target: 'objects', identifier: 'companies' },
        body: { data: attributeData({ api_slug: 'name' }) },
      }),
      409,
      'slug_conflict',
    );
  });

  it('answers 400 validation_type for a unique select and a multiselect text attribute', async () => {
    for (const over of [
      { api_slug: 'bad_select', type: 'select' as const, is_unique: true },
      { api_slug: 'bad_text', type: 'text' as const, is_unique: false, is_multiselect: true },
    ]) {
      await expectAttioError(
        postV2ByTargetByIdentifierAttributes({
          client: h.sdk,
          path: { target: 'objects', identifier: 'companies' },
          body: { data: attributeData(over) },
        }),
        400,
        'validation_type',
      );
    }
  });

  it('adds and lists select options and statuses', async () => {
    const path = { target: 'objects' as const, identifier: 'companies', attribute: 'custom_select' };
    const created = await postV2ByTargetByIdentifierAttributesByAttributeOptions({
      client: h.sdk,
      path,
      body: { data: { title: 'Gold' } },
    });
    expect(created.data?.data.title).toBe('Gold');
    const options = await getV2ByTargetByIdentifierAttributesByAttributeOptions({ client: h.sdk, path });
    expect(options.data?.data.map((o) => o.title)).toEqual(['Gold']);
    await expectAttioError(
      postV2ByTargetByIdentifierAttributesByAttributeOptions({
        client: h.sdk,
        path,
        body: { data: { title: 'Gold' } },
      }),
      409,
      'slug_conflict',
    );

    const stagePath = { target: 'objects' as const, identifier: 'deals', attribute: 'stage' };
    const statuses = await getV2ByTargetByIdentifierAttributesByAttributeStatuses({
      client: h.sdk,
      path: stagePath,
    });
    expect(statuses.data?.data.map((s) => s.title)).toEqual(['Lead', 'In Progress', 'Won 🎉', 'Lost']);
    const added = await postV2ByTargetByIdentifierAttributesByAttributeStatuses({
      client: h.sdk,
      path: stagePath,
      body: { data: { title: 'Churned' } },
    });
    expect(added.data?.data.title).toBe('Churned');
  });

  it('answers 404 for lists (not emulated) and for an unknown attribute', async () => {
    const list = await h.call('GET', '/v2/lists/sales/attributes');
    expect(list.status).toBe(404);
    expect(attioErrorBodySchema.parse(list.json).code).toBe('not_found');
    await expectAttioError(
      getV2ByTargetByIdentifierAttributesByAttribute({
        client: h.sdk,
        path: { target: 'objects', identifier: 'companies', attribute: 'nope' },
      }),
      404,
      'not_found',
    );
  });

  describe('authentication', () => {
    it('answers 401 in Attio error shape for a wrong or missing token', async () => {
      const wrong = await h.call('GET', '/v2/objects', undefined, 'not-the-token');
      expect(wrong.status).toBe(401);
      expect(attioErrorBodySchema.parse(wrong.json)).toMatchObject({ status_code: 401, type: 'auth_error' });
      const missing = await fetch(`${h.origin}/v2/objects`);
      expect(missing.status).toBe(401);
    });

    it('accepts Basic auth with the token as username and an empty password', async () => {
      const res = await fetch(`${h.origin}/v2/objects`, {
        headers: { authorization: `Basic ${Buffer.from('sandbox-attio-token:').toString('base64')}` },
      });
      expect(res.status).toBe(200);
    });

    it('leaves the control API open (it is not part of Attio)', async () => {
      const res = await fetch(`${h.origin}/__sandbox/clock`);
      expect(res.status).toBe(200);
    });
  });
});
