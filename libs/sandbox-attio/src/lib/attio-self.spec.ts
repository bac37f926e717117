import { getV2Self } from 'attio-ts-sdk';
import { AttioHarness, attioErrorBodySchema, startAttio } from '../test/attio-test-harness';

describe('Attio emulator: GET /v2/self (identify)', () => {
  let h: AttioHarness;
  beforeAll(async () => {
    h = await startAttio();
  });
  afterAll(() => h.close());

  it('describes the sandbox token, its workspace and scopes (validated by attio-ts-sdk)', async () => {
    const { data, response } = await getV2Self({ client: h.sdk });
    expect(response?.status).toBe(200);
    expect(data).toMatchObject({
      active: true,
      token_type: 'Bearer',
      iss: 'attio.com',
      workspace_id: h.emulator.state.workspaceId,
      sub: h.emulator.state.workspaceId,
    });
    const scopes = (data as { scope: string }).scope.split(' ');
    expect(scopes).toEqual(expect.arrayContaining(['object_configuration:read-write', 'webhook:read-write']));
  });

  it('answers any other token with the 401 auth_error', async () => {
    const res = await h.call('GET', '/v2/self', undefined, 'not-the-token');
    expect(res.status).toBe(401);
    expect(attioErrorBodySchema.parse(res.json)).toMatchObject({ type: 'auth_error', code: 'unauthorized' });
  });
});
