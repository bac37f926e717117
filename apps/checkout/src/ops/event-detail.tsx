import type { OpsEventDetail, OpsEventState } from '@aia/contracts';
import { FormEvent, useEffect, useRef, useState } from 'react';
import { StateBadge } from './events-section';
import { EVENTS_DISCARDABLE, EVENTS_RETRYABLE, formatDateTime, PLATFORM_NAMES, STATE_NAMES } from './format';
import { messageOf } from './ops-api';
import type { OpsApi } from './ops-api';
import { useResource } from './use-resource';

/** States an event leaves on its own: the panel looks again until it settles. */
const MOVING = new Set(['pending', 'processing', 'retrying']);
const MAX_POLLS = 40;

interface Props {
  api: OpsApi;
  id: string;
  /** After a retry or discard (the lists refresh). */
  onChanged(): void;
  onClose(): void;
  /** How often a moving event is looked at again; 0 = never. */
  pollMs?: number;
}

/** One event: what arrived (payload, headers), every attempt with its error, and the two actions. */
export function EventDetail({ api, id, onChanged, onClose, pollMs = 1500 }: Props) {
  const event = useResource(() => api.getEvent(id), id);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [polls, setPolls] = useState(0);
  /** The state the last action left the event in: the status line tells when it moved on from there. */
  const [actedState, setActedState] = useState<OpsEventState>();
  const heading = useRef<HTMLHeadingElement>(null);
  const reasonInput = useRef<HTMLTextAreaElement>(null);
  const e = event.data;
  const { reload } = event;

  useEffect(() => heading.current?.focus(), []);

  const moving = !!e && MOVING.has(e.state);
  useEffect(() => {
    if (!moving || !pollMs || polls >= MAX_POLLS) return;
    const timer = setTimeout(() => {
      setPolls((n) => n + 1);
      reload();
    }, pollMs);
    return () => clearTimeout(timer);
  }, [moving, pollMs, polls, reload]);

  // A state change found by polling refreshes the lists once it settles.
  const lastState = useRef(e?.state);
  useEffect(() => {
    if (lastState.current && e && lastState.current !== e.state && !MOVING.has(e.state)) onChanged();
    lastState.current = e?.state;
  }, [e, onChanged]);

  const act = async (what: () => Promise<OpsEventDetail>, done: string) => {
    setBusy(true);
    setProblem(undefined);
    setMessage(undefined);
    try {
      const updated = await what();
      event.set(updated);
      setActedState(updated.state);
      setPolls(0);
      setMessage(done);
      onChanged();
    } catch (err) {
      setProblem(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const discard = (ev: FormEvent) => {
    ev.preventDefault();
    if (!reason.trim()) {
      setReasonError('Say why this event is discarded (it is kept with the event).');
      reasonInput.current?.focus();
      return;
    }
    setReasonError(undefined);
    void act(() => api.discardEvent(id, reason.trim()), 'Discarded. The event will not be processed.');
  };

  return (
    <section className="event-detail card" aria-labelledby="event-detail-title">
      <div className="detail-head">
        <h2 id="event-detail-title" ref={heading} tabIndex={-1}>
          Event {e ? e.type : id}
        </h2>
        <button type="button" className="button small" onClick={onClose}>
          Close <span className="visually-hidden">event detail</span>
        </button>
      </div>
      {event.error && (
        <p role="alert" className="problem">
          Could not load the event: {event.error}
        </p>
      )}
      {!e && !event.error && <p role="status">Loading…</p>}
      <p role="status" className="notice-line">
        {message}
        {message && e && moving && ' Watching it until it settles…'}
        {message && e && !moving && e.state !== actedState && ` Now: ${STATE_NAMES[e.state]}.`}
      </p>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {e && (
        <>
          <dl className="summary">
            <dt>State</dt>
            <dd>
              <StateBadge state={e.state} />
            </dd>
            <dt>Platform</dt>
            <dd>{PLATFORM_NAMES[e.platform] ?? e.platform}</dd>
            <dt>Event id</dt>
            <dd className="mono">{e.eventId}</dd>
            <dt>Stored id</dt>
            <dd className="mono">{e.id}</dd>
            <dt>Key</dt>
            <dd className="mono">{e.key}</dd>
            <dt>Received</dt>
            <dd>{formatDateTime(e.receivedAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(e.updatedAt)}</dd>
            <dt>Attempts</dt>
            <dd>{e.attempts}</dd>
            {e.lastError && (
              <>
                <dt>Last error</dt>
                <dd className="error-text">{e.lastError}</dd>
              </>
            )}
            {e.discardReason && (
              <>
                <dt>Discarded because</dt>
                <dd>{e.discardReason}</dd>
              </>
            )}
          </dl>

          {(EVENTS_RETRYABLE.includes(e.state) || EVENTS_DISCARDABLE.includes(e.state)) && (
            <div className="actions">
              {EVENTS_RETRYABLE.includes(e.state) && (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() =>
                    void act(() => api.retryEvent(id), 'Queued again: the event will be processed shortly.')
                  }
                >
                  Retry
                </button>
              )}
              {EVENTS_DISCARDABLE.includes(e.state) && (
                <form onSubmit={discard} noValidate className="discard-form">
                  <div className="field">
                    <label htmlFor="discard-reason">Reason for discarding</label>
                    <textarea
                      id="discard-reason"
                      ref={reasonInput}
                      rows={2}
                      value={reason}
                      aria-required="true"
                      aria-invalid={reasonError ? true : undefined}
                      aria-describedby={reasonError ? 'discard-reason-error' : undefined}
                      onChange={(ev) => setReason(ev.target.value)}
                    />
                    {reasonError && (
                      <p id="discard-reason-error" role="alert" className="field-error">
                        {reasonError}
                      </p>
                    )}
                  </div>
                  <button type="submit" className="button danger" disabled={busy}>
                    Discard
                  </button>
                </form>
              )}
            </div>
          )}

          <h3>Attempts</h3>
          {e.attemptLog.length === 0 ? (
            <p className="muted">No attempt yet.</p>
          ) : (
            <ol className="attempts">
              {e.attemptLog.map((a) => (
                <li key={a.attempt}>
                  <p>
                    <strong>Attempt {a.attempt}</strong>: {a.outcome}, started {formatDateTime(a.startedAt)}
                    {a.finishedAt ? `, finished ${formatDateTime(a.finishedAt)}` : ''}
                  </p>
                  {a.error && (
                    <p className="error-text">
                      {a.error.name}: {a.error.message} ({a.error.temporary ? 'temporary' : 'permanent'})
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )}

          <h3>Payload</h3>
          <pre className="json" tabIndex={0} aria-label="Payload as JSON">
            {JSON.stringify(e.payload, null, 2)}
          </pre>
          <details>
            <summary>Headers ({Object.keys(e.headers ?? {}).length})</summary>
            <pre className="json" tabIndex={0} aria-label="Headers as JSON">
              {JSON.stringify(e.headers ?? {}, null, 2)}
            </pre>
          </details>
        </>
      )}
    </section>
  );
}
