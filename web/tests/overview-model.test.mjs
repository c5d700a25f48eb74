// The overview's order and the distribution's quartiles, in node (no browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRows } from '../src/overview-model.js';
import { quantile, summarize } from '../src/distribution.js';

const row = (benchmark, status, change) => ({ benchmark, status, change, latest: { value: 1 }, baseline: { value: 1 } });

test('the default order puts broken budgets and regressions first, biggest change first', () => {
  const rows = [row('a', 'unchanged', 0.01), row('b', 'regressed', 0.1), row('c', 'improved', -0.5), row('d', 'regressed', 0.4), row('e', 'budget_broken', 0.05), row('f', 'no_baseline', null)];
  assert.deepEqual(rows.sort(compareRows('status', false)).map((r) => r.benchmark), ['e', 'd', 'b', 'c', 'f', 'a']);
});

test('sorting by change puts rows without a change last in both directions', () => {
  const rows = [row('a', 'unchanged', 0.01), row('f', 'no_baseline', null), row('d', 'regressed', 0.4), row('c', 'improved', -0.5)];
  assert.deepEqual([...rows].sort(compareRows('change', true)).map((r) => r.benchmark), ['d', 'a', 'c', 'f']);
  assert.deepEqual([...rows].sort(compareRows('change', false)).map((r) => r.benchmark), ['c', 'a', 'd', 'f']);
});

test('quartiles interpolate between order statistics as numpy does', () => {
  // Hyndman & Fan type 7 (numpy.percentile's and R's default): [1, 2, 3, 4, 10] -> 2, 3, 4; [1, 2, 3, 4] -> 1.75, 2.5, 3.25
  assert.deepEqual([0.25, 0.5, 0.75].map((q) => quantile([1, 2, 3, 4, 10], q)), [2, 3, 4]);
  assert.deepEqual([0.25, 0.5, 0.75].map((q) => quantile([1, 2, 3, 4], q)), [1.75, 2.5, 3.25]);
  assert.equal(summarize([]), null);
  assert.deepEqual(summarize([3, NaN, 1, 2]).sorted, [1, 2, 3]);
});
