import {
  deleteV2WebhooksByWebhookId,
  getV2ByTargetByIdentifierAttributes,
  getV2Notes,
  getV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValues,
  postV2ObjectsByObjectRecordsQuery,
} from 'attio-ts-sdk';
import {
  AttioHarness,
  attioErrorBodySchema,
  companyValues,
  expectAttioError,
  startAttio,
  valuesBody,
} from '../test/attio-test-harness';

const MISSING = '00000000-0000-4000-8000-000000000000';

/** The 404s of the endpoints whose other errors are covered elsewhere, as attio-ts-sdk reports them. */
describe('Attio emulator: not_found answers', () => {
  let h: AttioHarness;
  let recordId: string;
  beforeAll(async () => {
    h = await startAttio();
    const created = await h.call('POST', '/v2/objects/companies/records', valuesBody(companyValues(1)));
    recordId = (created.json as { data: { id: { record_id: string } } }).data.id.record_id;
  });
  afterAll(() => h.close());

  it('for attributes and records of an unknown object', async () => {
    await expectAttioError(
      getV2ByTargetByIdentifierAttributes({
        client: h.sdk,
        path: { target: 'objects', identifier: 'planets' },
      }),
      404,
      'not_found',
    );
    await expectAttioError(
      postV2ObjectsByObjectRecordsQuery({ client: h.sdk, path: { object: 'planets' }, body: {} }),
      404,
      'not_found',
    );
  });

  it('for the value history of an unknown attribute or record', async () => {
    await expectAttioError(
      getV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValues({
        client: h.sdk,
        path: { object: 'companies', record_id: recordId, attribute: 'nope' },
      }),
      404,
      'not_found',
    );
    await expectAttioError(
      getV2ObjectsByObjectRecordsByRecordIdAttributesByAttributeValues({
        client: h.sdk,
        path: { object: 'companies', record_id: MISSING, attribute: 'name' },
      }),
      404,
      'not_found',
    );
  });

  it('for notes of an unknown parent object and for deleting an unknown webhook', async () => {
    await expectAttioError(
      getV2Notes({ client: h.sdk, query: { parent_object: 'planets' } }),
      404,
      'not_found',
    );
    await expectAttioError(
      deleteV2WebhooksByWebhookId({ client: h.sdk, path: { webhook_id: MISSING } }),
      404,
      'not_found',
    );
  });

  it('for a route Attio does not have', async () => {
    const res = await h.call('GET', '/v2/nothing-here');
    expect(res.status).toBe(404);
    expect(attioErrorBodySchema.parse(res.json).code).toBe('not_found');
  });
});
