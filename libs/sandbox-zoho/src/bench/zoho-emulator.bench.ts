// Throughput check (not part of `test`): run with
//   npx jest -c libs/sandbox-zoho/jest.config.ts --testMatch '**/*.bench.ts'
// Target: ≥ 2,000 simple authenticated requests/s (GET /plans/{code}) on the 2-core build machine.
// The load generator runs in its own process so it does not steal the server's event loop.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createZohoEmulator } from '../lib/zoho-emulator';

jest.setTimeout(30_000);

interface AutocannonJson {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
}

it('serves at least 2,000 authenticated GET /plans/{code} per second', async () => {
  const emulator = createZohoEmulator({ requestsPerMinute: 10_000_000 });
  emulator.seed();
  const token = emulator.issueAccessToken();
  const running = await emulator.listen(0);
  try {
    const bin = join(process.cwd(), 'node_modules/.bin/autocannon');
    const { stdout } = await promisify(execFile)(bin, [
      '-c',
      '20',
      '-d',
      '5',
      '-j',
      '-H',
      `authorization=Zoho-oauthtoken ${token}`,
      '-H',
      'x-com-zoho-subscriptions-organizationid=10000001',
      `${running.url}/billing/v1/plans/basic-monthly`,
    ]);
    const result = JSON.parse(stdout) as AutocannonJson;
    console.log(
      `zoho emulator: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
    );
    expect(result.non2xx).toBe(0);
    expect(result.requests.average).toBeGreaterThanOrEqual(2000);
  } finally {
    await running.close();
  }
});
