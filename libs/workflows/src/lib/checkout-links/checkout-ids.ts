/**
 * Ids we choose ourselves so that a repeat finds the earlier effect (ARCHITECTURE.md §5). Braintree ids and
 * tokens: at most 36 characters of letters, digits, `-` and `_` (Braintree customer and credit card docs).
 */
const hex = (uuidLike: string) => uuidLike.replace(/[^A-Za-z0-9]/g, '').toLowerCase();

/** The Braintree customer of an Attio record: `at_` + the record id's 32 hex digits. */
export function braintreeCustomerIdFor(recordId: string): string {
  return `at_${hex(recordId)}`.slice(0, 36);
}

/** The card vaulted by one checkout session: a second submit of the same session finds it. */
export function cardTokenFor(sessionId: string): string {
  return `cs_${hex(sessionId)}`.slice(0, 36);
}

/** Zoho subscription `reference_id` of the subscription a record's checkout creates. */
export function subscriptionReferenceFor(recordId: string): string {
  return `attio:${recordId}`;
}
