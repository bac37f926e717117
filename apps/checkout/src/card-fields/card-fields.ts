/**
 * The seam between the checkout form and whatever collects card data. The page never sees card numbers:
 * an adapter turns the fields into a single-use nonce (Braintree Hosted Fields in production, plain inputs
 * posting to the sandbox emulator's tokenize endpoint in sandbox mode).
 */

export type CardFieldName = 'number' | 'expirationDate' | 'cvv';

export const CARD_FIELD_NAMES: readonly CardFieldName[] = ['number', 'expirationDate', 'cvv'];

/** Element ids of the places the card fields live in (containers for iframes, or the inputs themselves). */
export type CardFieldIds = Record<CardFieldName, string>;

export interface TokenizeRequest {
  cardholderName: string;
  email: string;
  /** Amount for 3-D Secure, in major units with two decimals (`"49.00"`). */
  amount: string;
  postalCode?: string;
}

export interface CardTokenization {
  nonce: string;
  deviceData?: string;
  details: { cardType: string; lastFour: string };
}

export interface CardFields {
  mount(ids: CardFieldIds): Promise<void>;
  tokenize(request: TokenizeRequest): Promise<CardTokenization>;
  teardown(): Promise<void>;
}

export type CardFieldsErrorCode =
  'invalid_fields' | 'tokenize_failed' | 'three_d_secure_failed' | 'liability_not_shifted' | 'load_failed';

export class CardFieldsError extends Error {
  constructor(
    readonly code: CardFieldsErrorCode,
    /** For `invalid_fields`: the fields to correct. */
    readonly fields: readonly CardFieldName[] = [],
    /** Optional detail for developers; never shown to the customer. */
    detail?: string,
  ) {
    super(detail ?? code);
    this.name = 'CardFieldsError';
  }
}

export const CARD_FIELD_LABELS: Record<CardFieldName, string> = {
  number: 'card number',
  expirationDate: 'expiry date',
  cvv: 'security code',
};

const MESSAGES: Record<Exclude<CardFieldsErrorCode, 'invalid_fields'>, string> = {
  tokenize_failed: 'We could not check your card details. Please check them and try again.',
  three_d_secure_failed:
    "Your bank's security check could not be completed. Please try again, or use a different card.",
  liability_not_shifted: 'Your bank did not confirm this card. Please try again, or use a different card.',
  load_failed: 'The secure card form could not be loaded. Please check your connection and reload the page.',
};

/** A message for the customer: what went wrong and what to do, no codes. */
export function cardFieldsErrorMessage(error: CardFieldsError): string {
  if (error.code !== 'invalid_fields') return MESSAGES[error.code];
  const names = (error.fields.length ? error.fields : CARD_FIELD_NAMES).map((f) => CARD_FIELD_LABELS[f]);
  const list =
    names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0];
  return `Please check your ${list}.`;
}
