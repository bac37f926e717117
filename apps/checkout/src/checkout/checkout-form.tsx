import type { CheckoutSessionView } from '@aia/contracts';
import { FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { CheckoutApi, CheckoutApiError } from '../api/checkout-api';
import { CardFieldSlots } from '../card-fields/card-field-slots';
import {
  CardFieldIds,
  CardFieldName,
  CardFieldsError,
  cardFieldsErrorMessage,
} from '../card-fields/card-fields';
import { useCardFields } from '../card-fields/use-card-fields';
import { BillingErrors, BillingFields, readBilling } from './billing-fields';
import { CheckoutView, retryableMessage, terminalView } from './checkout-view';
import { threeDSecureAmount } from './format';
import { PageShell } from './page-shell';
import { PlanSummary } from './plan-summary';

const CARD_IDS: CardFieldIds = { number: 'card-number', expirationDate: 'card-expiry', cvv: 'card-cvv' };

type Problem = { message: string; declined?: boolean; cardFields?: readonly CardFieldName[] };

interface CheckoutFormProps {
  api: CheckoutApi;
  token: string;
  session: CheckoutSessionView;
  onOutcome(view: CheckoutView): void;
}

function problemFor(error: unknown): Problem {
  if (error instanceof CardFieldsError) {
    return { message: cardFieldsErrorMessage(error), cardFields: error.fields };
  }
  if (error instanceof CheckoutApiError && error.status === 402) {
    // The API's message is written for the customer (e.g. "Your bank declined the card.").
    return { message: error.message, declined: true };
  }
  return { message: retryableMessage(error) };
}

export function CheckoutForm({ api, token, session, onOutcome }: CheckoutFormProps) {
  const getClientToken = useCallback(() => api.createClientToken(token), [api, token]);
  const card = useCardFields(session, getClientToken, CARD_IDS);
  const [processing, setProcessing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [billingErrors, setBillingErrors] = useState<BillingErrors>({});
  const submitButton = useRef<HTMLButtonElement>(null);
  const update = session.mode === 'update_card';
  const loadProblem = card.status.kind === 'failed' ? card.status.error : undefined;

  // The client token call can find the session expired or completed meanwhile: that ends the checkout.
  useEffect(() => {
    const terminal = loadProblem === undefined ? null : terminalView(loadProblem);
    if (terminal) onOutcome(terminal);
  }, [loadProblem, onOutcome]);

  // A disabled button loses focus; give it back when processing ends so keyboard users are not lost.
  useEffect(() => {
    if (!processing && document.activeElement === document.body) submitButton.current?.focus();
  }, [processing]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = card.fields();
    if (processing || !fields) return;
    const form = event.currentTarget;
    const { billing, errors } = readBilling(form);
    setBillingErrors(errors);
    const invalid = Object.keys(errors);
    if (invalid.length) {
      setProblem({ message: 'Please correct the highlighted details.' });
      form.querySelector<HTMLElement>(`#billing-${invalid[0]}`)?.focus();
      return;
    }
    setProblem(null);
    setProcessing(true);
    try {
      const tokenized = await fields.tokenize({
        cardholderName: billing.name,
        email: billing.email,
        amount: threeDSecureAmount(session.plan),
        postalCode: billing.postalCode,
      });
      const { summary } = await api.complete(token, {
        nonce: tokenized.nonce,
        deviceData: tokenized.deviceData,
        billing,
      });
      const { cardType, lastFour } = tokenized.details;
      onOutcome({
        kind: 'success',
        summary: { ...summary, card: summary.card ?? { type: cardType, last4: lastFour } },
      });
    } catch (error) {
      const terminal = terminalView(error);
      if (terminal) return onOutcome(terminal);
      setProblem(problemFor(error));
    } finally {
      setProcessing(false);
    }
  }

  const shown =
    problem ?? (loadProblem !== undefined && !terminalView(loadProblem) ? problemFor(loadProblem) : null);
  const ready = card.status.kind === 'ready';
  const label = processing
    ? 'Processing…'
    : problem?.declined
      ? 'Try again'
      : update
        ? 'Update card'
        : 'Subscribe';
  const status = processing
    ? 'Processing your payment. Please do not close this page.'
    : card.status.kind === 'loading'
      ? 'Loading secure card fields…'
      : '';

  return (
    <PageShell title={update ? 'Update your card' : 'Subscribe'}>
      <PlanSummary mode={session.mode} plan={session.plan} />
      <form className="checkout-form" noValidate onSubmit={submit}>
        <section aria-labelledby="billing-heading">
          <h2 id="billing-heading">Billing details</h2>
          <BillingFields customer={session.customer} errors={billingErrors} disabled={processing} />
        </section>
        <section aria-labelledby="card-heading">
          <h2 id="card-heading">Card details</h2>
          <CardFieldSlots
            kind={session.cardFields}
            ids={CARD_IDS}
            disabled={!ready || processing}
            invalid={problem?.cardFields ?? []}
          />
        </section>
        {shown && (
          <div id="form-problem" className={shown.declined ? 'problem declined' : 'problem'} role="alert">
            {shown.declined && <p className="problem-title">Your card was declined.</p>}
            <p>{shown.message}</p>
            {shown.declined && <p>Check the card details or use a different card, then try again.</p>}
            {loadProblem !== undefined && !problem && (
              <button type="button" className="button secondary" onClick={card.reload}>
                Reload card fields
              </button>
            )}
          </div>
        )}
        <p className="status" role="status">
          {status}
        </p>
        <button
          ref={submitButton}
          type="submit"
          className="button primary"
          disabled={!ready || processing}
          aria-busy={processing}
        >
          {label}
        </button>
      </form>
    </PageShell>
  );
}
