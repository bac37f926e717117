import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { EventDetail } from './event-detail';
import { EventsSection } from './events-section';
import { createOpsApi } from './ops-api';
import { ADMIN, ADMIN_TOKEN, apiError, eventDetail, eventSummary, json, stubFetch } from './ops-fixtures';
import { API } from '../testing/checkout-fixtures';

afterEach(() => vi.unstubAllGlobals());

const api = () => createOpsApi(API, ADMIN_TOKEN);
const page =
  (items: ReturnType<typeof eventSummary>[], total = items.length, limit = 25, offset = 0) =>
  () =>
    json(200, { items, total, limit, offset });

const deadOne = eventSummary({
  id: '11111111-1111-4111-8111-111111111111',
  state: 'dead',
  type: 'invoice_created',
  lastError: 'no Attio record has zoho_customer_id = 42',
  attempts: 1,
});
const doneOne = eventSummary({
  id: '22222222-2222-4222-8222-222222222222',
  platform: 'attio',
  type: 'record.updated',
});
const pendingOne = eventSummary({
  id: '33333333-3333-4333-8333-333333333333',
  state: 'pending',
  attempts: 0,
});

describe('events list', () => {
  it('shows dead letters first, in their own table, then every event newest first', async () => {
    stubFetch({
      [`GET ${ADMIN}/events?state=dead&limit=100`]: page([deadOne]),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: page([pendingOne, deadOne, doneOne]),
    });
    render(<EventsSection api={api()} />);
    const dead = await screen.findByRole('region', { name: 'Dead letters (1)' });
    expect(within(dead).getAllByRole('row')).toHaveLength(2);
    expect(within(dead).getByRole('row', { name: /Dead letter/ })).toHaveTextContent(
      'no Attio record has zoho_customer_id = 42',
    );
    const all = await screen.findByRole('region', { name: 'All events (3)' });
    expect(
      within(all)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual([
      expect.stringContaining('Received'),
      expect.stringContaining('Pending'),
      expect.stringContaining('Dead letter'),
      expect.stringMatching(/Attio.*record\.updated.*Done/),
    ]);
    // Dead letters come before the full list in the page.
    expect(dead.compareDocumentPosition(all) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('filters by state and platform at once, and searches on submit', async () => {
    const fetchMock = stubFetch({
      [`GET ${ADMIN}/events?state=dead&limit=100`]: page([deadOne]),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: page([pendingOne, deadOne, doneOne]),
      [`GET ${ADMIN}/events?state=done&limit=25&offset=0`]: page([doneOne]),
      [`GET ${ADMIN}/events?state=done&platform=attio&limit=25&offset=0`]: page([doneOne]),
      [`GET ${ADMIN}/events?state=done&platform=attio&q=record.updated&limit=25&offset=0`]: page([doneOne]),
    });
    render(<EventsSection api={api()} />);
    await screen.findByRole('region', { name: 'All events (3)' });

    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'done' } });
    expect(await screen.findByRole('region', { name: 'Done events (1)' })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /Dead letters/ })).not.toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Platform'), { target: { value: 'attio' } });
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: ' record.updated ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByRole('cell', { name: 'record.updated' });
    expect(fetchMock).toHaveBeenLastCalledWith(
      `${ADMIN}/events?state=done&platform=attio&q=record.updated&limit=25&offset=0`,
      expect.anything(),
    );
  });

  it('pages through the events', async () => {
    const many = Array.from({ length: 25 }, () => eventSummary());
    stubFetch({
      [`GET ${ADMIN}/events?state=dead&limit=100`]: page([]),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: page(many, 30),
      [`GET ${ADMIN}/events?limit=25&offset=25`]: page([doneOne], 30, 25, 25),
    });
    render(<EventsSection api={api()} />);
    expect(await screen.findByText('1–25 of 30')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Newer' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('26–30 of 30')).toBeInTheDocument();
    expect(await screen.findByRole('cell', { name: 'record.updated' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('shows the API error when the list cannot be read', async () => {
    stubFetch({
      [`GET ${ADMIN}/events?state=dead&limit=100`]: page([]),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: () => apiError(500, 'internal', 'Something broke'),
    });
    render(<EventsSection api={api()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the events: Something broke (HTTP 500)',
    );
  });
});

describe('event detail', () => {
  const deadDetail = eventDetail({
    ...deadOne,
    attemptLog: [
      {
        attempt: 1,
        startedAt: '2026-12-01T10:00:00.000Z',
        finishedAt: '2026-12-01T10:00:00.200Z',
        outcome: 'failed',
        error: {
          name: 'PermanentJobError',
          message: 'no Attio record has zoho_customer_id = 42',
          temporary: false,
        },
      },
    ],
  });
  const eventUrl = `${ADMIN}/events/${deadOne.id}`;

  it('opens from the list with its payload and attempts, focus on its heading', async () => {
    stubFetch({
      [`GET ${ADMIN}/events?state=dead&limit=100`]: page([deadOne]),
      [`GET ${ADMIN}/events?limit=25&offset=0`]: page([deadOne]),
      [`GET ${eventUrl}`]: () => json(200, deadDetail),
    });
    render(<EventsSection api={api()} />);
    const dead = await screen.findByRole('region', { name: 'Dead letters (1)' });
    fireEvent.click(within(dead).getByRole('button', { name: `Open invoice_created event ${deadOne.id}` }));
    const detail = await screen.findByRole('region', { name: 'Event invoice_created' });
    expect(within(detail).getByRole('heading', { name: 'Event invoice_created' })).toHaveFocus();
    expect(within(detail).getByLabelText('Payload as JSON')).toHaveTextContent('"invoice_id": "inv-1"');
    expect(within(detail).getByRole('listitem')).toHaveTextContent(
      'Attempt 1: failed, started 1 Dec 2026, 10:00 UTC, finished 1 Dec 2026, 10:00 UTC' +
        'PermanentJobError: no Attio record has zoho_customer_id = 42 (permanent)',
    );
    fireEvent.click(within(detail).getByRole('button', { name: 'Close event detail' }));
    expect(screen.queryByRole('region', { name: 'Event invoice_created' })).not.toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'All events (1)' })).toHaveFocus();
  });

  it('retries a dead letter and follows it until it is done', async () => {
    const onChanged = vi.fn();
    const fetchMock = stubFetch({
      [`GET ${eventUrl}`]: [
        () => json(200, deadDetail),
        () => json(200, { ...deadDetail, state: 'done', attempts: 2 }),
      ],
      [`POST ${eventUrl}/retry`]: () => json(200, { ...deadDetail, state: 'pending', lastError: undefined }),
    });
    render(<EventDetail api={api()} id={deadOne.id} onChanged={onChanged} onClose={vi.fn()} pollMs={10} />);
    await screen.findByText('Dead letter');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeEnabled();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Done', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'Queued again: the event will be processed shortly. Now: Done.',
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledWith(`${eventUrl}/retry`, expect.objectContaining({ method: 'POST' }));
    // After the retry, and once it settled; the second comes from an effect, which may run after the paint.
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(2));
  });

  it('shows the API message when a retry is refused (409)', async () => {
    stubFetch({
      [`GET ${eventUrl}`]: () => json(200, deadDetail),
      [`POST ${eventUrl}/retry`]: () =>
        apiError(409, 'conflict', 'Event is processing; it cannot be retried now'),
    });
    render(<EventDetail api={api()} id={deadOne.id} onChanged={vi.fn()} onClose={vi.fn()} pollMs={0} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Event is processing; it cannot be retried now (HTTP 409)',
    );
  });

  it('discards only with a reason, and sends it', async () => {
    const pendingDetail = eventDetail({ ...pendingOne });
    const url = `${ADMIN}/events/${pendingOne.id}`;
    const fetchMock = stubFetch({
      [`GET ${url}`]: () => json(200, pendingDetail),
      [`POST ${url}/discard`]: () =>
        json(200, { ...pendingDetail, state: 'discarded', discardReason: 'test invoice' }),
    });
    render(<EventDetail api={api()} id={pendingOne.id} onChanged={vi.fn()} onClose={vi.fn()} pollMs={0} />);
    await screen.findByText('Pending');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Say why this event is discarded');
    expect(screen.getByLabelText('Reason for discarding')).toHaveFocus();
    expect(screen.getByLabelText('Reason for discarding')).toHaveAttribute('aria-invalid', 'true');
    expect(fetchMock).toHaveBeenCalledTimes(1);

    fireEvent.change(screen.getByLabelText('Reason for discarding'), { target: { value: 'test invoice' } });
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Discarded because')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Discarded. The event will not be processed.');
    const [, init] = fetchMock.mock.calls.find(([u]) => String(u).endsWith('/discard'))!;
    expect(JSON.parse(String(init?.body))).toEqual({ reason: 'test invoice' });
    // A discarded event can be retried, not discarded again.
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Discard' })).not.toBeInTheDocument();
  });
});
