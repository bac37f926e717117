import {
  CardRecord,
  CustomerRecord,
  DisputeRecord,
  TransactionRecord,
  VerificationRecord,
} from './braintree-state';
import { CardProfile, Indicator } from './test-values';
import { XmlArray, XmlDate, XmlDateTime, XmlObject, XmlValue } from './xml.writer';

/**
 * Resource → XML object, with the element names of the real gateway's answers (field lists follow the
 * SDK's response classes and the samples in braintree/lib/braintree/webhook_testing_gateway.js).
 */

const dt = (iso: string) => new XmlDateTime(iso);

const INDICATOR_TAGS: Array<[Indicator, string]> = [
  ['prepaid', 'prepaid'],
  ['prepaidReloadable', 'prepaid-reloadable'],
  ['debit', 'debit'],
  ['commercial', 'commercial'],
  ['business', 'business'],
  ['consumer', 'consumer'],
  ['corporate', 'corporate'],
  ['purchase', 'purchase'],
  ['payroll', 'payroll'],
  ['healthcare', 'healthcare'],
  ['durbinRegulated', 'durbin-regulated'],
];

function cardDetails(profile: CardProfile, month: string, year: string, uniqueId: string): XmlObject {
  const out: XmlObject = {
    bin: profile.number.slice(0, 6),
    'last-4': profile.number.slice(-4),
    'card-type': profile.cardType,
    'expiration-month': month,
    'expiration-year': year,
    'customer-location': 'US',
    'unique-number-identifier': uniqueId,
    'country-of-issuance': profile.countryOfIssuance ?? 'Unknown',
    'issuing-bank': profile.issuingBank ?? 'Unknown',
    'product-id': 'Unknown',
    'image-url': `https://assets.braintreegateway.com/payment_method_logo/${profile.cardType
      .toLowerCase()
      .replace(/ /g, '_')}.png?environment=sandbox`,
  };
  for (const [key, tag] of INDICATOR_TAGS) {
    out[tag] = profile.indicators?.includes(key) ? 'Yes' : profile.indicatorsNo ? 'No' : 'Unknown';
  }
  return out;
}

function isExpired(month: string, year: string, now: Date): boolean {
  const y = Number(year);
  const m = Number(month);
  return y < now.getUTCFullYear() || (y === now.getUTCFullYear() && m < now.getUTCMonth() + 1);
}

export function verificationXml(v: VerificationRecord, card?: CardRecord): XmlObject {
  return {
    id: v.id,
    status: v.status,
    'processor-response-code': v.processorResponseCode,
    'processor-response-text': v.processorResponseText,
    'processor-response-type': v.processorResponseType,
    'gateway-rejection-reason': v.gatewayRejectionReason,
    'merchant-account-id': v.merchantAccountId,
    'currency-iso-code': v.currencyIsoCode,
    amount: '0.00',
    'cvv-response-code': 'M',
    'avs-postal-code-response-code': 'I',
    'avs-street-address-response-code': 'I',
    'avs-error-response-code': null,
    'credit-card': card
      ? {
          token: card.token,
          bin: card.profile.number.slice(0, 6),
          'last-4': card.profile.number.slice(-4),
          'card-type': card.profile.cardType,
        }
      : null,
    'created-at': dt(v.createdAt),
    'updated-at': dt(v.createdAt),
  };
}

export function cardXml(card: CardRecord, now: Date): XmlObject {
  return {
    token: card.token,
    'customer-id': card.customerId,
    'cardholder-name': card.cardholderName,
    default: card.isDefault,
    expired: isExpired(card.expirationMonth, card.expirationYear, now),
    ...cardDetails(card.profile, card.expirationMonth, card.expirationYear, card.uniqueNumberIdentifier),
    'venmo-sdk': false,
    'created-at': dt(card.createdAt),
    'updated-at': dt(card.updatedAt),
    subscriptions: new XmlArray('subscription', []),
    verifications: new XmlArray(
      'verification',
      card.verification ? [verificationXml(card.verification)] : [],
    ),
  };
}

export function customerXml(
  c: CustomerRecord,
  cards: CardRecord[],
  merchantId: string,
  now: Date,
): XmlObject {
  return {
    id: c.id,
    'merchant-id': merchantId,
    'first-name': c.firstName,
    'last-name': c.lastName,
    company: c.company,
    email: c.email,
    phone: c.phone,
    fax: null,
    website: null,
    'created-at': dt(c.createdAt),
    'updated-at': dt(c.updatedAt),
    'custom-fields': '',
    'credit-cards': new XmlArray(
      'credit-card',
      cards.map((card) => cardXml(card, now)),
    ),
    addresses: new XmlArray('address', []),
    'paypal-accounts': new XmlArray('paypal-account', []),
    'apple-pay-cards': new XmlArray('apple-pay-card', []),
    'android-pay-cards': new XmlArray('android-pay-card', []),
    'venmo-accounts': new XmlArray('venmo-account', []),
    'us-bank-accounts': new XmlArray('us-bank-account', []),
  };
}

export function disputeXml(d: DisputeRecord, tx?: TransactionRecord): XmlObject {
  return {
    id: d.id,
    amount: d.amount,
    'amount-disputed': d.amount,
    'amount-won': d.status === 'won' ? d.amount : '0.00',
    'currency-iso-code': d.currencyIsoCode,
    'received-date': new XmlDate(d.receivedDate),
    'reply-by-date': new XmlDate(d.replyByDate),
    kind: d.kind,
    status: d.status,
    reason: d.reason,
    'case-number': d.id.toUpperCase(),
    'merchant-account-id': tx?.merchantAccountId ?? null,
    transaction: {
      id: d.transactionId,
      amount: tx?.amount ?? d.amount,
      'order-id': tx?.orderId ?? null,
      'created-at': tx ? dt(tx.createdAt) : null,
      'payment-instrument-subtype': tx?.card.profile.cardType ?? null,
    },
    'date-opened': new XmlDate(d.dateOpened),
    'date-won': d.dateWon ? new XmlDate(d.dateWon) : null,
    'created-at': dt(d.createdAt),
    'updated-at': dt(d.updatedAt),
    'status-history': new XmlArray('status-history', [
      { status: 'open', timestamp: dt(d.createdAt), 'effective-date': new XmlDate(d.dateOpened) },
      ...(d.status === 'open'
        ? []
        : [
            {
              status: d.status,
              timestamp: dt(d.updatedAt),
              'effective-date': new XmlDate(d.updatedAt.slice(0, 10)),
            },
          ]),
    ]),
  };
}

export function transactionXml(
  t: TransactionRecord,
  customer: CustomerRecord | undefined,
  disputes: DisputeRecord[],
): XmlObject {
  const tokenized = t.paymentMethodToken !== null;
  return {
    id: t.id,
    status: t.status,
    type: t.type,
    'currency-iso-code': t.currencyIsoCode,
    amount: t.amount,
    'merchant-account-id': t.merchantAccountId,
    'order-id': t.orderId,
    'created-at': dt(t.createdAt),
    'updated-at': dt(t.updatedAt),
    customer: {
      id: customer?.id ?? null,
      'first-name': customer?.firstName ?? null,
      'last-name': customer?.lastName ?? null,
      company: customer?.company ?? null,
      email: customer?.email ?? null,
      phone: customer?.phone ?? null,
    },
    'credit-card': {
      token: t.paymentMethodToken,
      ...cardDetails(
        t.card.profile,
        t.card.expirationMonth,
        t.card.expirationYear,
        t.card.uniqueNumberIdentifier,
      ),
    },
    'payment-instrument-type': 'credit_card',
    'processor-response-code': t.processorResponseCode,
    'processor-response-text': t.processorResponseText,
    'processor-response-type': t.processorResponseType,
    'additional-processor-response': null,
    'network-response-code': t.processorResponseType === 'approved' ? '00' : '05',
    'network-response-text':
      t.processorResponseType === 'approved' ? 'Successful approval/completion' : 'Do not honor',
    'processor-authorization-code':
      t.processorResponseType === 'approved' ? t.id.slice(0, 6).toUpperCase() : null,
    'processor-settlement-response-code': t.processorSettlementResponseCode,
    'processor-settlement-response-text': t.processorSettlementResponseText,
    'gateway-rejection-reason': t.gatewayRejectionReason,
    'cvv-response-code': 'M',
    'avs-postal-code-response-code': 'I',
    'avs-street-address-response-code': 'I',
    'avs-error-response-code': null,
    'created-using': tokenized ? 'token' : 'full_information',
    source: 'api',
    recurring: false,
    'refunded-transaction-id': t.refundedTransactionId,
    'refund-ids': new XmlArray('item', t.refundIds),
    'settlement-batch-id': t.status === 'settled' ? t.updatedAt.slice(0, 10) + '_sandbox' : null,
    'status-history': new XmlArray(
      'status-event',
      t.statusHistory.map((e) => ({
        timestamp: dt(e.timestamp),
        status: e.status,
        amount: e.amount,
        user: 'sandbox_user',
        'transaction-source': e.transactionSource,
      })),
    ),
    disputes: new XmlArray(
      'dispute',
      disputes.map((d) => disputeXml(d, t)),
    ),
    'custom-fields': '',
    descriptor: { name: null, phone: null, url: null },
  };
}

export interface FieldError {
  code: string;
  attribute: string;
  message: string;
}

/** Errors nested per resource, e.g. `['transaction']` or `['customer', 'credit-card']`. */
export interface ErrorGroup {
  path: string[];
  errors: FieldError[];
}

function errorList(errors: FieldError[]): XmlArray {
  return new XmlArray(
    'error',
    errors.map((e) => ({ code: e.code, attribute: e.attribute, message: e.message })),
  );
}

/**
 * `<api-error-response>`: `errors` holds an `errors` array per level and one element per nested resource
 * (ValidationErrorsCollection in the SDK walks exactly that). `message` joins the messages like the gateway.
 */
export function apiErrorResponse(input: {
  groups?: ErrorGroup[];
  message?: string;
  params?: XmlObject;
  transaction?: XmlObject;
  verification?: XmlObject;
}): XmlObject {
  const root: XmlObject = { errors: new XmlArray('error', []) };
  for (const g of input.groups ?? []) {
    let node = root;
    for (const seg of g.path) {
      const next = (node[seg] as XmlObject | undefined) ?? { errors: new XmlArray('error', []) };
      node[seg] = next;
      node = next;
    }
    const existing = (node['errors'] as XmlArray).items as XmlValue[];
    node['errors'] = errorList([
      ...(existing as XmlObject[]).map((e) => ({
        code: String(e['code']),
        attribute: String(e['attribute']),
        message: String(e['message']),
      })),
      ...g.errors,
    ]);
  }
  const messages = (input.groups ?? []).flatMap((g) => g.errors.map((e) => e.message));
  const out: XmlObject = {
    errors: root,
    params: input.params ?? {},
    message: input.message ?? messages.join('\n'),
  };
  if (input.transaction) out['transaction'] = input.transaction;
  if (input.verification) out['verification'] = input.verification;
  return out;
}

/**
 * `<payment-method-nonce>` as `gateway.paymentMethodNonce.find` parses it (payment_method_nonce.js wraps
 * `threeDSecureInfo` in ThreeDSecureInfo; `nil` → null, "3D Secure info was not captured").
 * Fields: https://developer.paypal.com/braintree/docs/reference/response/payment-method-nonce (nonce, type,
 * consumed, default, details, bin_data, three_d_secure_info); the `details` keys other than `bin` (asserted
 * by braintree_node's integration spec) follow the client SDKs' card nonce (lastTwo, lastFour, cardType,
 * expirationMonth, expirationYear) and are UNCONFIRMED for the server answer.
 */
export function paymentMethodNonceXml(input: {
  nonce: string;
  profile: CardProfile;
  expirationMonth: string;
  expirationYear: string;
  consumed: boolean;
}): XmlObject {
  const { profile } = input;
  const info = profile.threeDSecure;
  return {
    nonce: input.nonce,
    type: 'CreditCard',
    description: `ending in ${profile.number.slice(-2)}`,
    consumed: input.consumed,
    default: false,
    details: {
      bin: profile.number.slice(0, 6),
      'last-two': profile.number.slice(-2),
      'last-four': profile.number.slice(-4),
      'card-type': profile.cardType,
      'expiration-month': input.expirationMonth,
      'expiration-year': input.expirationYear,
    },
    'three-d-secure-info': info
      ? {
          enrolled: info.enrolled,
          status: info.status,
          'liability-shifted': info.liabilityShifted,
          'liability-shift-possible': info.liabilityShiftPossible,
        }
      : null,
  };
}
