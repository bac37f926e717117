import { randomBytes } from 'node:crypto';
import { SandboxClock } from '@aia/sandbox-kit';
import { BraintreeState, MintedNonce, VerificationRecord } from './braintree-state';
import { APPROVED, declineResponse, NETWORK_UNAVAILABLE } from './processor-responses';
import { apiErrorResponse, ErrorGroup, FieldError } from './serializers';
import { CardProfile, NonceProblem, TEST_NONCES } from './test-values';
import { BraintreeWebhookNotifier } from './webhook-notifier';
import { XmlObject, XmlValue } from './xml.writer';

/** What a gateway route answers: an XML document, the SDK's 404 (notFoundError), or an empty 200. */
export type GatewayReply =
  { kind: 'xml'; status: number; root: string; body: XmlValue } | { kind: 'not_found' } | { kind: 'empty' };

/**
 * Duplicate checking as a merchant configures it in the Control Panel (on by default, can be turned off,
 * window configurable): https://developer.paypal.com/braintree/articles/control-panel/transactions/duplicate-checking/
 */
export interface DuplicateChecking {
  enabled: boolean;
  windowMs: number;
}

export interface EngineContext {
  state: BraintreeState;
  clock: SandboxClock;
  merchantId: string;
  /** merchant account id → currency ISO code */
  merchantAccounts: Record<string, string>;
  defaultMerchantAccountId: string;
  notifier: BraintreeWebhookNotifier;
  settlementDelayMs: number;
  /** Mutable through `PUT /__sandbox/duplicate-checking`; back to the default on reset. */
  duplicateChecking: DuplicateChecking;
  changed(): void;
}

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function bool(v: unknown): boolean {
  return v === true || v === 'true';
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Lower-case alphanumeric ids like the gateway's (`abc12def`). */
export function randomId(length = 8): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

export function ok(root: string, body: XmlValue, status = 200): GatewayReply {
  return { kind: 'xml', status, root, body };
}

/** Validation failures are answered 422 with `<api-error-response>` (the SDK treats 422 like 200). */
export function invalid(groups: ErrorGroup[], params: XmlObject = {}): GatewayReply {
  return ok('api-error-response', apiErrorResponse({ groups, params }), 422);
}

export function fieldError(code: string, attribute: string, message: string): FieldError {
  return { code, attribute, message };
}

export interface ResolvedCard {
  profile: CardProfile;
  expirationMonth: string;
  expirationYear: string;
  /** Commits the nonce as used (minted nonces are single use). */
  consume(): void;
}

export type NonceResolution = ResolvedCard | { problem: NonceProblem | 'unknown' };

export function defaultExpiry(now: Date): { month: string; year: string } {
  return { month: '12', year: String(now.getUTCFullYear() + 3) };
}

export function resolveNonce(ctx: EngineContext, nonce: string): NonceResolution {
  const minted: MintedNonce | undefined = ctx.state.nonces.get(nonce);
  if (minted) {
    if (minted.consumed) return { problem: 'consumed' };
    return {
      profile: minted.profile,
      expirationMonth: minted.expirationMonth,
      expirationYear: minted.expirationYear,
      consume: () => {
        minted.consumed = true;
      },
    };
  }
  const known = TEST_NONCES[nonce];
  if (known === undefined) return { problem: 'unknown' };
  if (typeof known === 'string') return { problem: known };
  const exp = defaultExpiry(ctx.clock.now());
  return { profile: known, expirationMonth: exp.month, expirationYear: exp.year, consume: () => undefined };
}

/** A $0 verification as `options.verifyCard` runs it, decided by the card's test outcome. */
export function runVerification(
  ctx: EngineContext,
  profile: CardProfile,
  merchantAccountId: string,
): VerificationRecord {
  const base = {
    id: randomId(),
    merchantAccountId,
    currencyIsoCode: ctx.merchantAccounts[merchantAccountId] ?? 'USD',
    createdAt: ctx.clock.now().toISOString(),
    gatewayRejectionReason: null as string | null,
  };
  const o = profile.outcome;
  if (o.kind === 'decline') {
    const r = declineResponse(o.code);
    return {
      ...base,
      status: 'processor_declined',
      processorResponseCode: r.code,
      processorResponseText: r.text,
      processorResponseType: r.type,
    };
  }
  if (o.kind === 'fail') {
    const r = NETWORK_UNAVAILABLE;
    return {
      ...base,
      status: 'failed',
      processorResponseCode: r.code,
      processorResponseText: r.text,
      processorResponseType: r.type,
    };
  }
  if (o.kind === 'gateway_rejected') {
    return {
      ...base,
      status: 'gateway_rejected',
      gatewayRejectionReason: o.reason,
      processorResponseCode: '',
      processorResponseText: 'Unknown ()',
      processorResponseType: 'soft_declined',
    };
  }
  return {
    ...base,
    status: 'verified',
    processorResponseCode: APPROVED.code,
    processorResponseText: APPROVED.text,
    processorResponseType: APPROVED.type,
  };
}

export function verificationMessage(v: VerificationRecord): string {
  if (v.status === 'gateway_rejected') return `Gateway Rejected: ${v.gatewayRejectionReason}`;
  return v.processorResponseText;
}

/** Same card → same identifier, the way Braintree fingerprints a card number. */
export function uniqueNumberIdentifier(number: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < number.length; i++) {
    h ^= number.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h.toString(16).padStart(8, '0') + number.length.toString(16)).padEnd(32, '0');
}
