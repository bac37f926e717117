import { Logger } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import type { Platform } from '../errors/upstream-error';
import { webhooksReceivedTotal, webhooksRejectedTotal } from '../metrics/metrics';
import { RequestWithWebhook, VERIFIED_WEBHOOK_KEY, VerifiedWebhook } from './verified-webhook';

type HeaderBag = Record<string, string | string[] | undefined>;

const PLATFORM_NAMES: Record<Platform, string> = { attio: 'Attio', zoho: 'Zoho', braintree: 'Braintree' };

/** The first value of a header (Node gives arrays for repeated headers). */
export function firstHeader(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The content types Fastify's default JSON parser handles (`application/json`, with or without parameters). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The JSON payload of a verified webhook. When Fastify's JSON parser already ran (a JSON content type), its
 * result is the same document as the raw bytes the signature was checked over, so it is reused rather than
 * parsed a second time on the hot path; otherwise (a guard called directly, another content type) the raw
 * body is parsed here. Throws SyntaxError when it is not JSON.
 */
export function jsonPayloadOf(req: { body?: unknown; headers: HeaderBag }, rawBody: string): unknown {
  const type = firstHeader(req.headers, 'content-type');
  if (req.body !== undefined && type !== undefined && JSON_TYPE.test(type)) return req.body;
  return JSON.parse(rawBody) as unknown;
}

/** Only the named headers, to store with an event (never Authorization or cookies). */
export function pickHeaders(headers: HeaderBag, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = firstHeader(headers, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** Constant-time comparison of two hex digests; case-insensitive, different lengths are simply unequal. */
export function hexDigestsEqual(expectedHex: string, receivedHex: string): boolean {
  const a = Buffer.from(expectedHex.toLowerCase(), 'utf8');
  const b = Buffer.from(receivedHex.trim().toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses a webhook whose signature is missing or wrong: counted, logged as a warning with only the reason
 * and where it came from (never the body or the signature value), answered 401, nothing stored.
 */
export function rejectWebhook(
  logger: Logger,
  platform: Platform,
  reason: string,
  from: { ip?: string; url?: string } = {},
): never {
  webhooksRejectedTotal.inc({ platform, reason });
  const name = PLATFORM_NAMES[platform];
  logger.warn({ platform, reason, ip: from.ip, url: from.url?.split('?')[0] }, `${name} webhook rejected`);
  throw new DomainError(ErrorCode.InvalidSignature, `Invalid ${name} webhook signature`);
}

/** A correctly signed body we cannot read (not JSON, no event id): 400, counted as malformed. */
export function malformedWebhook(platform: Platform, message: string): never {
  webhooksRejectedTotal.inc({ platform, reason: 'malformed' });
  throw new DomainError(ErrorCode.BadRequest, message);
}

/** Hands a verified webhook to the pipeline through the request and counts it. */
export function acceptWebhook(req: RequestWithWebhook, webhook: VerifiedWebhook): true {
  req[VERIFIED_WEBHOOK_KEY] = webhook;
  webhooksReceivedTotal.inc({ platform: webhook.platform });
  return true;
}
