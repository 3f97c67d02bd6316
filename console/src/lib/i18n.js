// Every visible string comes from a message catalogue: Chinese first, English as a switch kept
// in localStorage. t('deadline.left', { n: 2 }) fills {n} in the message.
import zhCN from '../messages/zh-CN.js';
import en from '../messages/en.js';

export const catalogues = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'clue-router.console.lang';

let current = 'zh-CN';
const listeners = new Set();

export function format(message, params) {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function t(key, params) {
  const message = catalogues[current][key] ?? catalogues['zh-CN'][key];
  return message == null ? key : format(message, params);
}

// A label for a value of a fixed vocabulary (a status, a priority…), or the value itself when
// the catalogue does not know it (configuration may add purposes and key groups).
export function label(prefix, value) {
  const key = `${prefix}.${value}`;
  const message = catalogues[current][key] ?? catalogues['zh-CN'][key];
  return message ?? String(value);
}

export function language() {
  return current;
}

export function setLanguage(lang) {
  if (!catalogues[lang]) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage may be off (private mode): the switch then lasts for the page
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function loadLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  if (stored && catalogues[stored]) current = stored;
  if (typeof document !== 'undefined') document.documentElement.lang = current;
  return current;
}

export function onLanguage(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
