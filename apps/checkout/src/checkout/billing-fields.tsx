import type { CheckoutSessionView } from '@aia/contracts';

export type BillingFieldName = 'name' | 'email';
export type BillingErrors = Partial<Record<BillingFieldName, string>>;

interface FieldProps {
  name: string;
  label: string;
  type?: string;
  autoComplete: string;
  defaultValue?: string;
  required?: boolean;
  error?: string;
  disabled: boolean;
}

function Field({
  name,
  label,
  type = 'text',
  autoComplete,
  defaultValue,
  required,
  error,
  disabled,
}: FieldProps) {
  const id = `billing-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {!required && <span className="optional"> (optional)</span>}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        defaultValue={defaultValue}
        required={required}
        readOnly={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Billing details: uncontrolled, read from the form on submit; prefilled from the session's customer. */
export function BillingFields({
  customer,
  errors,
  disabled,
}: {
  customer: CheckoutSessionView['customer'];
  errors: BillingErrors;
  disabled: boolean;
}) {
  return (
    <>
      <Field
        name="name"
        label="Name on card"
        autoComplete="cc-name"
        defaultValue={customer.name}
        required
        error={errors.name}
        disabled={disabled}
      />
      <Field
        name="email"
        label="Email"
        type="email"
        autoComplete="email"
        defaultValue={customer.email}
        required
        error={errors.email}
        disabled={disabled}
      />
      <Field name="company" label="Company" autoComplete="organization" disabled={disabled} />
      <Field name="postalCode" label="Postal code" autoComplete="postal-code" disabled={disabled} />
    </>
  );
}

/** Reads and checks the billing fields; errors are keyed by field. */
export function readBilling(form: HTMLFormElement) {
  const data = new FormData(form);
  const text = (key: string) => String(data.get(key) ?? '').trim();
  const billing = {
    name: text('name'),
    email: text('email'),
    company: text('company') || undefined,
    postalCode: text('postalCode') || undefined,
  };
  const errors: BillingErrors = {};
  if (!billing.name) errors.name = 'Enter the name on your card.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(billing.email))
    errors.email = 'Enter an email address like name@example.com.';
  return { billing, errors };
}
