import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { CheckoutMode } from '@aia/contracts';
import { APP_CONFIG, DomainError, ErrorCode } from '@aia/platform';
import type { AppConfig } from '@aia/platform';
import type { CheckoutLinks, CheckoutSessionClaims, IssuedCheckoutLink } from '@aia/workflows';

const ISSUER = 'attio-integration-api';
const AUDIENCE = 'checkout';
const MODES: readonly CheckoutMode[] = ['subscribe', 'update_card'];

/** A short, non-secret id of a key, so a token names the secret that signed it (rotation). */
export function checkoutKeyId(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 8);
}

/**
 * Checkout sessions as signed, expiring tokens (HS256 JWT through `jose`): no server-side session store,
 * nothing guessable in the link. The first CHECKOUT_TOKEN_SECRET signs; every listed one verifies, chosen
 * by the token's `kid`, so a secret can be rotated while links signed with the old one are still out.
 */
@Injectable()
export class CheckoutTokenService implements CheckoutLinks {
  private readonly keys: Map<string, Uint8Array>;
  private readonly signingKid: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const secrets = config.checkout.tokenSecrets.length
      ? config.checkout.tokenSecrets
      : [config.checkout.tokenSecret];
    this.keys = new Map(secrets.map((s) => [checkoutKeyId(s), new TextEncoder().encode(s)]));
    this.signingKid = checkoutKeyId(secrets[0]);
  }

  async issue(input: {
    recordId: string;
    mode: CheckoutMode;
    planCode?: string;
  }): Promise<IssuedCheckoutLink> {
    const sessionId = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.config.checkout.sessionTtlHours * 3600;
    const token = await new SignJWT({ mode: input.mode, ...(input.planCode ? { plan: input.planCode } : {}) })
      .setProtectedHeader({ alg: 'HS256', kid: this.signingKid, typ: 'JWT' })
      .setSubject(input.recordId)
      .setJti(sessionId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.keys.get(this.signingKid) as Uint8Array);
    return {
      token,
      url: `${this.config.checkoutPublicUrl.replace(/\/$/, '')}/c/${token}`,
      sessionId,
      expiresAt: new Date(exp * 1000),
    };
  }

  /** The claims of an authentic token; 410 when it expired, 404 for anything else (tampered, unknown key). */
  async verify(token: string): Promise<CheckoutSessionClaims> {
    const invalid = () =>
      new DomainError(ErrorCode.CheckoutSessionNotFound, 'This checkout link is not valid.');
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token) || token.length > 2048)
      throw invalid();
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw invalid();
    }
    const key = kid ? this.keys.get(kid) : undefined;
    if (!key) throw invalid();
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'jti', 'exp', 'iat'],
      });
      const mode = payload['mode'] as CheckoutMode;
      const plan = payload['plan'];
      if (!MODES.includes(mode) || (plan !== undefined && typeof plan !== 'string')) throw invalid();
      if (mode === 'subscribe' && !plan) throw invalid();
      return {
        recordId: payload.sub as string,
        mode,
        planCode: plan as string | undefined,
        sessionId: payload.jti as string,
        issuedAt: new Date((payload.iat as number) * 1000),
        expiresAt: new Date((payload.exp as number) * 1000),
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw new DomainError(
          ErrorCode.CheckoutSessionExpired,
          'This checkout link has expired. Please ask us for a new one.',
        );
      }
      if (err instanceof DomainError) throw err;
      throw invalid();
    }
  }
}
