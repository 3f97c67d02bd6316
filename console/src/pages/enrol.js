// 绑定动态口令: a session that may only enrol (second_factor.enrolment_required). Begin (the
// secret and otpauth URI), confirm with a code, show the ten recovery codes once.
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { get, post } from '../lib/api.js';
import { fieldErrors } from '../lib/problems.js';
import { Field, ProblemBanner, describedBy } from '../lib/components.js';

export function Enrol({ onDone }) {
  const [enrolment, setEnrolment] = useState(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [failure, setFailure] = useState(null);
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);

  const begin = async () => {
    setBusy(true);
    setFailure(null);
    const r = await post('/v1/sessions/current/totp');
    setBusy(false);
    if (r.ok) setEnrolment(r.data);
    else setFailure(r);
  };

  const confirm = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    setErrors({});
    const r = await post('/v1/sessions/current/totp/confirm', { code: code.trim() });
    setBusy(false);
    if (r.ok) setCodes(r.data.recovery_codes);
    else if (r.status === 422) setErrors(fieldErrors(r.data));
    else setFailure(r);
  };

  const finish = async () => {
    const r = await get('/v1/sessions/current');
    if (r.ok) onDone(r.data);
  };

  return html`<section class="narrow" aria-labelledby="enrol-title">
    <h1 id="enrol-title">${t('enrol.title')}</h1>
    ${failure ? html`<${ProblemBanner} result=${failure} />` : null}
    ${
      codes
        ? html`<div>
            <p>${t('enrol.codes_help')}</p>
            <ol class="codes" data-testid="recovery-codes">
              ${codes.map((c) => html`<li><code>${c}</code></li>`)}
            </ol>
            <button type="button" class="primary" onClick=${finish}>${t('enrol.done')}</button>
          </div>`
        : !enrolment
          ? html`<p>${t('enrol.intro')}</p>
              <button type="button" class="primary" onClick=${begin} disabled=${busy}>
                ${t('enrol.begin')}
              </button>`
          : html`<div>
              <p>${t('enrol.scan_help')}</p>
              <dl class="pairs">
                <dt>${t('enrol.secret')}</dt>
                <dd><code data-testid="totp-secret">${enrolment.secret}</code></dd>
                <dt>${t('enrol.uri')}</dt>
                <dd><code class="wrap">${enrolment.otpauth_uri}</code></dd>
              </dl>
              <form onSubmit=${confirm} novalidate>
                <${Field}
                  id="enrol-code"
                  labelText=${t('enrol.code')}
                  error=${errors['/code'] && 'field.code'}
                >
                  <input
                    id="enrol-code"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    value=${code}
                    onInput=${(e) => setCode(e.target.value)}
                    aria-describedby=${describedBy('enrol-code', errors['/code'])}
                    aria-invalid=${errors['/code'] ? 'true' : undefined}
                  />
                <//>
                <button type="submit" class="primary" disabled=${busy}>
                  ${t('enrol.confirm')}
                </button>
              </form>
            </div>`
    }
  </section>`;
}
