// The intake form's own checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  birthDateOf,
  checkIdNumber,
  checkPhone,
  idCheckCharacter,
  sexOf,
} from '../../src/lib/idcard.js';

test('GB 11643 check character', () => {
  // The examples of docs/api.md.
  assert.equal(idCheckCharacter('51170219850715002'), '3');
  assert.equal(checkIdNumber('511702198507150023'), null);
  assert.equal(checkIdNumber('11010519491231002X'), null);
  assert.equal(checkIdNumber('11010519491231002x'), null);
  assert.equal(checkIdNumber('511702198507150024'), 'field.id_check');
});

test('shape, birth date and first-generation numbers', () => {
  assert.equal(checkIdNumber('51170219850715'), 'field.id_shape');
  assert.equal(checkIdNumber('511702850715002'), 'field.id_15');
  assert.equal(checkIdNumber('511702198502300023'), 'field.id_birth'); // 30 February
  assert.equal(checkIdNumber('511702209901010023', new Date('2026-12-02')), 'field.id_birth');
  assert.equal(birthDateOf('511702198507150023'), '1985-07-15');
  assert.equal(sexOf('511702198507150023'), 'female');
});

test('phones', () => {
  assert.equal(checkPhone('13800130001'), null);
  assert.equal(checkPhone('+86 138 0013 0001'), null);
  assert.equal(checkPhone('0086 13800130001'), null);
  assert.equal(checkPhone('028-12345678'), null);
  assert.equal(checkPhone('12345'), 'field.phone');
  assert.equal(checkPhone('23800130001'), 'field.phone');
});
