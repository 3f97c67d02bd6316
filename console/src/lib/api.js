// The service's JSON API, on the same origin (docs/api.md). The session is the HttpOnly cookie;
// every change also carries the session's CSRF token in X-CSRF-Token (docs/api.md, "CSRF"),
// which comes from the sign-in reply and GET /v1/sessions/current.

let csrfToken = null;
let onSignedOut = () => {};

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export function whenSignedOut(fn) {
  onSignedOut = fn;
}

// Headers are ByteStrings: a character above U+00FF (Chinese) cannot be put in one from a
// page. The service reads Reveal-Reason as UTF-8 text, so the reason goes as its UTF-8 bytes,
// one byte per character (docs/console.md, "Pitfalls").
export function utf8HeaderValue(text) {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// {status, ok, data, etag}; status 0 when the network failed. Never throws.
export async function request(method, path, { body, ifMatch, headers = {}, quiet401 } = {}) {
  const h = { Accept: 'application/json, application/problem+json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) h['X-CSRF-Token'] = csrfToken;
  if (ifMatch !== undefined) h['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    return { status: 0, ok: false, data: null, etag: null };
  }
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (response.status !== 204 && type.includes('json')) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (response.status === 401 && !quiet401) onSignedOut();
  return { status: response.status, ok: response.ok, data, etag: response.headers.get('ETag') };
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options = {}) => request('POST', path, { ...options, body });

// Every page of a list (next_cursor), up to a bound so a huge inbox cannot hang the page.
export async function getAll(path, maxPages = 10) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page += 1) {
    const sep = path.includes('?') ? '&' : '?';
    const url = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
    const r = await get(url);
    if (!r.ok) return { ...r, items };
    items.push(...(r.data.items || []));
    cursor = r.data.next_cursor;
    if (!cursor) return { ok: true, status: r.status, items, truncated: false };
  }
  return { ok: true, status: 200, items, truncated: true };
}
