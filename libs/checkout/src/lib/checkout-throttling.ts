import type { ThrottlerOptions } from '@nestjs/throttler';

/** Per client IP: req.ip, the address TRUST_PROXY_HOPS designates (configure-http-app.ts trustProxyOption). */
export const CHECKOUT_IP_LIMIT = { name: 'ip', ttl: 60_000, limit: 60 } as const;
/** Per checkout token: one customer's page never needs more than this. */
export const CHECKOUT_TOKEN_LIMIT = { name: 'token', ttl: 60_000, limit: 30 } as const;
/** Completion is the expensive call (three platforms): tighter limits. */
export const COMPLETE_LIMITS = { ip: { limit: 10, ttl: 60_000 }, token: { limit: 6, ttl: 60_000 } };

/**
 * Two named throttlers for the public checkout endpoints. Counters live in this process's memory: with
 * several instances each counts its own share (docs/architecture.md).
 */
export function checkoutThrottlers(): ThrottlerOptions[] {
  return [
    { ...CHECKOUT_IP_LIMIT },
    {
      ...CHECKOUT_TOKEN_LIMIT,
      // The whole token: every token of one plan starts with the same 128 characters (header, mode, plan),
      // so a prefix made one customer's requests count against another's. The throttler stores a SHA-256 of
      // the key, and the router caps the parameter's length (maxParamLength).
      getTracker: (req: Record<string, unknown>) =>
        String((req['params'] as Record<string, string> | undefined)?.['token'] ?? 'none'),
    },
  ];
}
