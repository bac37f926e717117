import { OPS_EVENT_STATES } from '@aia/contracts';
import type {
  OpsEventHistogram,
  OpsInstanceHealth,
  OpsPlatformHealth,
  OpsPlatformsReport,
} from '@aia/contracts';
import { formatAge, formatDateTime, formatHour, PLATFORM_NAMES, STATE_COLOURS, STATE_NAMES } from './format';
import type { OpsApi } from './ops-api';
import { StackedBarChart } from './stacked-bar-chart';
import { useResource } from './use-resource';

const HOURS = 24;

export function OverviewSection({ api, onReviewDeadLetters }: { api: OpsApi; onReviewDeadLetters(): void }) {
  const stats = useResource(() => api.stats(), 'stats');
  const histogram = useResource(() => api.histogram(HOURS), 'histogram');
  const platforms = useResource(() => api.platforms(), 'platforms');
  const refresh = () => {
    stats.reload();
    histogram.reload();
    platforms.reload();
  };
  const s = stats.data?.events;

  return (
    <>
      <div className="toolbar">
        <button type="button" className="button small" onClick={refresh}>
          Refresh
        </button>
      </div>

      <section aria-labelledby="events-at-a-glance">
        <h2 id="events-at-a-glance">Webhook events</h2>
        {stats.error && (
          <p role="alert" className="problem">
            Could not load the counts: {stats.error}
          </p>
        )}
        {!s && !stats.error && <p role="status">Loading…</p>}
        {s && (
          <>
            <div className="cards">
              <div className={`card stat ${s.deadLetters > 0 ? 'alarm' : ''}`}>
                <p className="stat-label">Dead letters</p>
                <p className="stat-value" data-testid="dead-letters">
                  {s.deadLetters}
                </p>
                {s.deadLetters > 0 && (
                  <button type="button" className="button small" onClick={onReviewDeadLetters}>
                    Review dead letters
                  </button>
                )}
              </div>
              <div className="card stat">
                <p className="stat-label">Waiting (pending + retrying)</p>
                <p className="stat-value">{(s.byState.pending ?? 0) + (s.byState.retrying ?? 0)}</p>
              </div>
              <div className="card stat">
                <p className="stat-label">Oldest pending</p>
                <p className="stat-value">{formatAge(s.oldestPendingAgeSeconds)}</p>
              </div>
              <div className="card stat">
                <p className="stat-label">All events</p>
                <p className="stat-value">{s.total}</p>
              </div>
            </div>
            <table className="ops-table compact">
              <caption>Events by state (queue backend: {stats.data?.backend})</caption>
              <thead>
                <tr>
                  {OPS_EVENT_STATES.map((state) => (
                    <th key={state} scope="col">
                      {STATE_NAMES[state]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr>
                  {OPS_EVENT_STATES.map((state) => (
                    <td key={state}>{s.byState[state] ?? 0}</td>
                  ))}
                </tr>
              </tbody>
            </table>
          </>
        )}
        {histogram.error && (
          <p role="alert" className="problem">
            Could not load events per hour: {histogram.error}
          </p>
        )}
        {histogram.data && <EventsPerHour histogram={histogram.data} />}
      </section>

      <section aria-labelledby="platform-health">
        <h2 id="platform-health">Platform health</h2>
        {platforms.error && (
          <p role="alert" className="problem">
            Could not load platform health: {platforms.error}
          </p>
        )}
        {!platforms.data && !platforms.error && <p role="status">Loading…</p>}
        {platforms.data &&
          ((platforms.data.instances?.length ?? 0) > 1 ? (
            <InstancesHealth report={platforms.data} />
          ) : (
            <>
              <p className="muted">
                As seen by the API instance that answered: role{' '}
                <strong>{platforms.data.instance.role}</strong>, process {platforms.data.instance.pid},
                started {formatDateTime(platforms.data.instance.startedAt)}.
              </p>
              <div className="cards platforms">
                {platforms.data.platforms.map((p) => (
                  <PlatformCard key={p.platform} health={p} />
                ))}
              </div>
            </>
          ))}
      </section>
    </>
  );
}

function EventsPerHour({ histogram }: { histogram: OpsEventHistogram }) {
  return (
    <StackedBarChart
      title={`Events received per hour (last ${histogram.hours.length} hours, UTC), by current state`}
      unit="events"
      labels={histogram.hours.map((h) => formatHour(h.hour))}
      series={OPS_EVENT_STATES.map((state) => ({
        key: state,
        label: STATE_NAMES[state],
        colour: STATE_COLOURS[state],
      }))}
      values={histogram.hours.map((h) => h.counts)}
    />
  );
}

const BREAKER_TEXT: Record<OpsPlatformHealth['breaker'], string> = {
  closed: 'Closed (calls flow)',
  half_open: 'Half-open (testing with one call)',
  open: 'Open (calls stopped)',
};

const BREAKER_RANK: Record<OpsPlatformHealth['breaker'], number> = { closed: 0, half_open: 1, open: 2 };

/** The worst breaker state an instance sees, and the platforms in it. */
function worstBreaker(platforms: OpsPlatformHealth[]): {
  state: OpsPlatformHealth['breaker'];
  names: string[];
} {
  const state = platforms.reduce<OpsPlatformHealth['breaker']>(
    (worst, p) => (BREAKER_RANK[p.breaker] > BREAKER_RANK[worst] ? p.breaker : worst),
    'closed',
  );
  const names = platforms
    .filter((p) => state !== 'closed' && p.breaker === state)
    .map((p) => PLATFORM_NAMES[p.platform] ?? p.platform);
  return { state, names };
}

const isAnswering = (report: OpsPlatformsReport, i: OpsInstanceHealth) =>
  i.role === report.instance.role &&
  i.pid === report.instance.pid &&
  i.startedAt === report.instance.startedAt;

const instanceName = (i: OpsInstanceHealth) => `${i.role} on ${i.hostname}, process ${i.pid}`;

/** Several processes (web and workers on Redis): one row each, then each one's platforms. */
function InstancesHealth({ report }: { report: OpsPlatformsReport }) {
  const instances = report.instances;
  return (
    <>
      <table className="ops-table compact">
        <caption>Live API instances ({instances.length}): each one's own view of the platforms</caption>
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Host</th>
            <th scope="col">Process</th>
            <th scope="col">Started</th>
            <th scope="col">Last published</th>
            <th scope="col">Worst breaker</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i) => {
            const worst = worstBreaker(i.platforms);
            return (
              <tr
                key={`${i.role}:${i.hostname}:${i.pid}`}
                className={worst.state === 'closed' ? '' : 'alarm'}
              >
                <th scope="row">
                  {i.role}
                  {isAnswering(report, i) && <span className="muted"> (answered)</span>}
                </th>
                <td>{i.hostname}</td>
                <td>{i.pid}</td>
                <td>{formatDateTime(i.startedAt)}</td>
                <td>{formatDateTime(i.publishedAt)}</td>
                <td>
                  <span className={`badge breaker-${worst.state}`}>{BREAKER_TEXT[worst.state]}</span>
                  {worst.names.length > 0 && ` ${worst.names.join(', ')}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {instances.map((i) => {
        const worst = worstBreaker(i.platforms);
        return (
          <details
            key={`${i.role}:${i.hostname}:${i.pid}`}
            open={worst.state !== 'closed'}
            aria-label={instanceName(i)}
          >
            <summary>
              <strong>{i.role}</strong> on {i.hostname}, process {i.pid}:{' '}
              <span className={`badge breaker-${worst.state}`}>{BREAKER_TEXT[worst.state]}</span>
            </summary>
            <div className="cards platforms">
              {i.platforms.map((p) => (
                <PlatformCard key={p.platform} health={p} nested />
              ))}
            </div>
          </details>
        );
      })}
    </>
  );
}

function PlatformCard({ health, nested = false }: { health: OpsPlatformHealth; nested?: boolean }) {
  const name = PLATFORM_NAMES[health.platform] ?? health.platform;
  const errors = health.recentErrors.slice(0, 5);
  const Title = nested ? 'h4' : 'h3';
  const Sub = nested ? 'h5' : 'h4';
  return (
    <article className={`card platform ${health.breaker === 'closed' ? '' : 'alarm'}`} aria-label={name}>
      <Title>{name}</Title>
      <dl className="summary">
        <dt>Circuit breaker</dt>
        <dd>
          <span className={`badge breaker-${health.breaker}`}>{BREAKER_TEXT[health.breaker]}</span>
        </dd>
        {health.rateLimits.length === 0 && (
          <>
            <dt>Rate limit</dt>
            <dd>no client-side limit</dd>
          </>
        )}
        {health.rateLimits.map((r) => (
          <RateLimitRow key={r.kind} limit={r} />
        ))}
      </dl>
      <Sub>Recent errors</Sub>
      {errors.length === 0 ? (
        <p className="muted">None recently.</p>
      ) : (
        <ul className="errors">
          {errors.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> {e.operation}: {e.outcome}
              {e.status ? ` (HTTP ${e.status}${e.code ? `, ${e.code}` : ''})` : e.code ? ` (${e.code})` : ''}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

function RateLimitRow({ limit }: { limit: OpsPlatformHealth['rateLimits'][number] }) {
  const window = limit.windowMs >= 60_000 ? `${limit.windowMs / 60_000} min` : `${limit.windowMs / 1000} s`;
  return (
    <>
      <dt>Rate limit ({limit.kind})</dt>
      <dd>
        {limit.limit === null
          ? `${limit.used} calls, no limit`
          : `${limit.headroom ?? limit.limit - limit.used} of ${limit.limit} left per ${window}`}
      </dd>
    </>
  );
}
