import type { Client } from 'braintree-web/client';
import type {
  HostedFieldFieldOptions,
  HostedFields,
  HostedFieldsTokenizePayload,
} from 'braintree-web/hosted-fields';
import type { ThreeDSecure } from 'braintree-web/three-d-secure';
import {
  CARD_FIELD_NAMES,
  CardFieldIds,
  CardFields,
  CardFieldsError,
  CardTokenization,
  TokenizeRequest,
} from './card-fields';

/** `required`: refuse a nonce without a liability shift; `attempt`: run 3-D Secure, accept any outcome. */
export type ThreeDSecureMode = 'required' | 'attempt' | 'off';

export interface BraintreeHostedFieldsOptions {
  /** POST /checkout/sessions/:token/client-token; its errors (expired, …) pass through unchanged. */
  getClientToken(): Promise<string>;
  threeDSecure: ThreeDSecureMode;
}

// Only what Braintree lets us style inside its iframes; the border and focus ring are on our container.
const STYLES = {
  input: { 'font-size': '16px', 'font-family': 'system-ui, sans-serif', color: '#1f2328' },
  '.invalid': { color: '#b42318' },
};

type Teardownable = { teardown(): Promise<void> };

/**
 * braintree-web's subpaths are CommonJS: depending on the bundler's interop, `create` sits on the
 * namespace or on its `default`.
 */
function interop<T extends object>(mod: T): T {
  return 'create' in mod ? mod : (mod as { default: T }).default;
}

const describeError = (e: unknown) =>
  e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);

function fieldsConfig(ids: CardFieldIds): HostedFieldFieldOptions {
  return {
    number: { container: `#${ids.number}`, placeholder: '1234 1234 1234 1234', internalLabel: 'Card number' },
    expirationDate: {
      container: `#${ids.expirationDate}`,
      placeholder: 'MM / YY',
      internalLabel: 'Expiry date',
    },
    cvv: { container: `#${ids.cvv}`, placeholder: '123', internalLabel: 'Security code' },
  };
}

function tokenizeError(e: unknown): CardFieldsError {
  const { code, details } = (e ?? {}) as { code?: string; details?: { invalidFieldKeys?: string[] } };
  if (code === 'HOSTED_FIELDS_FIELDS_EMPTY')
    return new CardFieldsError('invalid_fields', CARD_FIELD_NAMES, code);
  if (code === 'HOSTED_FIELDS_FIELDS_INVALID') {
    const keys = details?.invalidFieldKeys ?? [];
    const fields = CARD_FIELD_NAMES.filter((f) => keys.includes(f));
    return new CardFieldsError('invalid_fields', fields.length ? fields : CARD_FIELD_NAMES, code);
  }
  return new CardFieldsError('tokenize_failed', [], describeError(e));
}

/**
 * Braintree Hosted Fields (card data stays in Braintree's iframes). The SDK modules are imported on
 * mount so they land in chunks of their own that only this adapter loads.
 */
export function createBraintreeHostedFields(options: BraintreeHostedFieldsOptions): CardFields {
  let client: Client | undefined;
  let hostedFields: HostedFields | undefined;
  let threeDSecure: ThreeDSecure | undefined;
  let tornDown = false;

  async function teardown(): Promise<void> {
    tornDown = true;
    const parts = [threeDSecure, hostedFields, client] as (Teardownable | undefined)[];
    client = hostedFields = threeDSecure = undefined;
    await Promise.all(parts.map((p) => p?.teardown().catch(() => undefined)));
  }

  async function mount(ids: CardFieldIds): Promise<void> {
    const modules = Promise.all([
      import('braintree-web/client'),
      import('braintree-web/hosted-fields'),
      options.threeDSecure === 'off' ? undefined : import('braintree-web/three-d-secure'),
    ]).catch((e: unknown) => {
      throw new CardFieldsError('load_failed', [], describeError(e));
    });
    const [authorization, [clientModule, hostedFieldsModule, threeDSecureModule]] = await Promise.all([
      options.getClientToken(),
      modules,
    ]);
    try {
      client = await interop(clientModule).create({ authorization });
      // allSettled: when one fails, the other must still be known so teardown can release it.
      const [fieldsResult, threeDSecureResult] = await Promise.allSettled([
        interop(hostedFieldsModule).create({ client, fields: fieldsConfig(ids), styles: STYLES }),
        threeDSecureModule ? interop(threeDSecureModule).create({ client, version: 2 }) : undefined,
      ]);
      if (fieldsResult.status === 'fulfilled') hostedFields = fieldsResult.value;
      if (threeDSecureResult.status === 'fulfilled') threeDSecure = threeDSecureResult.value;
      if (fieldsResult.status === 'rejected') throw fieldsResult.reason;
      if (threeDSecureResult.status === 'rejected') throw threeDSecureResult.reason;
    } catch (e) {
      await teardown();
      throw new CardFieldsError('load_failed', [], describeError(e));
    }
    // Unmounted while loading (React StrictMode, navigation): release what was just created.
    if (tornDown) await teardown();
  }

  async function verify(payload: HostedFieldsTokenizePayload, request: TokenizeRequest): Promise<string> {
    if (!threeDSecure) return payload.nonce;
    let result;
    try {
      result = await threeDSecure.verifyCard({
        amount: request.amount,
        nonce: payload.nonce,
        bin: payload.details.bin,
        email: request.email,
        billingAddress: request.postalCode ? { postalCode: request.postalCode } : undefined,
        // Always continue to the bank's challenge when the lookup asks for one.
        onLookupComplete: (_data, next) => next(),
      });
    } catch (e) {
      throw new CardFieldsError('three_d_secure_failed', [], describeError(e));
    }
    const shifted = result.threeDSecureInfo?.liabilityShifted ?? result.liabilityShifted;
    // Not shifted covers "shift not possible" too: where 3DS is required neither is acceptable.
    if (options.threeDSecure === 'required' && !shifted) {
      const possible = result.threeDSecureInfo?.liabilityShiftPossible ?? result.liabilityShiftPossible;
      throw new CardFieldsError('liability_not_shifted', [], `liabilityShiftPossible=${possible}`);
    }
    return result.nonce;
  }

  return {
    mount,
    teardown,
    async tokenize(request: TokenizeRequest): Promise<CardTokenization> {
      if (!hostedFields) throw new CardFieldsError('load_failed', [], 'tokenize before mount');
      let payload: HostedFieldsTokenizePayload;
      try {
        payload = await hostedFields.tokenize({
          cardholderName: request.cardholderName,
          billingAddress: request.postalCode ? { postalCode: request.postalCode } : undefined,
        });
      } catch (e) {
        throw tokenizeError(e);
      }
      const nonce = await verify(payload, request);
      return { nonce, details: { cardType: payload.details.cardType, lastFour: payload.details.lastFour } };
    },
  };
}
