// Both catalogues have the same keys, and every key the code asks for exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import zhCN from '../../src/messages/zh-CN.js';
import en from '../../src/messages/en.js';

test('zh-CN and en have the same keys', () => {
  const zh = Object.keys(zhCN).sort();
  const eng = Object.keys(en).sort();
  assert.deepEqual(
    zh.filter((k) => !(k in en)),
    [],
    'keys missing from en.js',
  );
  assert.deepEqual(
    eng.filter((k) => !(k in zhCN)),
    [],
    'keys missing from zh-CN.js',
  );
});

test('no message is empty, and placeholders agree', () => {
  for (const key of Object.keys(zhCN)) {
    assert.ok(zhCN[key].trim(), `zh-CN ${key} is empty`);
    assert.ok(en[key].trim(), `en ${key} is empty`);
    const names = (s) => (s.match(/\{\w+\}/g) || []).sort();
    assert.deepEqual(names(zhCN[key]), names(en[key]), `placeholders of ${key}`);
  }
});

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.js') ? [path] : [];
  });
}

test("every literal t('key') of the code is in the catalogue", () => {
  const src = new URL('../../src/', import.meta.url).pathname;
  const missing = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\('([a-z_.-]+)'/g)) if (!(m[1] in zhCN)) missing.push(m[1]);
  }
  assert.deepEqual(missing, []);
});
