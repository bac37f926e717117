import type { AppConfig, UpstreamPolicyConfig } from '@aia/platform';
import type { ChargeSearchConfig } from './braintree-charge';

/** The official SDK's `braintree.BraintreeGateway` (a factory provider, so tests can swap it). */
export const BRAINTREE_GATEWAY = Symbol('BRAINTREE_GATEWAY');
/** The platform's UpstreamPolicy for Braintree (also registered in PolicyRegistry). */
export const BRAINTREE_UPSTREAM_POLICY = Symbol('BRAINTREE_UPSTREAM_POLICY');
/** Gateways used only to verify webhooks, one per accepted API key pair (key rotation). */
export const BRAINTREE_WEBHOOK_GATEWAYS = Symbol('BRAINTREE_WEBHOOK_GATEWAYS');
export const BRAINTREE_MODULE_OPTIONS = Symbol('BRAINTREE_MODULE_OPTIONS');

export interface BraintreeKeyPair {
  publicKey: string;
  privateKey: string;
}

export interface BraintreeModuleOptions {
  braintree: AppConfig['braintree'];
  /** Overrides of BRAINTREE_POLICY (tests use small timeouts and backoffs). */
  policy?: Partial<Omit<UpstreamPolicyConfig, 'platform'>>;
  /**
   * Extra API key pairs whose webhook signatures are accepted besides the configured one. Braintree signs
   * a webhook with the merchant's API keys (`bt_signature` may hold several `public|signature` pairs joined
   * by `&`, PLATFORMS.md §5). While keys are being rotated, webhooks already queued or retried by Braintree
   * may still carry only the old key's signature; listing the old pair here keeps them verifiable until it
   * is revoked. The SDK only checks the pair whose public key matches its own, so each pair gets a gateway.
   */
  additionalWebhookKeys?: BraintreeKeyPair[];
  /** How long a charge keeps looking for an earlier sale (see SALE_SEARCH_LAG_MS); tests shorten it. */
  chargeSearch?: Partial<ChargeSearchConfig>;
}
