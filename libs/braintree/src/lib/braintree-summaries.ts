import type * as braintree from 'braintree';

export interface PaymentMethodSummary {
  token: string;
  customerId: string;
  cardType: string;
  bin: string;
  last4: string;
  expirationMonth: string;
  expirationYear: string;
  isDefault: boolean;
  maskedNumber: string;
}

export interface CustomerSummary {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  createdAt: string;
  paymentMethods: PaymentMethodSummary[];
  defaultPaymentMethodToken: string | null;
  /** True when the create call found the customer already there (id taken, or found after a timeout). */
  alreadyExisted?: boolean;
}

export function paymentMethodSummary(card: braintree.CreditCard): PaymentMethodSummary {
  return {
    token: card.token,
    customerId: card.customerId,
    cardType: card.cardType,
    bin: card.bin,
    last4: card.last4,
    expirationMonth: card.expirationMonth ?? '',
    expirationYear: card.expirationYear ?? '',
    isDefault: card.default,
    maskedNumber: card.maskedNumber,
  };
}

export function customerSummary(c: braintree.Customer): CustomerSummary {
  const cards = (c.creditCards ?? []).map(paymentMethodSummary);
  return {
    id: c.id,
    email: c.email || null,
    firstName: c.firstName || null,
    lastName: c.lastName || null,
    company: c.company || null,
    createdAt: String(c.createdAt),
    paymentMethods: cards,
    defaultPaymentMethodToken: cards.find((p) => p.isDefault)?.token ?? null,
  };
}
