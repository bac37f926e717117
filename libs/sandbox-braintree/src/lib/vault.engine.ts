import { CardRecord, CustomerRecord } from './braintree-state';
import {
  bool,
  defaultExpiry,
  EngineContext,
  fieldError,
  GatewayReply,
  invalid,
  Json,
  NonceResolution,
  obj,
  ok,
  randomId,
  ResolvedCard,
  resolveNonce,
  runVerification,
  str,
  uniqueNumberIdentifier,
  verificationMessage,
} from './engine-context';
import {
  apiErrorResponse,
  cardXml,
  customerXml,
  FieldError,
  paymentMethodNonceXml,
  verificationXml,
} from './serializers';
import { TEST_NONCES } from './test-values';

/**
 * Customers and vaulted cards, as `gateway.customer.*` and `gateway.paymentMethod.*` use them.
 * Error codes and messages: braintree/lib/braintree/validation_error_codes.js; messages as the gateway words
 * them where known (e.g. 91609 "Customer ID has already been taken.").
 */

const ID_PATTERN = /^[A-Za-z0-9_-]+$/;

function nonceErrors(res: NonceResolution, codes: { unknown: string; consumed: string }): FieldError[] {
  if (!('problem' in res)) return [];
  switch (res.problem) {
    case 'unknown':
      return [fieldError(codes.unknown, 'payment_method_nonce', 'Unknown payment_method_nonce.')];
    case 'consumed':
      return [
        fieldError(
          codes.consumed,
          'payment_method_nonce',
          'Cannot use a payment_method_nonce more than once.',
        ),
      ];
    case 'luhn_invalid':
      return [fieldError('81715', 'number', 'Credit card number is invalid.')];
  }
}

export class VaultEngine {
  constructor(private readonly ctx: EngineContext) {}

  private customerReply(c: CustomerRecord, status = 200): GatewayReply {
    const now = this.ctx.clock.now();
    return ok('customer', customerXml(c, this.ctx.state.cardsOf(c.id), this.ctx.merchantId, now), status);
  }

  private cardReply(card: CardRecord, status = 200): GatewayReply {
    return ok('credit-card', cardXml(card, this.ctx.clock.now()), status);
  }

  /** Declined/failed/rejected verification: `<api-error-response>` with the `<verification>`, nothing stored. */
  private verificationFailure(v: ReturnType<typeof runVerification>): GatewayReply {
    return ok(
      'api-error-response',
      apiErrorResponse({ message: verificationMessage(v), verification: verificationXml(v) }),
      422,
    );
  }

  private addCard(customerId: string, card: ResolvedCard, input: Json, makeDefault: boolean): CardRecord {
    const now = this.ctx.clock.now().toISOString();
    const existing = this.ctx.state.cardsOf(customerId);
    const isDefault = makeDefault || existing.length === 0;
    if (isDefault) for (const c of existing) c.isDefault = false;
    const record: CardRecord = {
      token: str(input['token']) ?? randomId(7),
      customerId,
      profile: card.profile,
      expirationMonth: card.expirationMonth,
      expirationYear: card.expirationYear,
      cardholderName: str(input['cardholder_name']) ?? null,
      isDefault,
      uniqueNumberIdentifier: uniqueNumberIdentifier(card.profile.number),
      verification: null,
      createdAt: now,
      updatedAt: now,
    };
    card.consume();
    this.ctx.state.cards.set(record.token, record);
    return record;
  }

  createCustomer(body: Json): GatewayReply {
    const c = obj(body['customer']);
    const cc = obj(c['credit_card']);
    const options = obj(cc['options']);
    const id = str(c['id']);
    const customerErrors: FieldError[] = [];
    if (id !== undefined) {
      if (!ID_PATTERN.test(id)) {
        customerErrors.push(
          fieldError('91610', 'id', 'Customer ID is invalid (use only letters, numbers, "-", and "_").'),
        );
      } else if (id.length > 36) {
        customerErrors.push(fieldError('91612', 'id', 'Customer ID is too long.'));
      } else if (id === 'all' || id === 'new') {
        customerErrors.push(fieldError('91611', 'id', 'Customer ID is not allowed.'));
      } else if (this.ctx.state.customers.has(id)) {
        customerErrors.push(fieldError('91609', 'id', 'Customer ID has already been taken.'));
      }
    }
    const email = str(c['email']);
    if (email !== undefined && email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      customerErrors.push(fieldError('81604', 'email', 'Email is an invalid format.'));
    }
    const nonce = str(c['payment_method_nonce']) ?? str(cc['payment_method_nonce']);
    const resolved = nonce !== undefined ? resolveNonce(this.ctx, nonce) : undefined;
    const cardErrors = resolved ? nonceErrors(resolved, { unknown: '91732', consumed: '91731' }) : [];
    const groups = [
      ...(customerErrors.length ? [{ path: ['customer'], errors: customerErrors }] : []),
      ...(cardErrors.length ? [{ path: ['customer', 'credit-card'], errors: cardErrors }] : []),
    ];
    if (groups.length) return invalid(groups, { customer: { id: id ?? null, email: email ?? null } });

    const card = resolved && !('problem' in resolved) ? resolved : undefined;
    let verification: ReturnType<typeof runVerification> | undefined;
    if (card && bool(options['verify_card'])) {
      const account = str(options['verification_merchant_account_id']) ?? this.ctx.defaultMerchantAccountId;
      verification = runVerification(this.ctx, card.profile, account);
      if (verification.status !== 'verified') return this.verificationFailure(verification);
    }
    const now = this.ctx.clock.now().toISOString();
    const customer: CustomerRecord = {
      id: id ?? String(100_000_000 + Math.floor(Math.random() * 900_000_000)),
      firstName: str(c['first_name']) ?? null,
      lastName: str(c['last_name']) ?? null,
      email: email ?? null,
      company: str(c['company']) ?? null,
      phone: str(c['phone']) ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.ctx.state.customers.set(customer.id, customer);
    if (card) {
      const record = this.addCard(customer.id, card, cc, true);
      record.verification = verification ?? null;
    }
    this.ctx.changed();
    return this.customerReply(customer, 201);
  }

  findCustomer(id: string): GatewayReply {
    const c = this.ctx.state.customers.get(id);
    return c ? this.customerReply(c) : { kind: 'not_found' };
  }

  updateCustomer(id: string, body: Json): GatewayReply {
    const customer = this.ctx.state.customers.get(id);
    if (!customer) return { kind: 'not_found' };
    const c = obj(body['customer']);
    const cc = obj(c['credit_card']);
    const options = obj(cc['options']);
    const email = str(c['email']);
    if (email !== undefined && email !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      return invalid([
        { path: ['customer'], errors: [fieldError('81604', 'email', 'Email is an invalid format.')] },
      ]);
    }
    const nonce = str(c['payment_method_nonce']) ?? str(cc['payment_method_nonce']);
    let card: ResolvedCard | undefined;
    if (nonce !== undefined) {
      const res = resolveNonce(this.ctx, nonce);
      const errs = nonceErrors(res, { unknown: '91732', consumed: '91731' });
      if (errs.length) return invalid([{ path: ['customer', 'credit-card'], errors: errs }]);
      card = res as ResolvedCard;
    }
    let verification: ReturnType<typeof runVerification> | undefined;
    if (card && bool(options['verify_card'])) {
      verification = runVerification(this.ctx, card.profile, this.ctx.defaultMerchantAccountId);
      if (verification.status !== 'verified') return this.verificationFailure(verification);
    }
    for (const [field, key] of [
      ['firstName', 'first_name'],
      ['lastName', 'last_name'],
      ['company', 'company'],
      ['phone', 'phone'],
      ['email', 'email'],
    ] as const) {
      const v = str(c[key]);
      if (v !== undefined) customer[field] = v;
    }
    if (card) {
      const record = this.addCard(customer.id, card, cc, bool(options['make_default']));
      record.verification = verification ?? null;
    }
    customer.updatedAt = this.ctx.clock.now().toISOString();
    this.ctx.changed();
    return this.customerReply(customer);
  }

  deleteCustomer(id: string): GatewayReply {
    if (!this.ctx.state.customers.delete(id)) return { kind: 'not_found' };
    for (const card of this.ctx.state.cardsOf(id)) this.ctx.state.cards.delete(card.token);
    this.ctx.changed();
    return { kind: 'empty' };
  }

  createPaymentMethod(body: Json): GatewayReply {
    const pm = obj(body['payment_method']);
    const options = obj(pm['options']);
    const customerId = str(pm['customer_id']);
    const nonce = str(pm['payment_method_nonce']);
    const token = str(pm['token']);
    const errors: FieldError[] = [];
    if (!customerId) errors.push(fieldError('93104', 'customer_id', 'Customer ID is required.'));
    else if (!this.ctx.state.customers.has(customerId)) {
      errors.push(fieldError('93105', 'customer_id', 'Customer ID is invalid.'));
    }
    if (!nonce)
      errors.push(fieldError('93103', 'payment_method_nonce', 'A payment method nonce is required.'));
    const resolved = nonce ? resolveNonce(this.ctx, nonce) : undefined;
    if (resolved) errors.push(...nonceErrors(resolved, { unknown: '93108', consumed: '93107' }));
    const cardErrors: FieldError[] = [];
    if (token !== undefined && this.ctx.state.cards.has(token)) {
      cardErrors.push(fieldError('91719', 'token', 'Token is already in use.'));
    }
    const card = resolved && !('problem' in resolved) ? resolved : undefined;
    if (card && customerId && bool(options['fail_on_duplicate_payment_method'])) {
      const uid = uniqueNumberIdentifier(card.profile.number);
      if ([...this.ctx.state.cards.values()].some((c) => c.uniqueNumberIdentifier === uid)) {
        cardErrors.push(fieldError('81724', 'number', 'Duplicate card exists in the vault.'));
      }
    }
    const groups = [
      ...(errors.length ? [{ path: ['payment-method'], errors }] : []),
      ...(cardErrors.length ? [{ path: ['credit-card'], errors: cardErrors }] : []),
    ];
    if (groups.length || !card || !customerId) return invalid(groups);
    let verification: ReturnType<typeof runVerification> | undefined;
    if (bool(options['verify_card'])) {
      const account = str(options['verification_merchant_account_id']) ?? this.ctx.defaultMerchantAccountId;
      verification = runVerification(this.ctx, card.profile, account);
      if (verification.status !== 'verified') return this.verificationFailure(verification);
    }
    const record = this.addCard(customerId, card, pm, bool(options['make_default']));
    record.verification = verification ?? null;
    this.ctx.changed();
    return this.cardReply(record, 201);
  }

  /**
   * `GET /payment_method_nonces/:nonce` (payment_method_nonce_gateway.js `find`). Braintree: "a find call does
   * not consume the payment method nonce" and returns its 3D Secure info; an unknown nonce is a 404
   * (notFoundError): https://developer.paypal.com/braintree/docs/reference/request/payment-method-nonce/find/node/
   * A consumed minted nonce is still found (`consumed: true`); `fake-consumed-nonce` and
   * `fake-luhn-invalid-nonce` answer 404 (what the real sandbox answers for them is UNCONFIRMED).
   */
  findNonce(nonce: string): GatewayReply {
    const minted = this.ctx.state.nonces.get(nonce);
    if (minted) {
      return ok('payment-method-nonce', paymentMethodNonceXml({ nonce, ...minted }));
    }
    const known = TEST_NONCES[nonce];
    if (known === undefined || typeof known === 'string') return { kind: 'not_found' };
    const exp = defaultExpiry(this.ctx.clock.now());
    return ok(
      'payment-method-nonce',
      paymentMethodNonceXml({
        nonce,
        profile: known,
        expirationMonth: exp.month,
        expirationYear: exp.year,
        consumed: false,
      }),
    );
  }

  findPaymentMethod(token: string): GatewayReply {
    const card = this.ctx.state.cards.get(token);
    return card ? this.cardReply(card) : { kind: 'not_found' };
  }

  updatePaymentMethod(token: string, body: Json): GatewayReply {
    const card = this.ctx.state.cards.get(token);
    if (!card) return { kind: 'not_found' };
    const pm = obj(body['payment_method']);
    const options = obj(pm['options']);
    if (bool(options['make_default'])) {
      for (const c of this.ctx.state.cardsOf(card.customerId)) c.isDefault = false;
      card.isDefault = true;
    }
    const name = str(pm['cardholder_name']);
    if (name !== undefined) card.cardholderName = name;
    const month = str(pm['expiration_month']);
    const year = str(pm['expiration_year']);
    if (month !== undefined) card.expirationMonth = month;
    if (year !== undefined) card.expirationYear = year;
    card.updatedAt = this.ctx.clock.now().toISOString();
    this.ctx.changed();
    return this.cardReply(card);
  }

  /**
   * Deleting the default card promotes the customer's most recently created remaining card (UNCONFIRMED:
   * Braintree does not document what becomes default; this keeps `customerId` sales working).
   */
  deletePaymentMethod(token: string): GatewayReply {
    const card = this.ctx.state.cards.get(token);
    if (!card) return { kind: 'not_found' };
    this.ctx.state.cards.delete(token);
    if (card.isDefault) {
      const rest = this.ctx.state
        .cardsOf(card.customerId)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      if (rest[0]) rest[0].isDefault = true;
    }
    this.ctx.changed();
    return { kind: 'empty' };
  }
}
