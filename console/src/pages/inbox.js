// 待办: the agency's inbox in tabs with counts, by deadline then priority.
//
// The tabs and the API's filters (docs/api.md, GET /v1/tickets):
//   待签收  status=pending                 办理中  status=accepted, in_progress, on_hold (merged)
//   已超期  overdue=true, plus open tickets whose deadline passed before the sweeper marked them
//   即将超期 computed here: open, not overdue, at most 2 working days left
//   被退回  box=outbox&status=rejected: what her agency sent and the recipient returned (the
//           outbox takes no assignee filter)
//   已办结  status=closed
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label } from '../lib/i18n.js';
import { get, getAll } from '../lib/api.js';
import { linkClick } from '../lib/router.js';
import { deadlineState, applicableDeadline, formatDateTime } from '../lib/time.js';
import {
  DeadlineBadge,
  PriorityBadge,
  ProblemBanner,
  StatusBadge,
  shortId,
} from '../lib/components.js';

export const TABS = ['pending', 'in_work', 'soon', 'overdue', 'returned', 'closed'];
const PRIORITY_RANK = { urgent: 0, high: 1, normal: 2, low: 3 };

export function sortTickets(list) {
  const deadlineOf = (ticket) => {
    const d = applicableDeadline(ticket);
    return d && d.at ? new Date(d.at).getTime() : Number.POSITIVE_INFINITY;
  };
  return [...list].sort((a, b) => {
    const da = deadlineOf(a);
    const db = deadlineOf(b);
    if (da !== db) return da < db ? -1 : 1;
    const pa = PRIORITY_RANK[a.priority] ?? 9;
    const pb = PRIORITY_RANK[b.priority] ?? 9;
    if (pa !== pb) return pa - pb;
    return a.updated_at < b.updated_at ? 1 : -1;
  });
}

function uniqueById(lists) {
  const seen = new Map();
  for (const list of lists) for (const item of list) seen.set(item.id, item);
  return [...seen.values()];
}

// The six tabs' tickets from the lists the API gave.
export function buildTabs(lists, now = new Date()) {
  const inWork = uniqueById([lists.accepted, lists.in_progress, lists.on_hold]);
  const open = uniqueById([lists.pending, inWork]);
  const states = new Map(open.map((ticket) => [ticket.id, deadlineState(ticket, now)]));
  const late = open.filter((ticket) => states.get(ticket.id)?.state === 'overdue');
  const soon = open.filter((ticket) => ['soon', 'today'].includes(states.get(ticket.id)?.state));
  return {
    pending: sortTickets(lists.pending),
    in_work: sortTickets(inWork),
    soon: sortTickets(soon),
    overdue: sortTickets(uniqueById([lists.overdue, late])),
    returned: sortTickets(lists.returned),
    closed: [...lists.closed].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1)),
  };
}

async function loadLists(assignee) {
  const a = assignee === 'all' ? '' : `&assignee=${assignee}`;
  const queries = {
    pending: `/v1/tickets?status=pending&limit=200${a}`,
    accepted: `/v1/tickets?status=accepted&limit=200${a}`,
    in_progress: `/v1/tickets?status=in_progress&limit=200${a}`,
    on_hold: `/v1/tickets?status=on_hold&limit=200${a}`,
    overdue: `/v1/tickets?overdue=true&limit=200${a}`,
    closed: `/v1/tickets?status=closed&limit=200${a}`,
    returned: '/v1/tickets?box=outbox&status=rejected&limit=200',
  };
  const names = Object.keys(queries);
  const results = await Promise.all(names.map((name) => getAll(queries[name])));
  const failed = results.find((r) => !r.ok);
  if (failed) return { failed };
  const lists = {};
  names.forEach((name, i) => (lists[name] = results[i].items));
  return { lists, truncated: results.some((r) => r.truncated) };
}

export function Inbox({ session }) {
  const [tab, setTab] = useState('pending');
  const [assignee, setAssignee] = useState('all');
  const [state, setState] = useState({ loading: true });
  const [query, setQuery] = useState('');
  const [references, setReferences] = useState({});
  const [now] = useState(() => new Date());

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    loadLists(assignee).then((r) => live && setState({ loading: false, ...r }));
    return () => {
      live = false;
    };
  }, [assignee]);

  const tabs = useMemo(() => (state.lists ? buildTabs(state.lists, now) : null), [state, now]);

  // Finding by the sender's reference: the ticket list does not carry it, so the clues of the
  // listed tickets are read (masked) once, when she first searches.
  const all = useMemo(() => (tabs ? uniqueById(TABS.map((k) => tabs[k])) : []), [tabs]);
  useEffect(() => {
    if (!query.trim() || !all.length) return;
    const missing = [
      ...new Set(all.map((x) => x.clue_id).filter((id) => id && !(id in references))),
    ];
    if (!missing.length) return;
    Promise.all(missing.map((id) => get(`/v1/clues/${id}`))).then((rs) => {
      const found = {};
      rs.forEach((r, i) => (found[missing[i]] = r.ok ? r.data.clue?.source?.reference || '' : ''));
      setReferences((old) => ({ ...old, ...found }));
    });
  }, [query, all]);

  const needle = query.trim().toLowerCase();
  const matches = (ticket) =>
    !needle ||
    ticket.id.toLowerCase().includes(needle) ||
    (ticket.clue_id || '').toLowerCase().includes(needle) ||
    (references[ticket.clue_id] || '').toLowerCase().includes(needle);
  const shown = tabs ? (needle ? all : tabs[tab]).filter(matches) : [];

  return html`<section aria-labelledby="inbox-title">
    <h1 id="inbox-title">${t('inbox.title')}</h1>
    <p class="small">${t('inbox.agency', { agency: session.person.agency })}</p>
    <div class="toolbar">
      <label for="assignee">${t('inbox.assignee')}</label>
      <select id="assignee" value=${assignee} onChange=${(e) => setAssignee(e.target.value)}>
        <option value="all">${t('inbox.assignee.all')}</option>
        <option value="me">${t('inbox.assignee.me')}</option>
        <option value="none">${t('inbox.assignee.none')}</option>
      </select>
      <label for="find">${t('inbox.find')}</label>
      <input
        id="find"
        type="search"
        value=${query}
        placeholder=${t('inbox.find_placeholder')}
        onInput=${(e) => setQuery(e.target.value)}
      />
    </div>
    ${state.failed ? html`<${ProblemBanner} result=${state.failed} />` : null}
    ${state.truncated ? html`<p class="small">${t('inbox.truncated')}</p>` : null}
    <div class="tabs" role="group" aria-label=${t('inbox.tabs')}>
      ${TABS.map(
        (name) =>
          html`<button
            type="button"
            class="tab ${name === tab && !needle ? 'current' : ''}"
            aria-pressed=${name === tab && !needle ? 'true' : 'false'}
            data-tab=${name}
            onClick=${() => {
              setQuery('');
              setTab(name);
            }}
          >
            ${t(`inbox.tab.${name}`)}
            <span class="count">${tabs ? tabs[name].length : '…'}</span>
          </button>`,
      )}
    </div>
    ${state.loading && !tabs ? html`<p class="loading">${t('app.loading')}</p>` : null}
    ${
      tabs
        ? shown.length
          ? html`<table class="tickets">
              <caption class="visually-hidden">
                ${needle ? t('inbox.found') : t(`inbox.tab.${tab}`)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${t('ticket.priority')}</th>
                  <th scope="col">${t('ticket.number')}</th>
                  <th scope="col">${t('ticket.purpose')}</th>
                  <th scope="col">${t('ticket.from')}</th>
                  <th scope="col">${t('ticket.status')}</th>
                  <th scope="col">${t('ticket.assignee')}</th>
                  <th scope="col">${t('ticket.deadline')}</th>
                  <th scope="col">${t('ticket.received')}</th>
                </tr>
              </thead>
              <tbody>
                ${shown.map(
                  (ticket) =>
                    html`<tr data-ticket=${ticket.id}>
                      <td><${PriorityBadge} priority=${ticket.priority} /></td>
                      <td>
                        <a
                          href=${`/console/tickets/${ticket.id}`}
                          onClick=${(e) => linkClick(e, `/tickets/${ticket.id}`)}
                          >${shortId(ticket.id)}</a
                        >
                      </td>
                      <td>${label('purpose', ticket.purpose)}</td>
                      <td>${ticket.sender_agency}</td>
                      <td><${StatusBadge} status=${ticket.status} /></td>
                      <td>
                        ${ticket.assignee ? ticket.assignee.display_name : t('ticket.nobody')}
                      </td>
                      <td><${DeadlineBadge} ticket=${ticket} now=${now} /></td>
                      <td>${formatDateTime(ticket.created_at)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="empty">${t('inbox.empty')}</p>`
        : null
    }
  </section>`;
}
