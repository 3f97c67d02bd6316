// The inbox's tabs and order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTabs, sortTickets } from '../../src/pages/inbox.js';

const now = new Date('2026-12-02T10:00:00+08:00');
const tk = (id, status, priority, at, extra = {}) => ({
  id,
  status,
  priority,
  accept_by: at,
  close_by: at,
  updated_at: '2026-12-01T00:00:00Z',
  ...extra,
});

test('by deadline, then priority', () => {
  const list = [
    tk('a', 'pending', 'normal', '2026-12-09T00:00:00Z'),
    tk('b', 'pending', 'normal', '2026-12-03T00:00:00Z'),
    tk('c', 'pending', 'urgent', '2026-12-09T00:00:00Z'),
  ];
  assert.deepEqual(
    sortTickets(list).map((x) => x.id),
    ['b', 'c', 'a'],
  );
});

test('tabs: soon and overdue are computed from the open lists', () => {
  const lists = {
    pending: [
      tk('p1', 'pending', 'urgent', '2026-12-03T00:00:00Z'),
      tk('p2', 'pending', 'normal', '2026-12-20T00:00:00Z'),
    ],
    accepted: [tk('a1', 'accepted', 'high', '2026-11-30T00:00:00Z')],
    in_progress: [],
    on_hold: [],
    overdue: [],
    closed: [tk('c1', 'closed', 'normal', '2026-12-20T00:00:00Z')],
    returned: [],
  };
  const tabs = buildTabs(lists, now);
  assert.deepEqual(
    tabs.pending.map((x) => x.id),
    ['p1', 'p2'],
  );
  assert.deepEqual(
    tabs.in_work.map((x) => x.id),
    ['a1'],
  );
  assert.deepEqual(
    tabs.soon.map((x) => x.id),
    ['p1'],
  );
  assert.deepEqual(
    tabs.overdue.map((x) => x.id),
    ['a1'],
  );
  assert.deepEqual(
    tabs.closed.map((x) => x.id),
    ['c1'],
  );
});
