import { describeSandboxConfig, resolveSandboxConfig } from './sandbox-config';
import { startSandbox } from './sandbox-host';

/**
 * The emulators, wired with the API's own configuration: run with the environment the API runs with
 * (`npm start` passes `.env` merged with the process environment; Docker passes the service's environment).
 * Variables: those in SANDBOX_INPUT_VARIABLES, plus SANDBOX_HOST (bind address, default 127.0.0.1) and
 * SANDBOX_API_URL (webhook target when the API is not reached at PUBLIC_API_URL, e.g. http://api:3000).
 */
async function main(): Promise<void> {
  const resolved = resolveSandboxConfig(process.env);
  const sandbox = await startSandbox(resolved.options);
  const { credentials } = resolved.options;
  process.stdout.write(
    [
      'Sandbox emulators running:',
      `  Attio      ${sandbox.urls.attio}`,
      `  Zoho       ${sandbox.urls.zoho}/billing/v1  (accounts: ${sandbox.urls.zoho}/oauth/v2/token)`,
      `  Braintree  ${sandbox.urls.braintree}  (merchant accounts ${Object.keys(credentials.braintree.merchantAccounts).join(', ')})`,
      `  webhooks → ${resolved.options.apiUrl}/webhooks/{attio,zoho,braintree}`,
      ...describeSandboxConfig(resolved),
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
