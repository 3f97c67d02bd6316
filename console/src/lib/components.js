// Small pieces the pages share: a labelled field with its error, a problem banner, badges.
import { html } from './html.js';
import { t, label } from './i18n.js';
import { problemMessageKey } from './problems.js';
import { deadlineState, formatDateTime } from './time.js';

export function Field({ id, labelText, error, hint, children }) {
  return html`<div class="field ${error ? 'has-error' : ''}">
    <label for=${id}>${labelText}</label>
    ${children} ${hint ? html`<p class="hint" id=${`${id}-hint`}>${hint}</p>` : null}
    ${error ? html`<p class="field-error" id=${`${id}-error`} role="alert">${t(error)}</p>` : null}
  </div>`;
}

// aria-describedby for an input with an optional hint and error.
export function describedBy(id, error, hint) {
  const ids = [];
  if (hint) ids.push(`${id}-hint`);
  if (error) ids.push(`${id}-error`);
  return ids.length ? ids.join(' ') : undefined;
}

export function ProblemBanner({ result, messageKey }) {
  if (!result && !messageKey) return null;
  const key = messageKey || problemMessageKey(result.data, result.status);
  return html`<div class="banner banner-error" role="alert">
    <p>${t(key)}</p>
    ${
      result && result.data && result.data.instance
        ? html`<p class="small">${t('problem.quote', { id: result.data.instance })}</p>`
        : null
    }
  </div>`;
}

export function Notice({ kind = 'info', children }) {
  return html`<div class="banner banner-${kind}" role="status">${children}</div>`;
}

export function PriorityBadge({ priority }) {
  return html`<span class="badge priority-${priority}">${label('priority', priority)}</span>`;
}

export function StatusBadge({ status }) {
  return html`<span class="badge status">${label('status', status)}</span>`;
}

// A deadline as colour and words: 剩余2个工作日, 已超期1个工作日.
export function DeadlineBadge({ ticket, now }) {
  const d = deadlineState(ticket, now);
  if (!d) return html`<span class="deadline deadline-none">${t('deadline.none')}</span>`;
  let text;
  if (d.state === 'overdue')
    text = d.days > 0 ? t('deadline.overdue', { n: d.days }) : t('deadline.overdue_today');
  else if (d.state === 'today') text = t('deadline.today');
  else text = t('deadline.left', { n: d.days });
  return html`<span
    class="deadline deadline-${d.state}"
    title=${`${t(`deadline.kind.${d.kind}`)} ${formatDateTime(d.at)}`}
    >${t(`deadline.kind.${d.kind}`)}：${text}</span
  >`;
}

export function shortId(id) {
  return id ? String(id).slice(-8) : '';
}
