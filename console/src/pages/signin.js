// 登录: username and password, then a TOTP code (or a recovery code) when her account has a
// second factor (401 second-factor-required; docs/api.md, "Second factor").
import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { post } from '../lib/api.js';
import { problemKind } from '../lib/problems.js';
import { Field, ProblemBanner, describedBy } from '../lib/components.js';

export function SignIn({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState('password'); // password | totp | recovery
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState(null);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    const body = { username: username.trim(), password };
    if (step === 'totp') body.totp_code = code.trim();
    if (step === 'recovery') body.recovery_code = code.trim();
    const r = await post('/v1/sessions', body, { quiet401: true });
    setBusy(false);
    if (r.status === 201) {
      setPassword('');
      onSignedIn(r.data);
      return;
    }
    if (r.status === 401 && problemKind(r.data) === 'second-factor-required') {
      if (step === 'password') setStep('totp');
      else setFailure({ messageKey: 'signin.code_wrong' });
      return;
    }
    if (r.status === 401 || (r.status === 422 && step !== 'password'))
      setFailure({ messageKey: step === 'password' ? 'signin.wrong' : 'signin.code_wrong' });
    else setFailure({ result: r });
  };

  const codeStep = step !== 'password';
  return html`<section class="narrow" aria-labelledby="signin-title">
    <h1 id="signin-title">${t('signin.title')}</h1>
    <form onSubmit=${submit} novalidate>
      ${failure ? html`<${ProblemBanner} ...${failure} />` : null}
      ${
        !codeStep
          ? html`<${Field} id="username" labelText=${t('signin.username')}>
                <input
                  id="username"
                  name="username"
                  autocomplete="username"
                  value=${username}
                  onInput=${(e) => setUsername(e.target.value)}
                  required
                />
              <//>
              <${Field} id="password" labelText=${t('signin.password')}>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autocomplete="current-password"
                  value=${password}
                  onInput=${(e) => setPassword(e.target.value)}
                  required
                />
              <//>`
          : html`<p>${t(step === 'totp' ? 'signin.totp_help' : 'signin.recovery_help')}</p>
              <${Field}
                id="code"
                labelText=${t(step === 'totp' ? 'signin.totp_code' : 'signin.recovery_code')}
              >
                <input
                  id="code"
                  name="code"
                  autocomplete="one-time-code"
                  inputmode=${step === 'totp' ? 'numeric' : 'text'}
                  value=${code}
                  onInput=${(e) => setCode(e.target.value)}
                  aria-describedby=${describedBy('code')}
                  required
                />
              <//>
              <p>
                <button
                  type="button"
                  class="link"
                  onClick=${() => {
                    setCode('');
                    setFailure(null);
                    setStep(step === 'totp' ? 'recovery' : 'totp');
                  }}
                >
                  ${t(step === 'totp' ? 'signin.use_recovery' : 'signin.use_totp')}
                </button>
              </p>`
      }
      <p>
        <button type="submit" class="primary" disabled=${busy}>
          ${t(codeStep ? 'signin.verify' : 'signin.submit')}
        </button>
      </p>
    </form>
  </section>`;
}
