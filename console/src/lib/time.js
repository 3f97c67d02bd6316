// Times in China Standard Time, and deadlines counted in working days.
//
// The service says how a ticket's time counts in `due` (docs/api.md, GET /v1/tickets/{id}):
// the deadline in force and the working days left or overdue on its calendar of holidays and
// make-up working days. The console shows that. Only for a ticket without `due` (an older
// service) does it count itself, Monday to Friday in Asia/Shanghai, without the holidays.

export const TIME_ZONE = 'Asia/Shanghai';
const CST_OFFSET_MS = 8 * 60 * 60 * 1000; // China has kept UTC+8 without summer time since 1991

const formatters = new Map();
function formatter(locale, withTime) {
  const key = `${locale}|${withTime}`;
  if (!formatters.has(key)) {
    const options = { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' };
    if (withTime) Object.assign(options, { hour: '2-digit', minute: '2-digit', hour12: false });
    formatters.set(key, new Intl.DateTimeFormat(locale, options));
  }
  return formatters.get(key);
}

export function formatDateTime(iso, locale = 'zh-CN') {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter(locale, true).format(d);
}

export function formatDate(iso, locale = 'zh-CN') {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter(locale, false).format(d);
}

// The calendar day in China of an instant, as days since 1970-01-01.
export function cstDay(date) {
  return Math.floor((date.getTime() + CST_OFFSET_MS) / 86400000);
}

function isWorkingDay(day) {
  // 1970-01-01 was a Thursday: (day + 4) % 7 is 0 on Sundays.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday !== 0 && weekday !== 6;
}

// Working days in (fromDay, toDay]: the days after fromDay up to and including toDay.
export function workingDaysBetween(fromDay, toDay) {
  let n = 0;
  for (let d = fromDay + 1; d <= toDay; d += 1) if (isWorkingDay(d)) n += 1;
  return n;
}

// The deadline that applies to a ticket now: accepting while pending, closing while it is
// worked on; none once it is final.
export function applicableDeadline(ticket) {
  if (ticket.status === 'pending') return { kind: 'accept', at: ticket.accept_by };
  if (['accepted', 'in_progress', 'on_hold'].includes(ticket.status))
    return { kind: 'close', at: ticket.close_by };
  return null;
}

export const SOON_WORKING_DAYS = 2;

// {state: 'ok' | 'soon' | 'today' | 'overdue', days, kind, at}, or null for a final ticket.
// 'overdue' when the deadline passed (or the service marked the ticket overdue); days then
// counts the working days since, else the working days left.
export function deadlineState(ticket, now = new Date()) {
  const due = ticket.due;
  if (due && due.deadline) {
    const base = { kind: due.deadline, at: due.at };
    if (due.passed) return { ...base, state: 'overdue', days: due.working_days_overdue ?? 0 };
    const days = due.working_days_left ?? 0;
    if (days === 0) return { ...base, state: 'today', days: 0 };
    return { ...base, state: days <= SOON_WORKING_DAYS ? 'soon' : 'ok', days };
  }
  if (ticket.due === null) return null;
  const deadline = applicableDeadline(ticket);
  if (!deadline || !deadline.at) return null;
  const at = new Date(deadline.at);
  const today = cstDay(now);
  const day = cstDay(at);
  if (at.getTime() <= now.getTime() || ticket.overdue) {
    return { ...deadline, state: 'overdue', days: workingDaysBetween(day, today) };
  }
  const days = workingDaysBetween(today, day);
  if (day === today) return { ...deadline, state: 'today', days: 0 };
  return { ...deadline, state: days <= SOON_WORKING_DAYS ? 'soon' : 'ok', days };
}
