// Problem details → catalogue messages, by type and by JSON pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrors, isConflict, problemKind, problemMessageKey } from '../../src/lib/problems.js';
import { t } from '../../src/lib/i18n.js';
import zhCN from '../../src/messages/zh-CN.js';

const validation = {
  type: 'urn:clue-router:problem:validation',
  status: 422,
  errors: [
    { pointer: '/subject/id_number', detail: 'check character is wrong' },
    { pointer: '/indicators/1', detail: 'must be one of domestic_violence, …' },
    { pointer: '/reason_code', detail: 'is required for reject' },
    { pointer: '/text', detail: 'something new' },
  ],
};

test('the type names the message', () => {
  assert.equal(problemKind(validation), 'validation');
  assert.equal(problemMessageKey(validation, 422), 'problem.validation');
  assert.equal(t(problemMessageKey(validation, 422)), '有些内容需要修改，请查看标出的项。');
  assert.equal(problemMessageKey(null, 0), 'problem.network');
  assert.equal(problemMessageKey({ type: 'about:blank' }, 500), 'problem.unknown');
});

test('every problem type of docs/api.md has a Chinese message', () => {
  const types = [
    'malformed-json',
    'bad-request',
    'unauthenticated',
    'forbidden',
    'not-found',
    'method-not-allowed',
    'transition-not-allowed',
    'request-in-progress',
    'duplicate-reference',
    'conflict',
    'precondition-failed',
    'payload-too-large',
    'unsupported-media-type',
    'validation',
    'idempotency-key-reused',
    'precondition-required',
    'rate-limited',
    'internal',
    'unavailable',
    'second-factor-required',
    'second-factor-enrolment-required',
  ];
  for (const type of types) assert.ok(zhCN[`problem.${type}`], type);
});

test('each error goes to its field, as a message of the catalogue', () => {
  assert.deepEqual(fieldErrors(validation), {
    '/subject/id_number': 'field.id_check',
    '/indicators/1': 'field.choice',
    '/reason_code': 'field.required',
    '/text': 'field.invalid',
  });
  for (const key of Object.values(fieldErrors(validation))) assert.ok(zhCN[key], key);
  assert.deepEqual(fieldErrors({ type: 'x' }), {});
});

test('a stale version or a state that moved on is a conflict', () => {
  assert.ok(isConflict(412, { type: 'urn:clue-router:problem:precondition-failed' }));
  assert.ok(isConflict(409, { type: 'urn:clue-router:problem:transition-not-allowed' }));
  assert.ok(!isConflict(422, validation));
});
