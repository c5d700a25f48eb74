// Unit formatting and family grouping: pure functions, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisFormatter, changeQuality, formatChange, formatPValue, formatValue, normalizeDirection, shortSha } from '../src/format.js';
import { groupFamilies, parameterValue, splitName } from '../src/families.js';

test('times in nanoseconds read in the largest unit that keeps them above one', () => {
  assert.equal(formatValue(532, 'ns'), '532 ns');
  assert.equal(formatValue(1532, 'ns'), '1.53 µs');
  assert.equal(formatValue(2.5e6, 'ns'), '2.5 ms');
  assert.equal(formatValue(3.25e9, 'ns'), '3.25 s');
});

test('rates and sizes use decimal prefixes', () => {
  assert.equal(formatValue(2.5e9, 'B/s'), '2.5 GB/s');
  assert.equal(formatValue(123.4e6, 'B/s'), '123 MB/s');
  assert.equal(formatValue(10e6, 'B'), '10 MB');
  assert.equal(formatValue(45000, '/s'), '45 k/s');
  assert.equal(formatValue(12, '%'), '12%');
  assert.equal(formatValue(1234567, ''), '1.23 M');
});

test('a missing value is a dash, never zero', () => {
  assert.equal(formatValue(null, 'ns'), '–');
  assert.equal(formatValue(undefined, 'ns'), '–');
  assert.equal(formatValue(Number.NaN, 'ns'), '–');
  assert.equal(formatChange(null), '–');
  assert.equal(formatPValue(null), '–');
});

test('one axis never mixes units', () => {
  assert.deepEqual(axisFormatter('ns')([500, 1000, 1500]), ['0.5 µs', '1 µs', '1.5 µs']);
});

test('changes carry a sign and their quality follows the direction', () => {
  assert.equal(formatChange(0.123), '+12.3%');
  assert.equal(formatChange(-0.05), '−5.0%');
  assert.equal(changeQuality(0.1, 'lower_is_better'), 'bad');
  assert.equal(changeQuality(0.1, 'higher_is_better'), 'good');
  assert.equal(changeQuality(-0.1, 'higher'), 'bad');
  assert.equal(normalizeDirection('lower_is_better'), 'lower');
  assert.equal(formatPValue(0.0001), '< 0.001');
  assert.equal(formatPValue(0.0312), '0.031');
  assert.equal(shortSha('0123456789abcdef'), '0123456');
});

test('parameters are parsed from the last name segment', () => {
  assert.equal(parameterValue('1024'), 1024);
  assert.equal(parameterValue('threads:4'), 4);
  assert.equal(parameterValue('64KiB'), 65536);
  assert.equal(parameterValue('1k'), 1000);
  assert.equal(parameterValue('2^10'), 1024);
  assert.equal(parameterValue('ping_pong'), null);
  assert.deepEqual(splitName('BM_Parse/1024'), { family: 'BM_Parse', parameter: '1024' });
  assert.deepEqual(splitName('BM_Plain'), { family: null, parameter: null });
});

test('families need two members and sort numerically', () => {
  const families = groupFamilies(['BM_Parse/1024', 'BM_Parse/64', 'BM_Alone', 'g/only', 'replay/small', 'replay/large']);
  assert.deepEqual(
    families.map((f) => [f.name, f.single, f.numeric, f.members.map((m) => m.parameter)]),
    [
      ['BM_Parse', false, true, ['64', '1024']],
      ['BM_Alone', true, false, [null]],
      ['g/only', true, false, [null]],
      ['replay', false, false, ['small', 'large']],
    ],
  );
});
