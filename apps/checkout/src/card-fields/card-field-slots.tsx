import type { CardFieldsKind } from '@aia/contracts';
import type { InputHTMLAttributes } from 'react';
import { CARD_FIELD_NAMES, CardFieldIds, CardFieldName } from './card-fields';

const LABELS: Record<CardFieldName, string> = {
  number: 'Card number',
  expirationDate: 'Expiry date (MM/YY)',
  cvv: 'Security code (CVV)',
};

const SANDBOX_INPUTS: Record<CardFieldName, InputHTMLAttributes<HTMLInputElement>> = {
  number: {
    autoComplete: 'cc-number',
    inputMode: 'numeric',
    placeholder: '1234 1234 1234 1234',
    maxLength: 23,
  },
  expirationDate: { autoComplete: 'cc-exp', placeholder: 'MM/YY', maxLength: 7 },
  cvv: { autoComplete: 'cc-csc', inputMode: 'numeric', placeholder: '123', maxLength: 4 },
};

export const cardFieldErrorId = (ids: CardFieldIds, field: CardFieldName) => `${ids[field]}-error`;

function SandboxNotice() {
  return (
    <div className="sandbox-notice" role="note">
      <p>
        <strong>Sandbox: no real card is charged.</strong> Test cards (any future expiry date, any 3-digit
        code):
      </p>
      <ul>
        <li>
          <code>4111 1111 1111 1111</code> approved
        </li>
        <li>
          <code>4000 1111 1111 1115</code> declined
        </li>
      </ul>
    </div>
  );
}

interface CardFieldSlotsProps {
  kind: CardFieldsKind;
  ids: CardFieldIds;
  disabled: boolean;
  invalid: readonly CardFieldName[];
}

/**
 * Where the card fields live: empty containers Hosted Fields fills with its iframes, or, in sandbox mode,
 * uncontrolled inputs that the sandbox adapter reads at tokenize time. The inputs have no `name`, so card
 * data is never part of a form submission, and no `value`, so it never enters React state.
 */
export function CardFieldSlots({ kind, ids, disabled, invalid }: CardFieldSlotsProps) {
  return (
    <>
      {kind === 'sandbox' && <SandboxNotice />}
      <div className="card-fields">
        {CARD_FIELD_NAMES.map((field) => {
          const isInvalid = invalid.includes(field);
          const a11y = {
            'aria-invalid': isInvalid || undefined,
            'aria-describedby': isInvalid ? cardFieldErrorId(ids, field) : undefined,
          };
          return (
            <div className={`field field-${field}`} key={field}>
              <label htmlFor={ids[field]}>{LABELS[field]}</label>
              {kind === 'sandbox' ? (
                <input
                  id={ids[field]}
                  type="text"
                  required
                  disabled={disabled}
                  {...SANDBOX_INPUTS[field]}
                  {...a11y}
                />
              ) : (
                <div id={ids[field]} className="hosted-field" {...a11y} />
              )}
              {isInvalid && (
                <p id={cardFieldErrorId(ids, field)} className="field-error">
                  Check the {LABELS[field].replace(/ \(.*\)$/, '').toLowerCase()}.
                </p>
              )}
            </div>
          );
        })}
      </div>
    </>
  );
}
