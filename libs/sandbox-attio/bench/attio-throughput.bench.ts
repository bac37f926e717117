/**
 * Throughput check (not a jest spec: on a shared 2-core machine the number depends on what else runs).
 * Run: TS_NODE_PROJECT=libs/sandbox-attio/tsconfig.json npx ts-node -r tsconfig-paths/register \
 *        --transpile-only libs/sandbox-attio/bench/attio-throughput.bench.ts
 * Exits non-zero when the emulator serves fewer than 2,000 authenticated simple requests/s.
 */
import autocannon from 'autocannon';
import { ATTIO_SANDBOX_TOKEN, createAttioEmulator } from '../src/lib/attio-emulator';

const TARGET_RPS = 2000;

async function main(): Promise<void> {
  // Rate limits raised so the emulator's own 429s do not count as throughput.
  const emulator = createAttioEmulator({ readsPerSecond: 1_000_000, writesPerSecond: 1_000_000 });
  const running = await emulator.listen(0);
  try {
    const result = await autocannon({
      url: `${running.url}/v2/objects/companies`,
      connections: 20,
      duration: 5,
      headers: { authorization: `Bearer ${ATTIO_SANDBOX_TOKEN}` },
    });
    const rps = Math.round(result.requests.average);
    console.log(
      JSON.stringify({
        rps,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        target: TARGET_RPS,
      }),
    );
    if (rps < TARGET_RPS || result.non2xx > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    await emulator.close();
  }
}

void main();
