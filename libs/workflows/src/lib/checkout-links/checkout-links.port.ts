import type { CheckoutMode } from '@aia/contracts';

/** What a signed checkout token says (claims). */
export interface CheckoutSessionClaims {
  /** Attio record id of the customer. */
  recordId: string;
  mode: CheckoutMode;
  /** Zoho plan code (subscribe mode). */
  planCode?: string;
  /** Unique id of this session (jti). */
  sessionId: string;
  issuedAt: Date;
  expiresAt: Date;
}

export interface IssuedCheckoutLink {
  token: string;
  url: string;
  sessionId: string;
  expiresAt: Date;
}

/**
 * Issues signed checkout links. Implemented by libs/checkout (which owns the token format); the workflows
 * that send links (a trigger from Attio, payment recovery) depend only on this port.
 */
export interface CheckoutLinks {
  issue(input: { recordId: string; mode: CheckoutMode; planCode?: string }): Promise<IssuedCheckoutLink>;
}

export const CHECKOUT_LINKS = Symbol('CHECKOUT_LINKS');
