import {
  getV2ObjectsByObjectRecordsByRecordId,
  getV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValues,
  patchV2ObjectsByObjectRecordsByRecordId,
  postV2ObjectsByObjectRecords,
  postV2ObjectsByObjectRecordsQuery,
  putV2ObjectsByObjectRecords,
  putV2ObjectsByObjectRecordsByRecordId,
} from 'attio-ts-sdk';
import {
  AttioHarness,
  attioErrorBodySchema,
  expectAttioError,
  startAttio,
  valuesBody,
} from '../test/attio-test-harness';

type Values = Record<string, unknown[]>;

/** Custom attributes every test here relies on (created through the control API's seed). */
const CUSTOM_ATTRIBUTES = [
  { slug: 'zoho_customer_id', type: 'text', is_unique: true },
  { slug: 'seats', type: 'number' },
  { slug: 'vip', type: 'checkbox' },
  { slug: 'mrr', type: 'currency' },
  { slug: 'renewal_date', type: 'date' },
  { slug: 'last_payment_at', type: 'timestamp' },
  { slug: 'tier', type: 'select' },
  { slug: 'tags', type: 'select', is_multiselect: true },
].map((a) => ({
  object: 'companies',
  data: {
    title: a.slug,
    api_slug: a.slug,
    type: a.type,
    description: null,
    is_required: false,
    is_unique: a.is_unique ?? false,
    is_multiselect: a.is_multiselect ?? false,
    config: {},
  },
}));

describe('Attio emulator: records (checked by attio-ts-sdk response validation)', () => {
  let h: AttioHarness;
  const create = (values: Values, object = 'companies') =>
    postV2ObjectsByObjectRecords({ client: h.sdk, path: { object }, body: valuesBody(values) }).then(
      (r) => r.data!.data,
    );
  const query = (body: Parameters<typeof postV2ObjectsByObjectRecordsQuery>[0]['body']) =>
    postV2ObjectsByObjectRecordsQuery({ client: h.sdk, path: { object: 'companies' }, body }).then((r) =>
      r.data!.data.map((rec) => (rec.values['name'][0] as { value: string }).value),
    );

  beforeAll(async () => {
    h = await startAttio();
    expect((await h.call('POST', '/__sandbox/seed', { attributes: CUSTOM_ATTRIBUTES })).status).toBe(200);
    for (const tier of ['Gold', 'Silver']) {
      await h.call('POST', '/v2/objects/companies/attributes/tier/options', { data: { title: tier } });
    }
    for (const tag of ['saas', 'eu', 'b2b']) {
      await h.call('POST', '/v2/objects/companies/attributes/tags/options', { data: { title: tag } });
    }
    await create({
      name: ['Acme'],
      domains: ['acme.com'],
      seats: [10],
      tier: ['Gold'],
      tags: ['saas', 'eu'],
    });
    await create({ name: ['Globex'], domains: ['globex.io'], seats: [3], tier: ['Silver'], tags: ['b2b'] });
    await create({ name: ['Initech'], domains: ['initech.com'], seats: [25] });
  });
  afterAll(() => h.close());

  it('creates a record with every supported value type, stored the way Attio returns values', async () => {
    const record = await create({
      name: [{ value: 'Hooli' }],
      domains: ['https://www.hooli.xyz/about'],
      zoho_customer_id: ['Z-1'],
      seats: [7],
      vip: [true],
      mrr: [{ currency_value: 99.5, currency_code: 'EUR' }],
      renewal_date: ['2027-01-02T23:00:00-10:00'],
      last_payment_at: ['2026-05-01T13:00'],
      tier: ['Gold'],
      tags: ['saas', 'b2b'],
    });
    const v = record.values;
    expect(v['name'][0]).toMatchObject({ value: 'Hooli', attribute_type: 'text', active_until: null });
    expect(v['name'][0].created_by_actor).toEqual({ type: 'api-token', id: expect.any(String) });
    expect(v['domains'][0]).toMatchObject({
      domain: 'hooli.xyz',
      root_domain: 'hooli.xyz',
      attribute_type: 'domain',
    });
    expect(v['vip'][0]).toMatchObject({ value: true, attribute_type: 'checkbox' });
    expect(v['mrr'][0]).toMatchObject({
      currency_value: 99.5,
      currency_code: 'EUR',
      attribute_type: 'currency',
    });
    // Dates with a zone are converted to UTC, then trimmed; timestamps get nanosecond precision in UTC.
    expect(v['renewal_date'][0]).toMatchObject({ value: '2027-01-03', attribute_type: 'date' });
    expect(v['last_payment_at'][0]).toMatchObject({ value: '2026-05-01T13:00:00.000000000Z' });
    expect(v['tier'][0]).toMatchObject({
      attribute_type: 'select',
      option: { title: 'Gold', is_archived: false },
    });
    expect(v['tags'].map((t) => (t as { option: { title: string } }).option.title)).toEqual(['saas', 'b2b']);
    expect(v['created_by'][0]).toMatchObject({
      referenced_actor_type: 'api-token',
      attribute_type: 'actor-reference',
    });
    expect(v['record_id'][0]).toMatchObject({ value: record.id.record_id });
    expect(record.web_url).toContain(record.id.record_id);

    const fetched = await getV2ObjectsByObjectRecordsByRecordId({
      client: h.sdk,
      path: { object: 'companies', record_id: record.id.record_id },
    });
    expect(fetched.data?.data).toEqual(record);
  });

  it('answers 404 for an unknown record and 400 validation_type for a wrong value type', async () => {
    await expectAttioError(
      getV2ObjectsByObjectRecordsByRecordId({
        client: h.sdk,
        path: { object: 'companies', record_id: '00000000-0000-4000-8000-000000000000' },
      }),
      404,
      'not_found',
    );
    await expectAttioError(create({ name: ['X'], seats: ['many'] }), 400, 'validation_type');
    await expectAttioError(create({ name: ['X'], domains: ['not a domain'] }), 400, 'validation_type');
    await expectAttioError(create({ name: ['X'], tier: ['Platinum'] }), 400, 'value_not_found');
    await expectAttioError(create({ name: ['X'], nope: ['y'] }), 404, 'not_found');
    await expectAttioError(create({ name: ['X'], created_at: ['2026-01-01'] }), 400, 'immutable_value');
  });

  it('refuses a duplicate value of a unique attribute', async () => {
    await expectAttioError(
      create({ name: ['Acme clone'], domains: ['acme.com'] }),
      400,
      'uniqueness_conflict',
    );
  });

  it('requires the required attributes (deals: name and stage) and resolves statuses by title', async () => {
    await expectAttioError(create({ name: ['Deal without stage'] }, 'deals'), 400, 'missing_value');
    await expectAttioError(create({ name: ['Bad stage'], stage: ['Nope'] }, 'deals'), 400, 'value_not_found');
    const deal = await create({ name: ['Big deal'], stage: ['Lead'], value: [5000] }, 'deals');
    expect(deal.values['stage'][0]).toMatchObject({ attribute_type: 'status', status: { title: 'Lead' } });
    expect(deal.values['value'][0]).toMatchObject({ currency_value: 5000, currency_code: 'USD' });
  });

  describe('query', () => {
    it('filters with the shorthand, $eq, $in, $contains, $and and $or', async () => {
      expect(await query({ filter: { name: 'Acme' } })).toEqual(['Acme']);
      expect(await query({ filter: { name: { $eq: 'Globex' } } })).toEqual(['Globex']);
      expect(await query({ filter: { name: { $in: ['Acme', 'Initech'] } } })).toEqual(['Acme', 'Initech']);
      expect(await query({ filter: { name: { $contains: 'tech' } } })).toEqual(['Initech']);
      expect(await query({ filter: { $and: [{ seats: { $gte: 5 } }, { seats: { $lt: 20 } }] } })).toEqual([
        'Acme',
        'Hooli',
      ]);
      expect(await query({ filter: { $or: [{ name: 'Acme' }, { tier: 'Silver' }] } })).toEqual([
        'Acme',
        'Globex',
      ]);
      expect(await query({ filter: { domains: { domain: { $eq: 'globex.io' } } } })).toEqual(['Globex']);
      expect(await query({ filter: { tags: 'eu' } })).toEqual(['Acme']);
    });

    it('pages with limit/offset and sorts', async () => {
      expect(await query({ sorts: [{ attribute: 'seats', direction: 'desc' }], limit: 2 })).toEqual([
        'Initech',
        'Acme',
      ]);
      expect(await query({ sorts: [{ attribute: 'seats', direction: 'asc' }], limit: 2, offset: 1 })).toEqual(
        ['Hooli', 'Acme'],
      );
    });

    it('answers 400 filter_error for an unknown attribute or operator', async () => {
      const unknownAttribute = postV2ObjectsByObjectRecordsQuery({
        client: h.sdk,
        path: { object: 'companies' },
        body: { filter: { nope: 'x' } },
      });
      await expectAttioError(unknownAttribute, 400, 'filter_error');
      const unknownOperator = postV2ObjectsByObjectRecordsQuery({
        client: h.sdk,
        path: { object: 'companies' },
        body: { filter: { name: { $regex: 'x' } } },
      });
      await expectAttioError(unknownOperator, 400, 'filter_error');
    });
  });

  describe('updates and history', () => {
    let recordId: string;
    beforeEach(async () => {
      recordId = (
        await create({ name: [`Update ${Date.now()}-${Math.random()}`], tags: ['saas'], seats: [1] })
      ).id.record_id;
    });
    const values = (attribute: string, showHistoric: boolean) =>
      getV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValues({
        client: h.sdk,
        path: { object: 'companies', record_id: recordId, attribute },
        query: { show_historic: showHistoric },
      }).then((r) => r.data!.data);

    it('PATCH appends multiselect values and replaces single values, ending the old one', async () => {
      const { data } = await patchV2ObjectsByObjectRecordsByRecordId({
        client: h.sdk,
        path: { object: 'companies', record_id: recordId },
        body: valuesBody({ tags: ['eu'], seats: [2] }),
      });
      const tags = data!.data.values['tags'].map((t) => (t as { option: { title: string } }).option.title);
      expect(tags.sort()).toEqual(['eu', 'saas']);
      const seats = await values('seats', true);
      expect(seats).toHaveLength(2);
      expect(seats[0]).toMatchObject({ value: 1, active_until: expect.any(String) });
      expect(seats[1]).toMatchObject({ value: 2, active_until: null });
      expect(await values('seats', false)).toHaveLength(1);
    });

    it('PATCH with the same value changes nothing (no new history entry)', async () => {
      await patchV2ObjectsByObjectRecordsByRecordId({
        client: h.sdk,
        path: { object: 'companies', record_id: recordId },
        body: valuesBody({ seats: [1] }),
      });
      expect(await values('seats', true)).toHaveLength(1);
    });

    it('PUT overwrites multiselect values (removed ones get active_until)', async () => {
      const { data } = await putV2ObjectsByObjectRecordsByRecordId({
        client: h.sdk,
        path: { object: 'companies', record_id: recordId },
        body: valuesBody({ tags: ['b2b'] }),
      });
      expect(data!.data.values['tags']).toHaveLength(1);
      const history = await values('tags', true);
      expect(
        history.map((t) => [(t as { option: { title: string } }).option.title, t.active_until === null]),
      ).toEqual([
        ['saas', false],
        ['b2b', true],
      ]);
    });

    it('PATCH of an unknown record answers 404; clearing a required value answers missing_value', async () => {
      await expectAttioError(
        patchV2ObjectsByObjectRecordsByRecordId({
          client: h.sdk,
          path: { object: 'companies', record_id: '00000000-0000-4000-8000-000000000000' },
          body: valuesBody({ seats: [1] }),
        }),
        404,
        'not_found',
      );
      const deal = await create({ name: ['D'], stage: ['Lead'] }, 'deals');
      await expectAttioError(
        putV2ObjectsByObjectRecordsByRecordId({
          client: h.sdk,
          path: { object: 'deals', record_id: deal.id.record_id },
          body: valuesBody({ stage: [] }),
        }),
        400,
        'missing_value',
      );
    });
  });

  describe('assert', () => {
    const assert = (matching: string, values: Values) =>
      putV2ObjectsByObjectRecords({
        client: h.sdk,
        path: { object: 'companies' },
        query: { matching_attribute: matching },
        body: valuesBody(values),
      }).then((r) => r.data!.data);

    it('creates when nothing matches, then updates the same record', async () => {
      const first = await assert('zoho_customer_id', { zoho_customer_id: ['Z-42'], name: ['Asserted'] });
      const second = await assert('zoho_customer_id', {
        zoho_customer_id: ['Z-42'],
        name: ['Asserted again'],
      });
      expect(second.id.record_id).toBe(first.id.record_id);
      expect(second.values['name'][0]).toMatchObject({ value: 'Asserted again' });
      expect(await query({ filter: { zoho_customer_id: 'Z-42' } })).toEqual(['Asserted again']);
    });

    it('answers matching_attribute_definition_not_unique for a non-unique attribute', async () => {
      await expectAttioError(
        putV2ObjectsByObjectRecords({
          client: h.sdk,
          path: { object: 'companies' },
          query: { matching_attribute: 'name' },
          body: valuesBody({ name: ['Acme'] }),
        }),
        400,
        'matching_attribute_definition_not_unique',
      );
    });

    it('answers missing_value when the matching attribute has no value in the body', async () => {
      await expectAttioError(
        putV2ObjectsByObjectRecords({
          client: h.sdk,
          path: { object: 'companies' },
          query: { matching_attribute: 'zoho_customer_id' },
          body: valuesBody({ name: ['No key'] }),
        }),
        400,
        'missing_value',
      );
    });
  });

  it('answers 400 in Attio shape for a body that is not JSON', async () => {
    const res = await fetch(`${h.origin}/v2/objects/companies/records`, {
      method: 'POST',
      headers: { authorization: 'Bearer sandbox-attio-token', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(attioErrorBodySchema.parse(await res.json()).code).toBe('validation_type');
  });
});
