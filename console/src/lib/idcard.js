// Checks made while typing on the intake form, before the server's own (docs/api.md, "Clues").

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

// The GB 11643 check character of the first 17 digits.
export function idCheckCharacter(first17) {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function realDate(y, m, d) {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

// null when the ID number is good, else a catalogue key saying what is wrong.
export function checkIdNumber(value, today = new Date()) {
  const id = String(value).trim().toUpperCase();
  if (/^\d{15}$/.test(id)) return 'field.id_15';
  if (!/^\d{17}[\dX]$/.test(id)) return 'field.id_shape';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || !realDate(y, m, d) || Date.UTC(y, m - 1, d) > today.getTime())
    return 'field.id_birth';
  if (idCheckCharacter(id) !== id[17]) return 'field.id_check';
  return null;
}

// The birth date an ID number carries, YYYY-MM-DD.
export function birthDateOf(id) {
  const s = String(id).trim();
  return `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
}

// The sex an ID number carries: its 17th digit, odd for men.
export function sexOf(id) {
  return Number(String(id).trim()[16]) % 2 === 1 ? 'male' : 'female';
}

// null when the phone looks like a Chinese mobile or fixed line, else a catalogue key.
export function checkPhone(value) {
  const compact = String(value).replace(/[\s-]/g, '');
  const national = compact.replace(/^(\+86|0086)/, '');
  if (/^1[3-9]\d{9}$/.test(national)) return null;
  if (/^0\d{9,11}$/.test(national)) return null;
  return 'field.phone';
}
