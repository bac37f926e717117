import type { CheckoutMode, CheckoutPlanView } from '@aia/contracts';
import { formatPlanPrice } from './format';

/** Subscribe: plan and price. Card update: the plan's name only, no price wording (nothing is bought). */
export function PlanSummary({ mode, plan }: { mode: CheckoutMode; plan?: CheckoutPlanView }) {
  if (mode === 'update_card') {
    return (
      <div className="plan">
        <p>Enter the card to use for your subscription from now on.</p>
        {plan && (
          <p>
            Plan: <strong>{plan.name}</strong>
          </p>
        )}
      </div>
    );
  }
  if (!plan) return null;
  return (
    <section className="plan" aria-labelledby="plan-heading">
      <h2 id="plan-heading">{plan.name}</h2>
      <p className="price">{formatPlanPrice(plan)}</p>
      {plan.description && <p>{plan.description}</p>}
      <p className="terms">You will be charged {formatPlanPrice(plan)} until you cancel.</p>
    </section>
  );
}
