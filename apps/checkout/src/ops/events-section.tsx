import { OPS_EVENT_STATES } from '@aia/contracts';
import type { OpsEventPage, OpsEventState, OpsEventSummary, OpsPlatform } from '@aia/contracts';
import { FormEvent, useRef, useState } from 'react';
import { EventDetail } from './event-detail';
import { formatDateTime, PLATFORM_NAMES, STATE_NAMES } from './format';
import type { OpsApi } from './ops-api';
import { useResource } from './use-resource';

export const PAGE_SIZE = 25;
const PLATFORMS: OpsPlatform[] = ['attio', 'zoho', 'braintree'];

interface Filters {
  state: OpsEventState | '';
  platform: OpsPlatform | '';
  q: string;
}

/**
 * Stored webhook events. With no state chosen, dead letters come first in a table of their own (they are
 * what needs a person), then every event newest first, paged. Selects filter at once; the search box on
 * submit. Choosing an event opens its detail beside (or below) the list.
 */
export function EventsSection({
  api,
  initialState = '',
}: {
  api: OpsApi;
  initialState?: OpsEventState | '';
}) {
  const [filters, setFilters] = useState<Filters>({ state: initialState, platform: '', q: '' });
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string>();
  const [version, setVersion] = useState(0);
  const listHeading = useRef<HTMLHeadingElement>(null);

  const platform = filters.platform || undefined;
  const q = filters.q || undefined;
  const deadFirst = filters.state === '';
  const key = `${filters.state}|${filters.platform}|${filters.q}|${version}`;
  const dead = useResource<OpsEventPage | undefined>(
    () =>
      deadFirst ? api.listEvents({ state: 'dead', platform, q, limit: 100 }) : Promise.resolve(undefined),
    `dead|${key}`,
  );
  const page = useResource(
    () => api.listEvents({ state: filters.state || undefined, platform, q, limit: PAGE_SIZE, offset }),
    `page|${key}|${offset}`,
  );

  const change = (next: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...next }));
    setOffset(0);
  };
  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    change({ q: search.trim() });
  };
  const refresh = () => setVersion((v) => v + 1);
  const close = () => {
    setSelected(undefined);
    listHeading.current?.focus();
  };

  const total = page.data?.total ?? 0;
  const title = filters.state ? `${STATE_NAMES[filters.state]} events` : 'All events';

  return (
    <div className={`events-layout ${selected ? 'with-detail' : ''}`}>
      <div className="events-list">
        <form className="filters" onSubmit={submitSearch} role="search" aria-label="Filter events">
          <div className="field">
            <label htmlFor="events-state">State</label>
            <select
              id="events-state"
              value={filters.state}
              onChange={(e) => change({ state: e.target.value as OpsEventState | '' })}
            >
              <option value="">Any state (dead letters first)</option>
              {OPS_EVENT_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_NAMES[s]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="events-platform">Platform</label>
            <select
              id="events-platform"
              value={filters.platform}
              onChange={(e) => change({ platform: e.target.value as OpsPlatform | '' })}
            >
              <option value="">Any platform</option>
              {PLATFORMS.map((p) => (
                <option key={p} value={p}>
                  {PLATFORM_NAMES[p]}
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="events-search">Search</label>
            <input
              id="events-search"
              type="search"
              value={search}
              placeholder="id, event id, type or key"
              onChange={(e) => setSearch(e.target.value)}
            />
          </div>
          <div className="filter-buttons">
            <button type="submit" className="button small">
              Search
            </button>
            <button type="button" className="button small" onClick={refresh}>
              Refresh
            </button>
          </div>
        </form>

        {deadFirst && dead.data && dead.data.items.length > 0 && (
          <section aria-labelledby="dead-letters-title" className="dead-letters">
            <h2 id="dead-letters-title">
              Dead letters ({dead.data.total}
              {dead.data.total > dead.data.items.length ? `, newest ${dead.data.items.length} shown` : ''})
            </h2>
            <EventTable
              label="Dead letters"
              events={dead.data.items}
              selected={selected}
              onSelect={setSelected}
            />
          </section>
        )}
        {deadFirst && dead.error && (
          <p role="alert" className="problem">
            Could not load the dead letters: {dead.error}
          </p>
        )}

        <section aria-labelledby="events-list-title">
          <h2 id="events-list-title" ref={listHeading} tabIndex={-1}>
            {title} ({total})
          </h2>
          {page.error && (
            <p role="alert" className="problem">
              Could not load the events: {page.error}
            </p>
          )}
          {page.loading && !page.data && <p role="status">Loading…</p>}
          {page.data && page.data.items.length === 0 && <p>No events match.</p>}
          {page.data && page.data.items.length > 0 && (
            <EventTable label={title} events={page.data.items} selected={selected} onSelect={setSelected} />
          )}
          {total > PAGE_SIZE && (
            <nav className="pager" aria-label="Pages">
              <button
                type="button"
                className="button small"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
              >
                Newer
              </button>
              <span>
                {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
              </span>
              <button
                type="button"
                className="button small"
                disabled={offset + PAGE_SIZE >= total}
                onClick={() => setOffset(offset + PAGE_SIZE)}
              >
                Older
              </button>
            </nav>
          )}
        </section>
      </div>

      {selected && <EventDetail key={selected} api={api} id={selected} onChanged={refresh} onClose={close} />}
    </div>
  );
}

function EventTable({
  label,
  events,
  selected,
  onSelect,
}: {
  label: string;
  events: OpsEventSummary[];
  selected?: string;
  onSelect(id: string): void;
}) {
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={label}>
      <table className="ops-table">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Platform</th>
            <th scope="col">Type</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className={e.id === selected ? 'selected' : undefined} data-event-id={e.id}>
              <td>{formatDateTime(e.receivedAt)}</td>
              <td>{PLATFORM_NAMES[e.platform] ?? e.platform}</td>
              <td className="mono">{e.type}</td>
              <td>
                <StateBadge state={e.state} />
              </td>
              <td>{e.attempts}</td>
              <td className="error-cell" title={e.lastError}>
                {e.lastError ?? e.discardReason ?? ''}
              </td>
              <td>
                <button type="button" className="button small" onClick={() => onSelect(e.id)}>
                  Open{' '}
                  <span className="visually-hidden">
                    {e.type} event {e.id}
                  </span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function StateBadge({ state }: { state: OpsEventState }) {
  return <span className={`badge state-${state}`}>{STATE_NAMES[state] ?? state}</span>;
}
