import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AttioClient } from '@aia/attio';
import { BraintreeClientTokenService } from '@aia/braintree';
import { EventHandlerRegistry } from '@aia/events';
import { APP_CONFIG, ConfigValidationError, loadAppConfig } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import { AttioProvisioningUseCase, CUSTOMER_ATTRIBUTE, describeChange } from '@aia/workflows';
import type { CreatedWebhook, ProvisioningPlan } from '@aia/workflows';
import { ZohoPlansService, ZohoTokenProvider } from '@aia/zoho';
import type { ZohoPlan } from '@aia/zoho';
import { AppModule } from '../app/app.module';
import type { AppModuleOverrides } from '../app/app.module';
import {
  checkAttio,
  checkBraintree,
  checkZoho,
  notReachedVerdict,
  platformAnswer,
  seconds,
} from './setup-checks';
import type { CheckLimits, CredentialCheck } from './setup-checks';
import type { CliIo } from './cli-process';

const USAGE = `usage: npm run setup -- [--dry-run] [--recreate-webhook] [--json]

Checks the Attio, Zoho Billing and Braintree credentials, makes the Attio workspace ready (attributes, select
options, the webhook to this API), checks that Attio's subscription_plan options are Zoho plan codes, and
prints the webhook settings to enter in the Zoho and Braintree consoles.
  --dry-run           show what would change in Attio, change nothing
  --recreate-webhook  replace the Attio webhook (when ATTIO_WEBHOOK_SECRET was lost) and print the new secret
  --json              the report as JSON on stdout (progress goes to stderr)
Exit code: 0 when everything is OK, 1 when a check failed, 2 on bad input.`;

/** Stands in for ATTIO_WEBHOOK_SECRET in live mode before the first setup run, which is what creates it. */
const SECRET_NOT_YET_SET = 'not-yet-created-by-npm-run-setup';

export interface SetupProblem {
  step: 'credentials' | 'attio' | 'plan-codes';
  variables: string[];
  message: string;
}

export interface SetupReport {
  mode: AppConfig['mode'];
  dryRun: boolean;
  ok: boolean;
  credentials: { attio: CredentialCheck; zoho: CredentialCheck; braintree: CredentialCheck };
  attio?: {
    object: string;
    changes: string[];
    applied: boolean;
    webhook: { targetUrl: string; existing?: { id: string; status: string; missingEventTypes: string[] } };
    /** Only when this run created the webhook (set as soon as it exists, even if a later step failed). */
    webhookSecret?: string;
    /** Replaced webhooks that could not be deleted: delete them by hand. */
    undeletedWebhooks?: string[];
  };
  planCodes?: {
    attioOptions: string[];
    missingInZoho: string[];
    inactiveInZoho: string[];
    zohoPlansWithoutOption: string[];
  };
  webhooks: {
    zoho: { url: string; events: string[] };
    braintree: { url: string; kinds: string[] };
  };
  problems: SetupProblem[];
}

export interface SetupOptions {
  /** Tests pass short policy timeouts and their own events options. */
  overrides?: AppModuleOverrides;
  /** How long to wait for each platform's answer, per attempt (default SETUP_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** Per attempt. The API's own policies wait longer (Braintree 3 × 60 s) — too long for a silent platform. */
export const SETUP_TIMEOUT_MS = 10_000;

type Policies = NonNullable<AppModuleOverrides['policies']>;
type PlatformKey = keyof Policies;

/**
 * Setup's upstream policies: a short per-attempt timeout, two attempts, short backoff, so a platform that
 * accepts the connection but never answers (or drops packets) costs seconds, not minutes. Order of
 * precedence: `timeoutMs`, then the caller's `overrides.policies`, then these.
 */
function setupPolicies(timeoutMs: number | undefined, overrides: Policies = {}): Required<Policies> {
  const perAttempt = timeoutMs ?? SETUP_TIMEOUT_MS;
  const base = {
    timeoutMs: perAttempt,
    maxAttempts: 2,
    baseDelayMs: Math.min(200, perAttempt),
    maxDelayMs: Math.min(1_000, perAttempt),
    maxRetryAfterMs: 5_000,
  };
  const one = (key: PlatformKey) => ({
    ...base,
    ...overrides[key],
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
  return { attio: one('attio'), zoho: one('zoho'), braintree: one('braintree') };
}

/** What a check may wait under `policy`: every attempt, the backoff between them, and a margin. */
function checkLimits(policy: Required<Policies>[PlatformKey]): CheckLimits {
  const timeoutMs = policy.timeoutMs ?? SETUP_TIMEOUT_MS;
  const attempts = policy.maxAttempts ?? 2;
  const backoff = (policy.maxDelayMs ?? 1_000) * (attempts - 1);
  return { timeoutMs, deadlineMs: timeoutMs * attempts + backoff + Math.min(1_000, timeoutMs) };
}

/**
 * `npm run setup`: the checks and the provisioning in a Nest application context composed exactly like the
 * API (no HTTP, no workers, no start-up provisioning), so they use the API's configuration and clients.
 * Returns the exit code.
 */
export async function runSetup(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
  options: SetupOptions = {},
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        'recreate-webhook': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  const dryRun = args['dry-run'];
  // Human output goes to stdout; with --json the report owns stdout and the progress goes to stderr.
  const say = (text = '') => (args.json ? io.err : io.out)(`${text}\n`);

  const secretMissing = env['INTEGRATION_MODE'] === 'live' && !env['ATTIO_WEBHOOK_SECRET'];
  let config: AppConfig;
  try {
    config = loadAppConfig({
      ...env,
      // Setup is what creates the Attio webhook and prints its secret: it cannot require it beforehand.
      ...(secretMissing ? { ATTIO_WEBHOOK_SECRET: SECRET_NOT_YET_SET } : {}),
      // Logs would mix with the report.
      LOG_LEVEL: 'silent',
    });
  } catch (err) {
    io.err(`${err instanceof ConfigValidationError ? err.message : String(err)}\n`);
    return 2;
  }

  const policies = setupPolicies(options.timeoutMs, options.overrides?.policies);
  const limits = {
    attio: checkLimits(policies.attio),
    zoho: checkLimits(policies.zoho),
    braintree: checkLimits(policies.braintree),
  };
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot(config, {
      ...options.overrides,
      policies,
      events: { ...options.overrides?.events, workers: false },
      workflows: { workers: false, provisionOnStart: false },
    }),
    { logger: false },
  );
  try {
    return await new SetupRun(app, app.get(APP_CONFIG), say, dryRun, args['recreate-webhook'], limits).run(
      secretMissing,
      (report) => {
        if (args.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
      },
    );
  } finally {
    await app.close();
  }
}

const MARK = { ok: '✓', fail: '✗', warn: '!', info: '·', change: '+' } as const;

class SetupRun {
  private readonly problems: SetupProblem[] = [];

  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly say: (text?: string) => void,
    private readonly dryRun: boolean,
    private readonly recreateWebhook: boolean,
    private readonly limits: Record<PlatformKey, CheckLimits>,
  ) {}

  async run(secretMissing: boolean, emit: (report: SetupReport) => void): Promise<number> {
    const { say, config } = this;
    say(
      `Setup — ${config.mode} mode${this.dryRun ? ', dry run (nothing is changed)' : ''}; ` +
        `public API URL ${config.publicApiUrl}`,
    );
    if (secretMissing) say(`${MARK.info} ATTIO_WEBHOOK_SECRET is not set yet: this run prints it.`);

    const { limits } = this;
    say('\n[1/4] Credentials');
    const attio = await this.credential('Attio', 'attio', config.attio.apiUrl, () =>
      checkAttio(this.app.get(AttioClient), config, limits.attio),
    );
    const zoho = await this.credential('Zoho', 'zoho', config.zoho.accountsUrl, () =>
      checkZoho(this.app.get(ZohoTokenProvider), this.app.get(ZohoPlansService), config, limits.zoho),
    );
    const braintree = await this.credential(
      'Braintree',
      'braintree',
      config.braintree.gatewayUrl ?? `the ${config.braintree.environment} gateway`,
      () => checkBraintree(this.app.get(BraintreeClientTokenService), config, limits.braintree),
    );
    const report: SetupReport = {
      mode: config.mode,
      dryRun: this.dryRun,
      ok: false,
      credentials: { attio, zoho: omitPlans(zoho), braintree },
      webhooks: this.webhookSettings(),
      problems: this.problems,
    };

    say(`\n[2/4] Attio workspace (object ${config.attio.object})`);
    let plan: ProvisioningPlan | undefined;
    if (!attio.ok || !zoho.ok) {
      say(
        `  ${MARK.info} skipped: needs working Attio and Zoho credentials (the plan options come from Zoho)`,
      );
    } else {
      plan = await this.provision(report);
    }

    say('\n[3/4] Plan codes (Attio subscription_plan options ↔ Zoho plans)');
    if (!plan || !zoho.plans) {
      say(`  ${MARK.info} skipped: needs working Attio and Zoho credentials`);
    } else {
      await this.checkPlanCodes(report, plan, zoho.plans);
    }

    say('\n[4/4] Webhooks to configure by hand');
    this.printWebhookSettings(report.webhooks);

    report.ok = this.problems.length === 0;
    say();
    if (report.ok) {
      say(
        this.dryRun && report.attio?.changes.length
          ? `${MARK.ok} Nothing blocks: run \`npm run setup\` to make the ${report.attio.changes.length} Attio changes above.`
          : `${MARK.ok} Setup complete.`,
      );
    } else {
      say(`${MARK.fail} ${this.problems.length} problem(s) to fix:`);
      for (const p of this.problems) {
        say(`  - ${p.variables.length ? `[${p.variables.join(', ')}] ` : ''}${p.message}`);
      }
    }
    emit(report);
    return report.ok ? 0 : 1;
  }

  private async credential<T extends CredentialCheck>(
    name: string,
    platform: PlatformKey,
    where: string,
    check: () => Promise<T>,
  ): Promise<T> {
    // Before the call, so a slow platform shows which one is being waited for.
    this.say(
      `  … checking ${name} at ${where} (up to ${seconds(this.limits[platform].timeoutMs)} per attempt)`,
    );
    const result = await check();
    const label = name.padEnd(10);
    this.say(
      `  ${result.ok ? MARK.ok : MARK.fail} ${label}${result.ok ? 'OK' : 'FAILED'}: ${result.summary}`,
    );
    if (!result.ok) {
      if (result.variables?.length) this.say(`    fix: ${result.variables.join(', ')}`);
      if (result.answer) this.say(`    ${name} answered: ${result.answer}`);
      this.problems.push({
        step: 'credentials',
        variables: result.variables ?? [],
        message: `${name}: ${result.summary}${result.answer ? ` (${result.answer})` : ''}`,
      });
    }
    for (const w of result.warnings ?? []) this.say(`    ${MARK.warn} ${w}`);
    return result;
  }

  private async provision(report: SetupReport): Promise<ProvisioningPlan | undefined> {
    const { say } = this;
    const provisioning = this.app.get(AttioProvisioningUseCase);
    let plan: ProvisioningPlan;
    say('  … reading the Attio workspace and the Zoho plans');
    try {
      plan = await provisioning.plan({ recreateWebhook: this.recreateWebhook });
    } catch (err) {
      const silent = this.silentAttio(err);
      this.fail(
        'attio',
        silent?.variables ?? ['ATTIO_API_TOKEN', 'ATTIO_OBJECT'],
        `reading the Attio workspace failed: ${silent ? silent.summary : platformAnswer(err)}`,
      );
      return undefined;
    }
    report.attio = {
      object: plan.object,
      changes: plan.changes.map(describeChange),
      applied: false,
      webhook: plan.webhook,
    };
    if (!plan.changes.length) {
      say(`  ${MARK.ok} nothing to change`);
    } else {
      say(`  ${this.dryRun ? 'Would make' : 'Changes to make'} (${plan.changes.length}):`);
      for (const change of plan.changes) say(`    ${MARK.change} ${describeChange(change)}`);
    }

    if (!this.dryRun && plan.changes.length) {
      const total = plan.changes.length;
      const attio = report.attio;
      let done = 0;
      let created: CreatedWebhook | undefined;
      try {
        const result = await provisioning.apply(plan, {
          onChange: () => {
            done += 1;
            // Every 10 changes and at the end: visible progress without repeating the list above.
            if (done === total || done % 10 === 0) say(`  ${MARK.ok} applied ${done}/${total}`);
          },
          // Printed the moment the webhook exists: Attio never shows the secret again, and a later step
          // (deleting the replaced webhook) may still fail.
          onWebhookCreated: (webhook) => {
            created = webhook;
            attio.webhookSecret = webhook.secret;
            this.printSecret(webhook);
          },
        });
        report.attio.applied = true;
        for (const { webhookId, error } of result.undeletedWebhooks ?? []) {
          (attio.undeletedWebhooks ??= []).push(webhookId);
          say(
            `  ${MARK.warn} the replaced webhook ${webhookId} could not be deleted (${platformAnswer(error)}): ` +
              `delete it by hand (Attio > Workspace settings > Developers > the integration > Webhooks, or ` +
              `DELETE /v2/webhooks/${webhookId}); until then it gets events signed with the old secret`,
          );
        }
      } catch (err) {
        const silent = this.silentAttio(err);
        this.fail(
          'attio',
          silent?.variables ?? ['ATTIO_API_TOKEN'],
          `applying change ${done + 1} of ${total} failed: ${silent ? silent.summary : platformAnswer(err)}; ` +
            'the changes before it were made, run setup again to finish' +
            (created ? ` (the new webhook ${created.webhookId} exists: store its secret printed above)` : ''),
        );
      }
    }

    const existing = plan.webhook.existing;
    if (existing && !this.recreateWebhook) {
      say(`  ${MARK.ok} webhook ${existing.id} → ${plan.webhook.targetUrl} exists (${existing.status})`);
      if (existing.status === 'degraded') {
        say(
          `    ${MARK.warn} Attio marked it degraded (deliveries keep failing): is the API reachable at ` +
            `${plan.webhook.targetUrl}, and does ATTIO_WEBHOOK_SECRET hold its secret?`,
        );
      }
      // Missing event types are a planned change (PATCH of its subscriptions, listed above), not a warning.
      // Attio shows a webhook's secret only in the create answer and on the developer settings page
      // (https://docs.attio.com/rest-api/how-to/webhooks), so setup cannot print it again.
      say(
        `    Its secret is not shown again. If ATTIO_WEBHOOK_SECRET is lost: Attio > Workspace settings > ` +
          'Developers > the integration of ATTIO_API_TOKEN > Webhooks shows it, or run ' +
          '`npm run setup -- --recreate-webhook` for a new webhook and secret.',
      );
    }
    return plan;
  }

  private printSecret(webhook: CreatedWebhook): void {
    const { say } = this;
    say(`\n  Attio webhook ${webhook.webhookId} created. Its signing secret (Attio shows it only now):`);
    say(`\n      ATTIO_WEBHOOK_SECRET=${webhook.secret}\n`);
    say(
      '  → store it as ATTIO_WEBHOOK_SECRET (in .env, or the host’s secret settings) and restart the API;' +
        ' until then Attio deliveries are refused (401) and Attio retries them.',
    );
  }

  /** The verdict when Attio did not answer at all (timeout, refused), naming ATTIO_API_URL. */
  private silentAttio(err: unknown): CredentialCheck | undefined {
    return notReachedVerdict(
      'Attio',
      err,
      { url: this.config.attio.apiUrl, variables: ['ATTIO_API_URL'] },
      this.limits.attio,
    );
  }

  private async checkPlanCodes(report: SetupReport, plan: ProvisioningPlan, zohoPlans: ZohoPlan[]) {
    const { say } = this;
    const slug = CUSTOMER_ATTRIBUTE.subscriptionPlan;
    const planned = plan.changes.flatMap((c) =>
      c.kind === 'option' && c.attribute === slug ? [c.title] : [],
    );
    const attributePending = plan.changes.some((c) => c.kind === 'attribute' && c.slug === slug);
    let options: string[] = [];
    if (!(attributePending && (this.dryRun || !report.attio?.applied))) {
      try {
        options = (await this.app.get(AttioClient).listSelectOptions(this.config.attio.object, slug))
          .filter((o) => !o.is_archived)
          .map((o) => o.title);
      } catch (err) {
        const silent = this.silentAttio(err);
        this.fail(
          'plan-codes',
          silent?.variables ?? ['ATTIO_API_TOKEN'],
          `reading the ${slug} options failed: ${silent ? silent.summary : platformAnswer(err)}`,
        );
        return;
      }
    }
    const byCode = new Map(zohoPlans.map((p) => [p.plan_code, p]));
    const missing = options.filter((o) => !byCode.has(o));
    const inactive = options.filter((o) => byCode.has(o) && byCode.get(o)?.status !== 'active');
    const offered = new Set(options);
    const withoutOption = zohoPlans.filter((p) => !offered.has(p.plan_code)).map((p) => p.plan_code);
    report.planCodes = {
      attioOptions: options,
      missingInZoho: missing,
      inactiveInZoho: inactive,
      zohoPlansWithoutOption: withoutOption,
    };

    if (!options.length) {
      say(
        `  ${MARK.info} ${slug} has no options yet${planned.length ? `; planned: ${planned.join(', ')}` : ''}`,
      );
    } else if (!missing.length) {
      say(`  ${MARK.ok} every ${slug} option is a Zoho plan code (${options.join(', ')})`);
    }
    for (const code of missing) {
      say(`  ${MARK.fail} option "${code}" has no Zoho plan with that plan code`);
      this.problems.push({
        step: 'plan-codes',
        variables: [],
        message:
          `Attio ${slug} option "${code}" is not a Zoho plan code: create the plan in Zoho Billing ` +
          `(Products > Plans, plan code "${code}") or archive the option in Attio`,
      });
    }
    for (const code of inactive) {
      say(
        `  ${MARK.warn} option "${code}": the Zoho plan is ${byCode.get(code)?.status}; new subscriptions to it fail`,
      );
    }
    for (const code of withoutOption) {
      if (planned.includes(code)) continue; // listed with the planned options above
      const p = byCode.get(code);
      say(`  ${MARK.info} Zoho plan "${code}" (${p?.name}, ${p?.status}) has no Attio option`);
    }
  }

  private webhookSettings(): SetupReport['webhooks'] {
    const base = this.config.publicApiUrl.replace(/\/$/, '');
    const handled = this.app.get(EventHandlerRegistry).list();
    const types = (platform: string) =>
      handled
        .filter((h) => h.platform === platform)
        .map((h) => h.type)
        .sort();
    return {
      zoho: { url: `${base}/webhooks/zoho`, events: types('zoho') },
      braintree: { url: `${base}/webhooks/braintree`, kinds: types('braintree') },
    };
  }

  private printWebhookSettings(webhooks: SetupReport['webhooks']): void {
    const { say, config } = this;
    if (config.mode === 'sandbox') {
      say(
        `  ${MARK.info} sandbox: \`npm run sandbox\` already points the emulators' webhooks at the API; ` +
          'in live mode enter these settings:',
      );
    }
    if (!/^https:\/\//.test(config.publicApiUrl) && config.mode === 'live') {
      say(`  ${MARK.warn} PUBLIC_API_URL is not https: Braintree requires an HTTPS destination URL`);
    }
    // Zoho: no API creates webhooks (PLATFORMS.md §2); the guard wants the default JSON payload (event_id,
    // event_type) and X-Zoho-Webhook-Signature from "secure this webhook"
    // (https://zohohelp.com/billing/kb/webhooks/securing-webhooks.html).
    say('  Zoho Billing — Settings > Automation > Webhooks > New Webhook (Zoho has no API for this):');
    say(`    URL              ${webhooks.zoho.url}`);
    say('    Method           POST, default (JSON) payload — do not customise the body');
    say(`    Events to tick   ${webhooks.zoho.events.join(', ')}`);
    say(
      '    Secure webhook   on; secret token = the value of ZOHO_WEBHOOK_SECRET (alphanumeric, 12–50 ' +
        'characters; during a rotation, the first of the comma-separated list)',
    );
    // Braintree: https://developer.paypal.com/braintree/docs/guides/webhooks/create (HTTPS destination; the
    // notifications are signed with the API keys, bt_signature, so there is no secret to enter).
    say('  Braintree — Control Panel > gear icon > API > Webhooks > Create New Webhook:');
    say(`    Destination URL  ${webhooks.braintree.url}`);
    say(`    Notifications    ${webhooks.braintree.kinds.join(', ')}`);
    say(
      '    Signature        nothing to enter: Braintree signs with the API keys (BRAINTREE_PUBLIC_KEY/' +
        'PRIVATE_KEY); "Check URL" sends a test the API answers 200',
    );
  }

  private fail(step: SetupProblem['step'], variables: string[], message: string): void {
    this.say(`  ${MARK.fail} ${message}`);
    this.problems.push({ step, variables, message });
  }
}

function omitPlans(check: CredentialCheck & { plans?: unknown }): CredentialCheck {
  const { plans: _plans, ...rest } = check;
  return rest;
}
