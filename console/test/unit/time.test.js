// Working days and deadlines, in China Standard Time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cstDay, deadlineState, formatDateTime, workingDaysBetween } from '../../src/lib/time.js';

const day = (s) => cstDay(new Date(`${s}T12:00:00+08:00`));

test('working days skip Saturdays and Sundays', () => {
  // 2026-12-04 is a Friday.
  assert.equal(workingDaysBetween(day('2026-12-04'), day('2026-12-07')), 1); // Fri → Mon
  assert.equal(workingDaysBetween(day('2026-12-04'), day('2026-12-05')), 0); // Fri → Sat
  assert.equal(workingDaysBetween(day('2026-11-30'), day('2026-12-07')), 5); // Mon → Mon
  assert.equal(workingDaysBetween(day('2026-12-07'), day('2026-12-07')), 0);
});

test('the day is the day in Shanghai, not in UTC', () => {
  // 16:30 UTC on Friday is already Saturday 00:30 in China.
  assert.equal(cstDay(new Date('2026-12-04T16:30:00Z')), day('2026-12-05'));
});

test('a pending ticket counts down to accept_by, then counts its days overdue', () => {
  const now = new Date('2026-12-02T10:00:00+08:00'); // Wednesday
  const ticket = { status: 'pending', accept_by: '2026-12-04T16:00:00.000Z' }; // Sat 00:00 CST
  assert.deepEqual(
    { ...deadlineState(ticket, now), at: undefined },
    { kind: 'accept', at: undefined, state: 'soon', days: 2 },
  );
  const later = deadlineState({ status: 'pending', accept_by: '2026-12-08T09:00:00+08:00' }, now);
  assert.equal(later.state, 'ok');
  assert.equal(later.days, 4);
  const soon = deadlineState({ status: 'pending', accept_by: '2026-12-03T09:00:00+08:00' }, now);
  assert.equal(soon.state, 'soon');
  assert.equal(soon.days, 1);
  const today = deadlineState({ status: 'pending', accept_by: '2026-12-02T18:00:00+08:00' }, now);
  assert.equal(today.state, 'today');
  const late = deadlineState({ status: 'pending', accept_by: '2026-11-30T09:00:00+08:00' }, now);
  assert.equal(late.state, 'overdue');
  assert.equal(late.days, 2); // Tue and Wed
});

test('a ticket in work counts to close_by; a closed one has no deadline', () => {
  const now = new Date('2026-12-02T10:00:00+08:00');
  const t = {
    status: 'in_progress',
    accept_by: '2026-11-01T00:00:00Z',
    close_by: '2027-03-01T00:00:00Z',
  };
  assert.equal(deadlineState(t, now).kind, 'close');
  assert.equal(deadlineState(t, now).state, 'ok');
  assert.equal(deadlineState({ ...t, status: 'closed' }, now), null);
  // The service's overdue mark wins even when the clock says otherwise.
  assert.equal(deadlineState({ ...t, overdue: 'close' }, now).state, 'overdue');
});

test('times are shown in China Standard Time', () => {
  assert.equal(formatDateTime('2026-11-20T01:12:00.000Z'), '2026/11/20 09:12');
});

test("the service's due wins: its calendar knows the holidays", () => {
  const now = new Date('2026-09-30T10:00:00+08:00');
  const base = { status: 'pending', accept_by: '2026-10-09T16:00:00Z' };
  const left = deadlineState(
    {
      ...base,
      due: { deadline: 'accept', at: base.accept_by, passed: false, working_days_left: 2 },
    },
    now,
  );
  assert.equal(left.state, 'soon');
  assert.equal(left.days, 2);
  const late = deadlineState(
    {
      ...base,
      due: { deadline: 'accept', at: base.accept_by, passed: true, working_days_overdue: 1 },
    },
    now,
  );
  assert.deepEqual([late.state, late.days], ['overdue', 1]);
  const today = deadlineState(
    {
      ...base,
      due: { deadline: 'accept', at: base.accept_by, passed: false, working_days_left: 0 },
    },
    now,
  );
  assert.equal(today.state, 'today');
});
