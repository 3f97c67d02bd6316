// The staff console: one page over the JSON API, signed in as a person (docs/console.md).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { html } from './lib/html.js';
import { t, loadLanguage, onLanguage, setLanguage, language } from './lib/i18n.js';
import { get, request, setCsrfToken, whenSignedOut } from './lib/api.js';
import { currentPath, match, navigate, onRoute, linkClick } from './lib/router.js';
import { SignIn } from './pages/signin.js';
import { Enrol } from './pages/enrol.js';
import { Inbox } from './pages/inbox.js';
import { TicketPage } from './pages/ticket.js';
import { NewClue } from './pages/newclue.js';

loadLanguage();

function Header({ session, onSignOut }) {
  const other = language() === 'zh-CN' ? 'en' : 'zh-CN';
  const person = session && session.person;
  return html`<header class="top">
    <a class="brand" href="/console/" onClick=${(e) => linkClick(e, '/')}>${t('app.title')}</a>
    ${
      person && !session.second_factor?.enrolment_required
        ? html`<nav aria-label=${t('nav.label')}>
            <a href="/console/" onClick=${(e) => linkClick(e, '/')}>${t('nav.inbox')}</a>
            <a href="/console/clues/new" onClick=${(e) => linkClick(e, '/clues/new')}
              >${t('nav.new_clue')}</a
            >
          </nav>`
        : null
    }
    <div class="top-right">
      <button
        type="button"
        class="link"
        lang=${other}
        onClick=${() => setLanguage(other)}
        data-testid="language"
      >
        ${t('app.switch_language')}
      </button>
      ${
        person
          ? html`<span class="who">${person.display_name}（${person.agency}）</span>
              <button type="button" onClick=${onSignOut} data-testid="sign-out">
                ${t('nav.sign_out')}
              </button>`
          : null
      }
    </div>
  </header>`;
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: still asking
  const [path, setPath] = useState(currentPath());
  const [, setLang] = useState(language());

  useEffect(() => onRoute(setPath), []);
  useEffect(() => onLanguage(setLang), []);

  useEffect(() => {
    whenSignedOut(() => {
      setCsrfToken(null);
      setSession(null);
    });
    get('/v1/sessions/current', { quiet401: true }).then((r) => {
      if (r.ok) {
        setCsrfToken(r.data.csrf_token);
        setSession(r.data);
      } else setSession(null);
    });
  }, []);

  const route = match(path);

  // Where she may be: signed out, only the sign-in; enrolment pending, only the enrolment.
  useEffect(() => {
    if (session === undefined) return;
    if (session === null && route.page !== 'signin') navigate('/signin', { replace: true });
    else if (session && session.second_factor?.enrolment_required && route.page !== 'enrol')
      navigate('/enrol', { replace: true });
    else if (
      session &&
      !session.second_factor?.enrolment_required &&
      (route.page === 'signin' || route.page === 'enrol')
    )
      navigate('/', { replace: true });
  }, [session, route.page]);

  const signedIn = (s) => {
    setCsrfToken(s.csrf_token);
    setSession(s);
  };
  const signOut = async () => {
    await request('DELETE', '/v1/sessions/current', { quiet401: true });
    setCsrfToken(null);
    setSession(null);
  };

  let page;
  if (session === undefined) page = html`<p class="loading">${t('app.loading')}</p>`;
  else if (route.page === 'signin') page = html`<${SignIn} onSignedIn=${signedIn} />`;
  else if (!session) page = null;
  else if (route.page === 'enrol') page = html`<${Enrol} session=${session} onDone=${signedIn} />`;
  else if (route.page === 'inbox') page = html`<${Inbox} session=${session} />`;
  else if (route.page === 'ticket')
    page = html`<${TicketPage} key=${route.id} id=${route.id} session=${session} />`;
  else if (route.page === 'newclue') page = html`<${NewClue} session=${session} />`;
  else page = html`<h1>${t('app.not_found')}</h1>`;

  return html`<${Header} session=${session} onSignOut=${signOut} />
    <main id="main">${page}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
