import {
  CARD_FIELD_NAMES,
  CardFieldIds,
  CardFieldName,
  CardFields,
  CardFieldsError,
  CardTokenization,
  TokenizeRequest,
} from './card-fields';

export interface SandboxCardFieldsOptions {
  /** The Braintree emulator's `/__sandbox/tokenize` (from the session view). */
  tokenizeUrl: string;
}

interface SandboxTokenizeAnswer {
  nonce: string;
  details: { cardType: string; lastFour: string };
}

const isFieldName = (f: unknown): f is CardFieldName => CARD_FIELD_NAMES.includes(f as CardFieldName);

/**
 * Sandbox stand-in for Hosted Fields: plain uncontrolled inputs (rendered by the form, never in React
 * state) read only here, at tokenize time, posted to the emulator and then cleared.
 */
export function createSandboxCardFields(options: SandboxCardFieldsOptions): CardFields {
  let inputs: Record<CardFieldName, HTMLInputElement> | undefined;

  const clear = () => {
    if (inputs) for (const f of CARD_FIELD_NAMES) inputs[f].value = '';
  };

  async function post(body: Record<string, string>): Promise<Response> {
    try {
      return await fetch(options.tokenizeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw new CardFieldsError('tokenize_failed', [], 'sandbox tokenize unreachable');
    }
  }

  return {
    async mount(ids: CardFieldIds) {
      if (!options.tokenizeUrl) throw new CardFieldsError('load_failed', [], 'no sandbox tokenizeUrl');
      const found = CARD_FIELD_NAMES.map((f) => [f, document.getElementById(ids[f])] as const);
      if (found.some(([, el]) => !(el instanceof HTMLInputElement))) {
        throw new CardFieldsError('load_failed', [], 'sandbox card inputs not rendered');
      }
      inputs = Object.fromEntries(found) as Record<CardFieldName, HTMLInputElement>;
    },

    async tokenize(request: TokenizeRequest): Promise<CardTokenization> {
      if (!inputs) throw new CardFieldsError('load_failed', [], 'tokenize before mount');
      const { number, expirationDate, cvv } = inputs;
      const empty = CARD_FIELD_NAMES.filter((f) => !inputs?.[f].value.trim());
      if (empty.length) throw new CardFieldsError('invalid_fields', empty, 'empty fields');
      let res: Response;
      try {
        res = await post({
          number: number.value,
          expirationDate: expirationDate.value,
          cvv: cvv.value,
          cardholderName: request.cardholderName,
        });
      } finally {
        clear();
      }
      const body = (await res.json().catch(() => undefined)) as
        SandboxTokenizeAnswer | { error?: { code?: string; field?: string } } | undefined;
      if (res.status === 422 && body && 'error' in body && isFieldName(body.error?.field)) {
        throw new CardFieldsError('invalid_fields', [body.error.field], body.error.code);
      }
      if (!res.ok || !body || !('nonce' in body)) {
        throw new CardFieldsError('tokenize_failed', [], `sandbox tokenize answered ${res.status}`);
      }
      return {
        nonce: body.nonce,
        details: { cardType: body.details.cardType, lastFour: body.details.lastFour },
      };
    },

    async teardown() {
      clear();
      inputs = undefined;
    },
  };
}
