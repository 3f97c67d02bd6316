// History routing under /console/: the service answers every path of the app with index.html.
export const BASE = '/console/';

const listeners = new Set();

export function currentPath() {
  const path = window.location.pathname;
  return path.startsWith(BASE) ? path.slice(BASE.length - 1) : '/';
}

export function navigate(path, { replace = false } = {}) {
  const url = BASE + path.replace(/^\//, '');
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const fn of listeners) fn(currentPath());
}

export function onRoute(fn) {
  listeners.add(fn);
  const popstate = () => fn(currentPath());
  window.addEventListener('popstate', popstate);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', popstate);
  };
}

// An <a> click that stays in the app (a plain click; a middle click opens a tab as usual).
export function linkClick(event, path) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
    return;
  event.preventDefault();
  navigate(path);
}

export function match(path) {
  if (path === '/' || path === '') return { page: 'inbox' };
  if (path === '/signin') return { page: 'signin' };
  if (path === '/enrol') return { page: 'enrol' };
  if (path === '/clues/new') return { page: 'newclue' };
  const ticket = /^\/tickets\/([A-Za-z0-9_-]+)\/?$/.exec(path);
  if (ticket) return { page: 'ticket', id: ticket[1] };
  return { page: 'notfound' };
}
