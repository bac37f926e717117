import { CardProfile } from './test-values';

export interface CustomerRecord {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  company: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VerificationRecord {
  id: string;
  status: 'verified' | 'processor_declined' | 'failed' | 'gateway_rejected';
  processorResponseCode: string;
  processorResponseText: string;
  processorResponseType: string;
  gatewayRejectionReason: string | null;
  merchantAccountId: string;
  currencyIsoCode: string;
  createdAt: string;
}

export interface CardRecord {
  token: string;
  customerId: string;
  profile: CardProfile;
  expirationMonth: string;
  expirationYear: string;
  cardholderName: string | null;
  isDefault: boolean;
  uniqueNumberIdentifier: string;
  verification: VerificationRecord | null;
  createdAt: string;
  updatedAt: string;
}

export interface StatusEvent {
  timestamp: string;
  status: string;
  amount: string;
  transactionSource: string;
}

export interface TransactionRecord {
  id: string;
  type: 'sale' | 'credit';
  status: string;
  amount: string;
  amountCents: number;
  currencyIsoCode: string;
  merchantAccountId: string;
  orderId: string | null;
  customerId: string | null;
  paymentMethodToken: string | null;
  card: {
    profile: CardProfile;
    expirationMonth: string;
    expirationYear: string;
    uniqueNumberIdentifier: string;
  };
  processorResponseCode: string;
  processorResponseText: string;
  processorResponseType: string;
  processorSettlementResponseCode: string | null;
  processorSettlementResponseText: string | null;
  gatewayRejectionReason: string | null;
  refundedTransactionId: string | null;
  refundIds: string[];
  disputeIds: string[];
  statusHistory: StatusEvent[];
  /** Clock time (ms) of the last status change; settlement progresses from it. */
  statusChangedAtMs: number;
  /** Injected search lag: search leaves the transaction out before this clock time (ms). Unset = at once. */
  searchVisibleAtMs?: number;
  createdAt: string;
  updatedAt: string;
}

export interface DisputeRecord {
  id: string;
  transactionId: string;
  amount: string;
  currencyIsoCode: string;
  kind: string;
  reason: string;
  status: 'open' | 'won' | 'lost' | 'accepted';
  receivedDate: string;
  replyByDate: string;
  dateOpened: string;
  dateWon: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Single-use nonces minted by `POST /__sandbox/tokenize` (real nonces are single use too). */
export interface MintedNonce {
  profile: CardProfile;
  expirationMonth: string;
  expirationYear: string;
  consumed: boolean;
}

export interface BraintreeSnapshot {
  customers: CustomerRecord[];
  cards: CardRecord[];
  transactions: TransactionRecord[];
  disputes: DisputeRecord[];
  nonces: Array<[string, MintedNonce]>;
  webhookUrl: string | null;
}

/** Everything the emulator knows; plain maps so tests can look inside (`emulator.state`). */
export class BraintreeState {
  readonly customers = new Map<string, CustomerRecord>();
  readonly cards = new Map<string, CardRecord>();
  readonly transactions = new Map<string, TransactionRecord>();
  readonly disputes = new Map<string, DisputeRecord>();
  readonly nonces = new Map<string, MintedNonce>();
  /** Transactions still moving towards settlement (kept small so each request checks few). */
  readonly settling = new Set<string>();
  webhookUrl: string | null = null;

  cardsOf(customerId: string): CardRecord[] {
    return [...this.cards.values()].filter((c) => c.customerId === customerId);
  }

  defaultCardOf(customerId: string): CardRecord | undefined {
    return this.cardsOf(customerId).find((c) => c.isDefault);
  }

  transactionsForOrder(orderId: string): TransactionRecord[] {
    return [...this.transactions.values()].filter((t) => t.orderId === orderId);
  }

  clear(): void {
    this.customers.clear();
    this.cards.clear();
    this.transactions.clear();
    this.disputes.clear();
    this.nonces.clear();
    this.settling.clear();
  }

  snapshot(): BraintreeSnapshot {
    return {
      customers: [...this.customers.values()],
      cards: [...this.cards.values()],
      transactions: [...this.transactions.values()],
      disputes: [...this.disputes.values()],
      nonces: [...this.nonces.entries()],
      webhookUrl: this.webhookUrl,
    };
  }

  restore(s: BraintreeSnapshot): void {
    this.clear();
    for (const c of s.customers ?? []) this.customers.set(c.id, c);
    for (const c of s.cards ?? []) this.cards.set(c.token, c);
    for (const t of s.transactions ?? []) {
      this.transactions.set(t.id, t);
      if (t.status === 'submitted_for_settlement' || t.status === 'settling') this.settling.add(t.id);
    }
    for (const d of s.disputes ?? []) this.disputes.set(d.id, d);
    for (const [k, v] of s.nonces ?? []) this.nonces.set(k, v);
    this.webhookUrl = s.webhookUrl ?? this.webhookUrl;
  }
}
