import { startSandbox } from './sandbox-host';

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    host: process.env['SANDBOX_HOST'] ?? '127.0.0.1',
    apiUrl: process.env['SANDBOX_API_URL'] ?? 'http://localhost:3000',
    dataDir: process.env['DATA_DIR'] ?? './data',
  });
  process.stdout.write(
    [
      'Sandbox emulators running:',
      `  Attio      ${sandbox.urls.attio}        (token sandbox-attio-token)`,
      `  Zoho       ${sandbox.urls.zoho}/billing/v1  (accounts: ${sandbox.urls.zoho}/oauth/v2/token, org 10000001)`,
      `  Braintree  ${sandbox.urls.braintree}           (merchant sandbox_merchant)`,
      'Control API under /__sandbox on each; see docs/sandbox.md.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`Sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
