// RFC 9457 problem details from the API (docs/api.md, "Errors") as messages of the catalogue:
// the problem's type names the message, and each of errors[] is put beside the field its JSON
// pointer names. The server's English detail is kept as a hint only.

const PREFIX = 'urn:clue-router:problem:';

export function problemKind(problem) {
  const type = problem && typeof problem.type === 'string' ? problem.type : '';
  return type.startsWith(PREFIX) ? type.slice(PREFIX.length) : 'unknown';
}

// The catalogue key for the problem as a whole.
export function problemMessageKey(problem, status) {
  const kind = problemKind(problem);
  if (kind !== 'unknown') return `problem.${kind}`;
  if (status === 0) return 'problem.network';
  return 'problem.unknown';
}

// What the server's detail says, as a catalogue key; generic when it says something else.
const DETAIL_PATTERNS = [
  [/is required|must be given|required/i, 'field.required'],
  [/check character/i, 'field.id_check'],
  [/birth date|not a real date|date/i, 'field.date'],
  [/15-digit|first-generation/i, 'field.id_15'],
  [/phone/i, 'field.phone'],
  [/must be one of|unknown/i, 'field.choice'],
  [/too long|at most|characters/i, 'field.length'],
  [/not the app's|code/i, 'field.code'],
  [/cap/i, 'field.cap'],
];

export function fieldMessageKey(detail) {
  const text = String(detail ?? '');
  for (const [pattern, key] of DETAIL_PATTERNS) if (pattern.test(text)) return key;
  return 'field.invalid';
}

// { '/subject/phone': 'field.phone', … } from the problem's errors[].
export function fieldErrors(problem) {
  const out = {};
  if (!problem || !Array.isArray(problem.errors)) return out;
  for (const error of problem.errors) {
    if (error && typeof error.pointer === 'string' && !out[error.pointer])
      out[error.pointer] = fieldMessageKey(error.detail);
  }
  return out;
}

// A stale version or a move the state no longer allows: someone else acted first.
export function isConflict(status, problem) {
  const kind = problemKind(problem);
  return (
    status === 412 ||
    kind === 'precondition-failed' ||
    kind === 'transition-not-allowed' ||
    (status === 409 && kind === 'conflict')
  );
}
