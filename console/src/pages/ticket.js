// 线索详情: one ticket — its clue (masked, revealed with a reason), the screening's reasons,
// the case's other tickets, one timeline of history and notes, and the actions its state
// allows. Every change sends If-Match with the version read; a 412/409 means someone else
// acted first: the page says so, reloads, and keeps her form to try again.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, label, language } from '../lib/i18n.js';
import { get, post, utf8HeaderValue } from '../lib/api.js';
import { linkClick } from '../lib/router.js';
import { fieldErrors, isConflict } from '../lib/problems.js';
import { formatDateTime } from '../lib/time.js';
import {
  DeadlineBadge,
  Field,
  Notice,
  PriorityBadge,
  ProblemBanner,
  StatusBadge,
  describedBy,
  shortId,
} from '../lib/components.js';

// The state table (docs/api.md, POST /v1/tickets/{id}/transitions), the recipient's side.
export const ACTIONS = {
  pending: ['accept', 'reject'],
  accepted: ['start', 'close'],
  in_progress: ['hold', 'close'],
  on_hold: ['resume', 'close'],
};
export const REASON_CODES = [
  'wrong_jurisdiction',
  'not_our_remit',
  'duplicate',
  'cannot_contact',
  'needs_information',
  'other',
];
export const OUTCOMES = [
  'assisted',
  'not_eligible',
  'unreachable',
  'withdrawn',
  'duplicate',
  'referred_onward',
];
export const MEASURE_TYPES = [
  'judicial_assistance_fund',
  'legal_aid',
  'psychological_counselling',
  'medical',
  'social_assistance',
  'employment',
  'shelter',
  'protection_order',
];
const MEASURE_STATUSES = ['planned', 'in_progress', 'provided', 'declined'];
const FINAL = ['rejected', 'closed', 'cancelled'];

async function loadTicket(id) {
  const ticket = await get(`/v1/tickets/${id}`);
  if (!ticket.ok) return { failed: ticket };
  const [history, kase, clue] = await Promise.all([
    get(`/v1/tickets/${id}/history`),
    ticket.data.case_id ? get(`/v1/cases/${ticket.data.case_id}`) : Promise.resolve(null),
    ticket.data.clue_id ? get(`/v1/clues/${ticket.data.clue_id}`) : Promise.resolve(null),
  ]);
  return {
    ticket: ticket.data,
    history: history.ok ? history.data.items : [],
    kase: kase && kase.ok ? kase.data : null,
    clue: clue && clue.ok ? clue.data : null,
  };
}

function Select({ id, value, onChange, options, prefix, error, placeholder }) {
  return html`<select
    id=${id}
    value=${value}
    onChange=${(e) => onChange(e.target.value)}
    aria-invalid=${error ? 'true' : undefined}
    aria-describedby=${describedBy(id, error)}
  >
    ${placeholder ? html`<option value="">${placeholder}</option>` : null}
    ${options.map((o) => html`<option value=${o}>${label(prefix, o)}</option>`)}
  </select>`;
}

function PersonalData({ clue, clear }) {
  const shown = clear || clue;
  if (!shown) return html`<p>${t('ticket.no_clue')}</p>`;
  const s = shown.clue.subject || {};
  const rows = [
    ['subject.name', s.name],
    ['subject.id_number', s.id_number],
    ['subject.phone', s.phone],
    ['subject.sex', s.sex && label('sex', s.sex)],
    ['subject.birth', s.birth_date || s.birth_year],
    ['subject.region', s.region],
    ['subject.rural', s.rural === undefined ? null : t(s.rural ? 'yes' : 'no')],
    ['subject.address', s.address],
  ];
  return html`<dl class="pairs" data-testid="personal-data">
      ${rows
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(
          ([k, v]) =>
            html`<dt>${t(k)}</dt>
              <dd>${v}</dd>`,
        )}
      <dt>${t('clue.channel')}</dt>
      <dd>${label('channel', shown.clue.source?.channel)}</dd>
      <dt>${t('clue.reference')}</dt>
      <dd>${shown.clue.source?.reference}</dd>
      <dt>${t('clue.received_at')}</dt>
      <dd>${formatDateTime(shown.clue.source?.received_at)}</dd>
      <dt>${t('clue.indicators')}</dt>
      <dd>${(shown.clue.indicators || []).map((i) => label('indicator', i)).join('、') || '—'}</dd>
    </dl>
    ${
      clear && clear.clue.narrative
        ? html`<h3>${t('clue.narrative')}</h3>
            <p class="narrative">${clear.clue.narrative}</p>`
        : null
    }`;
}

function Reveal({ clueId, onRevealed }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [failure, setFailure] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const text = reason.trim();
    if (!text) return setError('field.required');
    if ([...text].length > 200) return setError('field.length');
    setError(null);
    const r = await get(`/v1/clues/${clueId}?reveal=true`, {
      headers: { 'Reveal-Reason': utf8HeaderValue(text) },
    });
    if (r.ok) {
      onRevealed(r.data);
      setOpen(false);
    } else if (r.status === 400) setError('field.invalid');
    else setFailure(r);
  };
  if (!open)
    return html`<button type="button" onClick=${() => setOpen(true)} data-testid="reveal">
      ${t('reveal.button')}
    </button>`;
  return html`<form class="inline-form" onSubmit=${submit} novalidate>
    ${failure ? html`<${ProblemBanner} result=${failure} />` : null}
    <${Field}
      id="reveal-reason"
      labelText=${t('reveal.reason')}
      error=${error}
      hint=${t('reveal.hint')}
    >
      <input
        id="reveal-reason"
        value=${reason}
        maxlength="200"
        onInput=${(e) => setReason(e.target.value)}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy('reveal-reason', error, true)}
      />
    <//>
    <button type="submit" class="primary">${t('reveal.submit')}</button>
    <button type="button" onClick=${() => setOpen(false)}>${t('cancel')}</button>
  </form>`;
}

function Screening({ screening }) {
  if (!screening) return null;
  const reason = (r) => {
    if (r.kind === 'indicator') return label('indicator', r.value);
    if (r.kind === 'term') return `“${r.value}”`;
    return `${label('reason_kind', r.kind)}${r.value === undefined ? '' : `：${r.value}`}`;
  };
  return html`<div>
    <p>
      ${t('screening.score', { score: screening.score })}
      <${PriorityBadge} priority=${screening.priority} />
    </p>
    <ul class="groups">
      ${(screening.key_groups || []).map(
        (g) =>
          html`<li>
            <strong>${label('group', g.group)}</strong> (${g.score})
            <ul>
              ${g.reasons
                .filter((r) => r.weight > 0)
                .map((r) => html`<li>${reason(r)} <span class="small">+${r.weight}</span></li>`)}
            </ul>
          </li>`,
      )}
    </ul>
    ${
      screening.urgency_reasons && screening.urgency_reasons.length
        ? html`<p>
            <strong>${t('screening.urgent_because')}</strong>
            ${screening.urgency_reasons.map(reason).join('、')}
          </p>`
        : null
    }
  </div>`;
}

function Timeline({ history }) {
  if (!history.length) return html`<p>${t('timeline.empty')}</p>`;
  return html`<ol class="timeline" data-testid="timeline">
    ${history.map((e) => {
      const who = e.actor_person ? e.actor_person.display_name : e.actor_agency;
      return html`<li class=${e.note ? 'note' : 'event'}>
        <p class="when">
          <time datetime=${e.at}>${formatDateTime(e.at, language())}</time>
          · ${label('event', e.type)} · ${who}
          ${e.actor_person ? html`<span class="small">（${e.actor_agency}）</span>` : null}
        </p>
        ${e.reason_code ? html`<p>${label('reason_code', e.reason_code)}</p>` : null}
        ${e.reason ? html`<p class="reason">${e.reason}</p>` : null}
        ${e.outcome ? html`<p>${t('ticket.outcome')}：${label('outcome', e.outcome)}</p>` : null}
        ${e.note && e.note.text ? html`<p class="note-text">${e.note.text}</p>` : null}
      </li>`;
    })}
  </ol>`;
}

function emptyMeasure(agency) {
  return { type: 'legal_aid', provider_agency: agency, status: 'provided', amount_cny: '' };
}

function measureBody(m) {
  const out = { type: m.type, provider_agency: m.provider_agency.trim(), status: m.status };
  if (m.type === 'judicial_assistance_fund') {
    out.amount_cny = Number(m.amount_cny);
    out.disbursement = 'lump_sum';
    if (m.justification) out.justification = m.justification;
  }
  return out;
}

// The form of one action; `send` posts it and answers the API's reply.
function ActionForm({ action, agency, send, onCancel }) {
  const [reasonCode, setReasonCode] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState('');
  const [measures, setMeasures] = useState([emptyMeasure(agency)]);
  const [referral, setReferral] = useState({ recipient_agency: '', purpose: '' });
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);

  const needsCode = action === 'reject' || action === 'hold';
  const submit = async (event) => {
    event.preventDefault();
    const local = {};
    if (needsCode && !reasonCode) local['/reason_code'] = 'field.required';
    if (reasonCode === 'other' && !reason.trim()) local['/reason'] = 'field.required';
    if (action === 'close' && !outcome) local['/outcome'] = 'field.required';
    if (Object.keys(local).length) return setErrors(local);
    const body = { action };
    if (needsCode) body.reason_code = reasonCode;
    if (reason.trim()) body.reason = reason.trim();
    if (action === 'close') {
      body.outcome = outcome;
      if (outcome === 'assisted') body.measures = measures.map(measureBody);
      if (outcome === 'referred_onward') body.referral = referral;
    }
    setBusy(true);
    const r = await send(body);
    setBusy(false);
    setErrors(r && r.status === 422 ? fieldErrors(r.data) : {});
  };
  const setMeasure = (i, patch) =>
    setMeasures(measures.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  return html`<form class="inline-form" onSubmit=${submit} novalidate data-action=${action}>
    <h3>${t(`action.${action}`)}</h3>
    ${
      needsCode
        ? html`<${Field}
            id="reason-code"
            labelText=${t('action.reason_code')}
            error=${errors['/reason_code']}
          >
            <${Select}
              id="reason-code"
              value=${reasonCode}
              onChange=${setReasonCode}
              options=${REASON_CODES}
              prefix="reason_code"
              error=${errors['/reason_code']}
              placeholder=${t('choose')}
            />
          <//>`
        : null
    }
    ${
      action === 'close'
        ? html`<${Field} id="outcome" labelText=${t('ticket.outcome')} error=${errors['/outcome']}>
              <${Select}
                id="outcome"
                value=${outcome}
                onChange=${setOutcome}
                options=${OUTCOMES}
                prefix="outcome"
                error=${errors['/outcome']}
                placeholder=${t('choose')}
              />
            <//>
            ${
              outcome === 'assisted'
                ? html`<fieldset>
                    <legend>${t('measure.title')}</legend>
                    ${
                      errors['/measures']
                        ? html`<p class="field-error" role="alert">${t(errors['/measures'])}</p>`
                        : null
                    }
                    ${measures.map(
                      (m, i) =>
                        html`<div class="measure">
                          <${Field}
                            id=${`measure-${i}-type`}
                            labelText=${t('measure.type')}
                            error=${errors[`/measures/${i}/type`]}
                          >
                            <${Select}
                              id=${`measure-${i}-type`}
                              value=${m.type}
                              onChange=${(v) => setMeasure(i, { type: v })}
                              options=${MEASURE_TYPES}
                              prefix="measure"
                            />
                          <//>
                          <${Field}
                            id=${`measure-${i}-provider`}
                            labelText=${t('measure.provider')}
                            error=${errors[`/measures/${i}/provider_agency`]}
                          >
                            <input
                              id=${`measure-${i}-provider`}
                              value=${m.provider_agency}
                              onInput=${(e) => setMeasure(i, { provider_agency: e.target.value })}
                            />
                          <//>
                          <${Field}
                            id=${`measure-${i}-status`}
                            labelText=${t('measure.status')}
                            error=${errors[`/measures/${i}/status`]}
                          >
                            <${Select}
                              id=${`measure-${i}-status`}
                              value=${m.status}
                              onChange=${(v) => setMeasure(i, { status: v })}
                              options=${MEASURE_STATUSES}
                              prefix="measure_status"
                            />
                          <//>
                          ${
                            m.type === 'judicial_assistance_fund'
                              ? html`<${Field}
                                  id=${`measure-${i}-amount`}
                                  labelText=${t('measure.amount')}
                                  error=${errors[`/measures/${i}/amount_cny`]}
                                >
                                  <input
                                    id=${`measure-${i}-amount`}
                                    inputmode="decimal"
                                    value=${m.amount_cny}
                                    onInput=${(e) => setMeasure(i, { amount_cny: e.target.value })}
                                  />
                                <//>`
                              : null
                          }
                        </div>`,
                    )}
                    <button
                      type="button"
                      onClick=${() => setMeasures([...measures, emptyMeasure(agency)])}
                    >
                      ${t('measure.add')}
                    </button>
                  </fieldset>`
                : null
            }
            ${
              outcome === 'referred_onward'
                ? html`<${Field}
                      id="referral-agency"
                      labelText=${t('referral.agency')}
                      error=${errors['/referral/recipient_agency'] || errors['/referral']}
                    >
                      <input
                        id="referral-agency"
                        value=${referral.recipient_agency}
                        onInput=${(e) => setReferral({ ...referral, recipient_agency: e.target.value })}
                      />
                    <//>
                    <${Field}
                      id="referral-purpose"
                      labelText=${t('referral.purpose')}
                      error=${errors['/referral/purpose']}
                    >
                      <input
                        id="referral-purpose"
                        value=${referral.purpose}
                        onInput=${(e) => setReferral({ ...referral, purpose: e.target.value })}
                      />
                    <//>`
                : null
            }`
        : null
    }
    <${Field} id="action-reason" labelText=${t('action.reason')} error=${errors['/reason']}>
      <textarea
        id="action-reason"
        rows="2"
        maxlength="2000"
        value=${reason}
        onInput=${(e) => setReason(e.target.value)}
        aria-invalid=${errors['/reason'] ? 'true' : undefined}
        aria-describedby=${describedBy('action-reason', errors['/reason'])}
      ></textarea>
    <//>
    <button type="submit" class="primary" disabled=${busy} data-testid="confirm-action">
      ${t(`action.${action}`)}
    </button>
    <button type="button" onClick=${onCancel}>${t('cancel')}</button>
  </form>`;
}

function NoteForm({ send }) {
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    if (!text.trim()) return setError('field.required');
    const r = await send(text.trim());
    if (r && r.ok) {
      setText('');
      setError(null);
    } else if (r && r.status === 422) setError(fieldErrors(r.data)['/text'] || 'field.invalid');
  };
  return html`<form class="inline-form" onSubmit=${submit} novalidate>
    <${Field} id="note-text" labelText=${t('note.label')} error=${error}>
      <textarea
        id="note-text"
        rows="3"
        maxlength="4000"
        value=${text}
        onInput=${(e) => setText(e.target.value)}
        aria-invalid=${error ? 'true' : undefined}
        aria-describedby=${describedBy('note-text', error)}
      ></textarea>
    <//>
    <button type="submit" data-testid="add-note">${t('note.add')}</button>
  </form>`;
}

export function TicketPage({ id, session }) {
  const [data, setData] = useState(null);
  const [clear, setClear] = useState(null);
  const [action, setAction] = useState(null);
  const [message, setMessage] = useState(null); // {kind, key} or {result}
  const [assignTo, setAssignTo] = useState('');

  const reload = async () => {
    const r = await loadTicket(id);
    setData(r);
    return r;
  };
  useEffect(() => {
    reload();
  }, [id]);

  if (!data) return html`<p class="loading">${t('app.loading')}</p>`;
  if (data.failed)
    return html`<h1>${t('ticket.title')}</h1>
      <${ProblemBanner} result=${data.failed} />`;

  const { ticket, history, kase, clue } = data;
  const me = session.person;
  const isRecipient = me.agency === ticket.recipient_agency && me.role === 'staff';
  const actions = isRecipient ? ACTIONS[ticket.status] || [] : [];
  const canNote =
    me.role === 'staff' && !['pending', 'rejected', 'cancelled'].includes(ticket.status);
  const final = FINAL.includes(ticket.status);

  // A change to the ticket: If-Match with the version she read. Conflicts reload the page and
  // keep the form, so that she decides again and retries.
  const change = async (path, body, done) => {
    setMessage(null);
    const r = await post(path, body, { ifMatch: ticket.version });
    if (r.ok) {
      await reload();
      setMessage({ kind: 'success', key: done });
      return r;
    }
    if (isConflict(r.status, r.data)) {
      await reload();
      setMessage({ kind: 'warning', key: 'conflict.explain' });
      return r;
    }
    if (r.status !== 422) setMessage({ result: r });
    return r;
  };
  const transition = async (body) => {
    const r = await change(`/v1/tickets/${ticket.id}/transitions`, body, `done.${body.action}`);
    if (r.ok) setAction(null);
    return r;
  };
  const assign = (assignee) =>
    change(`/v1/tickets/${ticket.id}/assignment`, { assignee }, 'done.assignment');
  const addNote = async (text) => {
    setMessage(null);
    const r = await post(`/v1/tickets/${ticket.id}/notes`, { text });
    if (r.ok) {
      await reload();
      setMessage({ kind: 'success', key: 'done.note' });
    } else if (r.status !== 422) setMessage({ result: r });
    return r;
  };

  const others = kase ? (kase.tickets || []).filter((x) => x.id !== ticket.id) : [];
  const mine = ticket.assignee && ticket.assignee.id === me.id;

  return html`<article class="ticket" aria-labelledby="ticket-title">
    <p class="no-print">
      <a href="/console/" onClick=${(e) => linkClick(e, '/')}>← ${t('nav.inbox')}</a>
    </p>
    <h1 id="ticket-title">${t('ticket.title')} ${shortId(ticket.id)}</h1>
    <p class="ticket-head">
      <${PriorityBadge} priority=${ticket.priority} />
      <${StatusBadge} status=${ticket.status} />
      <${DeadlineBadge} ticket=${ticket} />
      ${ticket.overdue ? html`<span class="badge overdue">${t('ticket.marked_overdue')}</span>` : null}
    </p>
    ${
      message
        ? message.result
          ? html`<${ProblemBanner} result=${message.result} />`
          : html`<${Notice} kind=${message.kind}>${t(message.key)}<//>`
        : null
    }
    <div class="columns">
      <section aria-labelledby="facts-title">
        <h2 id="facts-title">${t('ticket.facts')}</h2>
        <dl class="pairs">
          <dt>${t('ticket.purpose')}</dt>
          <dd>${label('purpose', ticket.purpose)}</dd>
          <dt>${t('ticket.from')}</dt>
          <dd>${ticket.sender_agency}</dd>
          <dt>${t('ticket.to')}</dt>
          <dd>${ticket.recipient_agency}</dd>
          <dt>${t('ticket.assignee')}</dt>
          <dd data-testid="assignee">
            ${ticket.assignee ? ticket.assignee.display_name : t('ticket.nobody')}
          </dd>
          <dt>${t('deadline.kind.accept')}</dt>
          <dd>${formatDateTime(ticket.accept_by)}</dd>
          <dt>${t('deadline.kind.close')}</dt>
          <dd>${formatDateTime(ticket.close_by)}</dd>
          ${
            ticket.outcome
              ? html`<dt>${t('ticket.outcome')}</dt>
                  <dd>${label('outcome', ticket.outcome)}</dd>`
              : null
          }
          <dt>${t('ticket.version')}</dt>
          <dd>${ticket.version}</dd>
        </dl>
        ${
          (ticket.measures || []).length
            ? html`<h3>${t('measure.title')}</h3>
                <ul>
                  ${ticket.measures.map(
                    (m) =>
                      html`<li>
                        ${label('measure', m.type)} · ${m.provider_agency} ·
                        ${label('measure_status', m.status)}
                        ${m.amount_cny ? html` · ¥${m.amount_cny}` : null}
                      </li>`,
                  )}
                </ul>`
            : null
        }
      </section>
      <section aria-labelledby="person-title">
        <h2 id="person-title">${t('ticket.person')}</h2>
        <p class="small">${t(clear ? 'reveal.clear' : 'reveal.masked')}</p>
        <${PersonalData} clue=${clue} clear=${clear} />
        ${
          clue && !clear
            ? html`<div class="no-print">
                <${Reveal} clueId=${ticket.clue_id} onRevealed=${setClear} />
              </div>`
            : null
        }
      </section>
    </div>
    <section aria-labelledby="screening-title">
      <h2 id="screening-title">${t('screening.title')}</h2>
      <${Screening} screening=${(clue && clue.screening) || (kase && kase.screening)} />
    </section>
    ${
      !final && (actions.length || isRecipient)
        ? html`<section class="no-print" aria-labelledby="actions-title">
            <h2 id="actions-title">${t('actions.title')}</h2>
            <div class="actions">
              ${actions.map(
                (a) =>
                  html`<button
                    type="button"
                    class=${a === 'accept' || a === 'close' ? 'primary' : ''}
                    data-action=${a}
                    aria-expanded=${action === a ? 'true' : 'false'}
                    onClick=${() =>
                      a === 'accept' || a === 'start' || a === 'resume'
                        ? transition({ action: a })
                        : setAction(action === a ? null : a)}
                  >
                    ${t(`action.${a}`)}
                  </button>`,
              )}
              ${
                isRecipient && !mine
                  ? html`<button type="button" data-action="take" onClick=${() => assign('me')}>
                      ${t('assign.take')}
                    </button>`
                  : null
              }
              ${
                isRecipient && ticket.assignee
                  ? html`<button
                      type="button"
                      data-action="give-back"
                      onClick=${() => assign(null)}
                    >
                      ${t('assign.give_back')}
                    </button>`
                  : null
              }
            </div>
            ${
              action
                ? html`<${ActionForm}
                    key=${action}
                    action=${action}
                    agency=${me.agency}
                    send=${transition}
                    onCancel=${() => setAction(null)}
                  />`
                : null
            }
            ${
              isRecipient
                ? html`<form
                    class="inline-form assign"
                    onSubmit=${(e) => {
                      e.preventDefault();
                      if (assignTo.trim()) assign(assignTo.trim());
                    }}
                  >
                    <label for="assign-to">${t('assign.to')}</label>
                    <input
                      id="assign-to"
                      value=${assignTo}
                      placeholder="psn_…"
                      onInput=${(e) => setAssignTo(e.target.value)}
                    />
                    <button type="submit">${t('assign.submit')}</button>
                  </form>`
                : null
            }
          </section>`
        : null
    }
    <section aria-labelledby="case-title">
      <h2 id="case-title">${t('case.title')}</h2>
      ${
        kase
          ? html`<p>
                ${t('case.summary', { clues: (kase.clues || []).length })} ·
                ${label('case_status', kase.status)}
              </p>
              ${
                others.length
                  ? html`<ul data-testid="case-tickets">
                      ${others.map(
                        (o) =>
                          html`<li>
                            <a
                              href=${`/console/tickets/${o.id}`}
                              onClick=${(e) => linkClick(e, `/tickets/${o.id}`)}
                              >${shortId(o.id)}</a
                            >
                            · ${o.recipient_agency} · ${label('purpose', o.purpose)} ·
                            ${label('status', o.status)}
                          </li>`,
                      )}
                    </ul>`
                  : html`<p>${t('case.no_others')}</p>`
              }`
          : html`<p>${t('case.unavailable')}</p>`
      }
    </section>
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">${t('timeline.title')}</h2>
      ${canNote ? html`<div class="no-print"><${NoteForm} send=${addNote} /></div>` : null}
      <${Timeline} history=${history} />
    </section>
    <p class="no-print">
      <button type="button" onClick=${() => window.print()}>${t('ticket.print')}</button>
    </p>
  </article>`;
}
