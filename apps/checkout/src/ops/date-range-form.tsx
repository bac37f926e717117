import { FormEvent, useState } from 'react';
import type { DateRange } from './ops-api';

interface Props {
  /** Prefix of the inputs' ids (one form per section). */
  id: string;
  fromLabel: string;
  submitLabel: string;
  initial: DateRange;
  /** A valid range was asked for. */
  onSubmit(range: DateRange): void;
  /** The range was refused; the message says why, for the section's alert. */
  onInvalid(message: string): void;
}

/** From/to date inputs with their submit button, as the reconciliation and payments sections ask for a range. */
export function DateRangeForm({ id, fromLabel, submitLabel, initial, onSubmit, onInvalid }: Props) {
  const [draft, setDraft] = useState<DateRange>(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.from > draft.to) onInvalid('The start date must not be after the end date.');
    else onSubmit(draft);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Date range">
      <div className="field">
        <label htmlFor={`${id}-from`}>{fromLabel}</label>
        <input
          id={`${id}-from`}
          type="date"
          value={draft.from}
          required
          onChange={(e) => setDraft({ ...draft, from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>To</label>
        <input
          id={`${id}-to`}
          type="date"
          value={draft.to}
          required
          onChange={(e) => setDraft({ ...draft, to: e.target.value })}
        />
      </div>
      <div className="filter-buttons">
        <button type="submit" className="button small">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
