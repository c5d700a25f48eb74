// The overview table's order and paging, kept free of the DOM so node tests can check it.

export const kPageRows = 100;
// Regressions first: the order of the default sort and of the counts.
export const kStatusOrder = ['budget_broken', 'regressed', 'improved', 'no_baseline', 'unchanged'];
export const kStatusText = { budget_broken: 'budget broken', regressed: 'regressed', improved: 'improved', no_baseline: 'no baseline', unchanged: 'unchanged' };
export const kColumns = [
  ['benchmark', 'Benchmark'],
  ['family', 'Family'],
  ['latest', 'Latest'],
  ['baseline', 'Baseline'],
  ['change', 'Change'],
  ['status', 'Status'],
];

const statusRank = (s) => {
  const i = kStatusOrder.indexOf(s);
  return i < 0 ? kStatusOrder.length : i;
};

/** Sort keys of one row; a missing value sorts last in either direction. */
function sortValue(row, key) {
  switch (key) {
    case 'benchmark':
      return row.benchmark ?? '';
    case 'family':
      return row.family ?? '';
    case 'latest':
      return row.latest?.value ?? null;
    case 'baseline':
      return row.baseline?.value ?? null;
    case 'change':
      return Number.isFinite(row.change) ? row.change : null;
    default:
      return statusRank(row.status);
  }
}

/** The comparator of the table: by `key`, ties by status, then |change| descending, then name. */
export function compareRows(key, descending) {
  const sign = descending ? -1 : 1;
  return (a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) return (typeof va === 'string' ? va.localeCompare(vb) : va - vb) * sign;
    return statusRank(a.status) - statusRank(b.status) || Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0) || String(a.benchmark).localeCompare(String(b.benchmark));
  };
}

