/**
 * Braintree's documented sandbox test values (the names match `braintree.Test` in the SDK,
 * node_modules/braintree/lib/braintree/test_values/*.js) and what the emulator does with each.
 * Card numbers and outcomes: https://developer.paypal.com/braintree/docs/reference/general/testing
 */
export type CardOutcome =
  | { kind: 'approve' }
  | { kind: 'decline'; code: string }
  | { kind: 'fail' }
  | { kind: 'gateway_rejected'; reason: 'fraud' | 'risk_threshold' }
  | { kind: 'chargeback' };

export type Indicator =
  | 'prepaid'
  | 'prepaidReloadable'
  | 'debit'
  | 'commercial'
  | 'business'
  | 'consumer'
  | 'corporate'
  | 'purchase'
  | 'payroll'
  | 'healthcare'
  | 'durbinRegulated';

export interface CardProfile {
  cardType: string;
  number: string;
  outcome: CardOutcome;
  /** Card-type indicators answered "Yes" (others "Unknown", or all "No" when `indicatorsNo`). */
  indicators?: Indicator[];
  indicatorsNo?: boolean;
  countryOfIssuance?: string;
  issuingBank?: string;
  /**
   * 3-D Secure result carried by a nonce of this card (`PaymentMethodNonce.find` → `threeDSecureInfo`);
   * absent: the nonce has none (`<three-d-secure-info nil="true"/>`).
   */
  threeDSecure?: ThreeDSecureResult;
}

/**
 * The `threeDSecureInfo` fields Braintree documents for server-side risk checks (PaymentMethodNonce.find:
 * `enrolled`, `status`, `liabilityShifted`, `liabilityShiftPossible`):
 * https://developer.paypal.com/braintree/docs/reference/request/payment-method-nonce/find/node/
 */
export interface ThreeDSecureResult {
  enrolled: string;
  status: string;
  liabilityShifted: boolean;
  liabilityShiftPossible: boolean;
}

/**
 * A successful authentication: the values braintree_node's integration spec asserts for a 3DS nonce
 * (spec/integration/braintree/payment_method_nonce_gateway_spec.js: enrolled Y, authenticate_successful,
 * liability shifted and possible).
 */
const THREE_DS_SUCCESSFUL: ThreeDSecureResult = {
  enrolled: 'Y',
  status: 'authenticate_successful',
  liabilityShifted: true,
  liabilityShiftPossible: true,
};

/**
 * A failed authentication of an enrolled card ("Merchants should prompt customers for another form of
 * payment", 3DS testing page https://developer.paypal.com/braintree/docs/guides/3d-secure/testing).
 * liabilityShifted false / liabilityShiftPossible true follow Braintree's definitions (advanced options page:
 * "liabilityShiftPossible … eligible; if liabilityShifted is false, then the user failed 3D Secure
 * authentication"); the exact values the sandbox answers for these test values are UNCONFIRMED.
 */
function threeDsFailed(status: string): ThreeDSecureResult {
  return { enrolled: 'Y', status, liabilityShifted: false, liabilityShiftPossible: true };
}

export type NonceProblem = 'luhn_invalid' | 'consumed';

const APPROVE: CardOutcome = { kind: 'approve' };
const DECLINE_2000: CardOutcome = { kind: 'decline', code: '2000' };

function visa(number: string, extra: Partial<CardProfile> = {}): CardProfile {
  return { cardType: 'Visa', number, outcome: APPROVE, ...extra };
}

/**
 * Card numbers from the testing page and `braintree.Test.CreditCardNumbers`. The card fields of the sandbox
 * checkout page send these to `POST /__sandbox/tokenize`.
 */
export const TEST_CARD_NUMBERS: Record<string, CardProfile> = {
  // Valid cards (testing page, "Valid card numbers").
  '4111111111111111': visa('4111111111111111'),
  '4005519200000004': visa('4005519200000004'),
  '4009348888881881': visa('4009348888881881'),
  '4012000033330026': visa('4012000033330026'),
  '4012000077777777': visa('4012000077777777'),
  '4012888888881881': visa('4012888888881881'),
  '4217651111111119': visa('4217651111111119'),
  '4500600000000061': visa('4500600000000061'),
  '5555555555554444': { cardType: 'MasterCard', number: '5555555555554444', outcome: APPROVE },
  '2223000048400011': { cardType: 'MasterCard', number: '2223000048400011', outcome: APPROVE },
  '378282246310005': { cardType: 'American Express', number: '378282246310005', outcome: APPROVE },
  '371449635398431': { cardType: 'American Express', number: '371449635398431', outcome: APPROVE },
  '6011111111111117': { cardType: 'Discover', number: '6011111111111117', outcome: APPROVE },
  '3530111333300000': { cardType: 'JCB', number: '3530111333300000', outcome: APPROVE },
  '6304000000000000': { cardType: 'Maestro', number: '6304000000000000', outcome: APPROVE },
  '36259600000004': { cardType: 'Diners Club', number: '36259600000004', outcome: APPROVE },
  // "Card numbers for unsuccessful verification" (testing page): processor declined 2000 / failed 3000.
  '4000111111111115': visa('4000111111111115', { outcome: DECLINE_2000 }),
  '5105105105105100': { cardType: 'MasterCard', number: '5105105105105100', outcome: DECLINE_2000 },
  '378734493671000': { cardType: 'American Express', number: '378734493671000', outcome: DECLINE_2000 },
  '6011000990139424': { cardType: 'Discover', number: '6011000990139424', outcome: DECLINE_2000 },
  '38520000009814': { cardType: 'Diners Club', number: '38520000009814', outcome: DECLINE_2000 },
  '3566002020360505': { cardType: 'JCB', number: '3566002020360505', outcome: { kind: 'fail' } },
  // braintree.Test.CreditCardNumbers.CardTypeIndicators.
  '4000111111111511': visa('4000111111111511', { outcome: { kind: 'gateway_rejected', reason: 'fraud' } }),
  '4111130000000003': visa('4111130000000003', {
    outcome: { kind: 'gateway_rejected', reason: 'risk_threshold' },
  }),
  '4111111111111210': visa('4111111111111210', { indicators: ['prepaid'] }),
  '4229989900000002': visa('4229989900000002', { indicators: ['prepaidReloadable'] }),
  '4117101010101010': visa('4117101010101010', { indicators: ['debit'] }),
  '4111111111131010': visa('4111111111131010', { indicators: ['commercial'] }),
  '4229989800000003': visa('4229989800000003', { indicators: ['business'] }),
  '4229989700000004': visa('4229989700000004', { indicators: ['consumer'] }),
  '4229989100000000': visa('4229989100000000', { indicators: ['corporate'] }),
  '4229989500000006': visa('4229989500000006', { indicators: ['purchase'] }),
  '4111111114101010': visa('4111111114101010', { indicators: ['payroll'] }),
  '4111111510101010': visa('4111111510101010', { indicators: ['healthcare'] }),
  '4111161010101010': visa('4111161010101010', { indicators: ['durbinRegulated'] }),
  '4111111111310101': visa('4111111111310101', { indicatorsNo: true }),
  '4111111111112101': visa('4111111111112101'),
  '4111111111121102': visa('4111111111121102', { countryOfIssuance: 'USA' }),
  '4111111141010101': visa('4111111141010101', { issuingBank: 'NETWORK ONLY' }),
  // 3DS 2 sandbox cards (https://developer.paypal.com/braintree/docs/guides/3d-secure/testing): "Successful
  // No-Challenge Authentication" (status authenticate_successful) and "Failed No-Challenge Authentication"
  // (authenticate_frictionless_failed). Real nonces carry 3DS info only after braintree-web's verifyCard; the
  // emulator's tokenize attaches it at once (docs/sandbox.md, differences), so the sandbox card fields can pass
  // CHECKOUT_3DS=required.
  '4000000000002701': visa('4000000000002701', { threeDSecure: THREE_DS_SUCCESSFUL }),
  '4000000000002925': visa('4000000000002925', {
    threeDSecure: threeDsFailed('authenticate_frictionless_failed'),
  }),
  // braintree.Test.CreditCardNumbers.Dispute.Chargeback: a sale opens a dispute (testing page, "Disputes").
  '4023898493988028': visa('4023898493988028', { outcome: { kind: 'chargeback' } }),
};

/**
 * Static test nonces (`braintree.Test.Nonces`). The bin/last 4 of the card behind each `fake-valid-*` nonce
 * are UNCONFIRMED: the emulator uses a documented test card of the same brand.
 */
export const TEST_NONCES: Record<string, CardProfile | NonceProblem> = {
  'fake-valid-nonce': visa('4012888888881881'),
  'fake-valid-visa-nonce': visa('4012888888881881'),
  'fake-valid-mastercard-nonce': TEST_CARD_NUMBERS['5555555555554444'],
  'fake-valid-amex-nonce': TEST_CARD_NUMBERS['378282246310005'],
  'fake-valid-discover-nonce': TEST_CARD_NUMBERS['6011111111111117'],
  'fake-valid-jcb-nonce': TEST_CARD_NUMBERS['3530111333300000'],
  'fake-valid-maestro-nonce': TEST_CARD_NUMBERS['6304000000000000'],
  'fake-valid-dinersclub-nonce': TEST_CARD_NUMBERS['36259600000004'],
  'fake-valid-prepaid-nonce': TEST_CARD_NUMBERS['4111111111111210'],
  'fake-valid-prepaid-reloadable-nonce': TEST_CARD_NUMBERS['4229989900000002'],
  'fake-valid-debit-nonce': TEST_CARD_NUMBERS['4117101010101010'],
  'fake-valid-commercial-nonce': TEST_CARD_NUMBERS['4111111111131010'],
  'fake-valid-business-nonce': TEST_CARD_NUMBERS['4229989800000003'],
  'fake-valid-consumer-nonce': TEST_CARD_NUMBERS['4229989700000004'],
  'fake-valid-corporate-nonce': TEST_CARD_NUMBERS['4229989100000000'],
  'fake-valid-purchase-nonce': TEST_CARD_NUMBERS['4229989500000006'],
  'fake-valid-payroll-nonce': TEST_CARD_NUMBERS['4111111114101010'],
  'fake-valid-healthcare-nonce': TEST_CARD_NUMBERS['4111111510101010'],
  'fake-valid-durbin-regulated-nonce': TEST_CARD_NUMBERS['4111161010101010'],
  'fake-valid-no-indicators-nonce': TEST_CARD_NUMBERS['4111111111310101'],
  'fake-valid-unknown-indicators-nonce': TEST_CARD_NUMBERS['4111111111112101'],
  'fake-valid-country-of-issuance-usa-nonce': TEST_CARD_NUMBERS['4111111111121102'],
  'fake-valid-country-of-issuance-cad-nonce': visa('4111111111121102', { countryOfIssuance: 'CAN' }),
  'fake-valid-issuing-bank-network-only-nonce': TEST_CARD_NUMBERS['4111111141010101'],
  'fake-processor-declined-visa-nonce': TEST_CARD_NUMBERS['4000111111111115'],
  'fake-processor-declined-mastercard-nonce': TEST_CARD_NUMBERS['5105105105105100'],
  'fake-processor-declined-amex-nonce': TEST_CARD_NUMBERS['378734493671000'],
  'fake-processor-declined-discover-nonce': TEST_CARD_NUMBERS['6011000990139424'],
  'fake-processor-failure-jcb-nonce': TEST_CARD_NUMBERS['3566002020360505'],
  'fake-gateway-rejected-fraud-nonce': TEST_CARD_NUMBERS['4000111111111511'],
  'fake-gateway-rejected-risk-thresholds-nonce': TEST_CARD_NUMBERS['4111130000000003'],
  // braintree.Test.Nonces.ThreeDSecure*: nonces that carry 3DS info. The card behind them (bin 411111, as in
  // the SDK's integration spec) and the failed nonce's status/liability values are UNCONFIRMED.
  'fake-three-d-secure-visa-full-authentication-nonce': visa('4111111111111111', {
    threeDSecure: THREE_DS_SUCCESSFUL,
  }),
  'fake-three-d-secure-two-visa-successful-frictionless-authentication-nonce': visa('4111111111111111', {
    threeDSecure: THREE_DS_SUCCESSFUL,
  }),
  'fake-three-d-secure-visa-failed-authentication-nonce': visa('4111111111111111', {
    threeDSecure: threeDsFailed('authenticate_failed'),
  }),
  'fake-luhn-invalid-nonce': 'luhn_invalid',
  'fake-consumed-nonce': 'consumed',
};

/**
 * The static test nonce that behaves like a card number (for the tokenize answer), if there is one. The 3DS
 * nonces are no plain card's equivalent (they carry 3DS info).
 */
export function equivalentTestNonce(profile: CardProfile): string | undefined {
  for (const [nonce, p] of Object.entries(TEST_NONCES)) {
    if (typeof p === 'string' || p.threeDSecure || nonce === 'fake-valid-nonce') continue;
    if (p.number === profile.number) return nonce;
  }
  return undefined;
}

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  let double = false;
  for (let i = number.length - 1; i >= 0; i--) {
    let d = number.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Brand by number prefix, for valid numbers not in the test list. */
export function cardTypeOf(number: string): string {
  if (/^4/.test(number)) return 'Visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(number)) return 'MasterCard';
  if (/^3[47]/.test(number)) return 'American Express';
  if (/^(6011|65|64[4-9])/.test(number)) return 'Discover';
  if (/^35/.test(number)) return 'JCB';
  if (/^3(0[0-5]|[68])/.test(number)) return 'Diners Club';
  if (/^(5[06-9]|6)/.test(number)) return 'Maestro';
  return 'Unknown';
}

export function profileForNumber(number: string): CardProfile {
  return TEST_CARD_NUMBERS[number] ?? { cardType: cardTypeOf(number), number, outcome: APPROVE };
}

/**
 * Outcome of a sale by amount (testing page, "Transaction amounts"): 2000.00–2999.99 processor declined with
 * the amount as code, 3000.00–3000.99 failed (3000), 5001.00 gateway rejected (application_incomplete).
 */
export function outcomeForAmount(amountCents: number): CardOutcome | { kind: 'application_incomplete' } {
  if (amountCents >= 200000 && amountCents <= 299999) {
    return { kind: 'decline', code: String(Math.floor(amountCents / 100)) };
  }
  if (amountCents >= 300000 && amountCents <= 300099) return { kind: 'fail' };
  if (amountCents === 500100) return { kind: 'application_incomplete' };
  return APPROVE;
}

/**
 * "4001.00–4001.99 and 4003.00–5000.99: Settlement Declined on certain transaction types" (testing page).
 * The emulator applies it to cards too, so the settlement-declined path can be exercised (docs/sandbox/braintree.md).
 */
export function settlementDeclinedForAmount(amountCents: number): boolean {
  return (amountCents >= 400100 && amountCents <= 400199) || (amountCents >= 400300 && amountCents <= 500099);
}
