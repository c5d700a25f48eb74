// A project's overview, the page a team opens every morning: every benchmark's latest
// value, its baseline, the change and a status, regressions first, in a sortable,
// filterable table that shows one page of rows at a time (so 20,000 benchmarks
// render as fast as 100). The data is the server's /overview (computed by the gate
// core); this page only filters, sorts and pages it.
import { getOverview, listProjects } from '../api.js';
import { el, emptyState, errorBox, inputField, loading, selectField } from '../dom.js';
import { changeQuality, formatChange, formatValue, shortSha } from '../format.js';
import { directionBadge, projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath, setQuery } from '../router.js';
import { renderTrends } from './project.js';
import { compareRows, kColumns, kPageRows, kStatusOrder, kStatusText } from '../overview-model.js';

/** A sparkline: the last values as a polyline, the last point dotted. */
export function sparkline(values, quality) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const width = 96;
  const height = 24;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('class', `sparkline cp-${quality}`);
  svg.setAttribute('role', 'img');
  const finite = (values ?? []).filter(Number.isFinite);
  svg.setAttribute('aria-label', finite.length ? `trend of the last ${finite.length} values` : 'no trend yet');
  svg.dataset.points = String(finite.length);
  if (finite.length < 2) return svg;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || 1;
  const pts = finite.map((v, i) => [2 + (i * (width - 4)) / (finite.length - 1), height - 2 - ((v - lo) / span) * (height - 4)]);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.5');
  const dot = document.createElementNS(ns, 'circle');
  const [lx, ly] = pts[pts.length - 1];
  dot.setAttribute('cx', lx.toFixed(1));
  dot.setAttribute('cy', ly.toFixed(1));
  dot.setAttribute('r', '2');
  dot.setAttribute('fill', 'currentColor');
  svg.append(line, dot);
  return svg;
}

function statusQuality(row) {
  if (row.status === 'regressed' || row.status === 'budget_broken') return 'bad';
  if (row.status === 'improved') return 'good';
  return changeQuality(row.change, row.direction) === 'bad' && row.status !== 'unchanged' ? 'bad' : 'neutral';
}

export async function renderOverview(root, { project }, query, ctx) {
  ctx.setTitle(project);
  projectCrumbs(ctx, project);
  const state = {
    branch: query.branch ?? '',
    testbed: query.testbed ?? '',
    metric: query.metric ?? '',
    q: query.q ?? '',
    family: query.family ?? '',
    status: query.status ?? '',
    min: query.min ?? '',
    sort: query.sort ?? 'status',
    desc: query.desc === '1',
    page: Math.max(0, Number(query.page ?? 0) || 0),
  };
  const body = el('div', { class: 'overview' }, loading('Loading the overview…'));
  root.append(el('section', { class: 'page overview-page' }, el('h1', {}, project), projectTabs(project, 'overview'), body));

  let data;
  try {
    data = await getOverview(project, { branch: state.branch, testbed: state.testbed, metric: state.metric });
  } catch (error) {
    if (!ctx.current) return;
    if (error.status === 404) {
      // A server without the overview route still has the trends; a missing project is said so.
      const known = await listProjects().then((list) => list.some((p) => p.name === project)).catch(() => false);
      if (!ctx.current) return;
      if (known && error.code !== 'project_not_found') {
        root.replaceChildren();
        renderTrends(root, { project }, query, ctx);
        return;
      }
      body.replaceChildren(emptyState(`No project named “${project}”`, 'Check the name, or see all projects.'), el('p', {}, el('a', { href: '/' }, 'All projects')));
      return;
    }
    body.replaceChildren(errorBox(error, () => navigate(location.pathname + location.search, { replace: true })));
    return;
  }
  if (!ctx.current) return;

  const rows = data.benchmarks;
  const families = [...new Set(rows.map((r) => r.family).filter(Boolean))].sort();
  const reload = (change) => navigate(href(location.pathname, { ...urlState(), ...change, page: '' }), { replace: true });
  const urlState = () => ({
    branch: state.branch,
    testbed: state.testbed,
    metric: state.metric,
    q: state.q,
    family: state.family,
    status: state.status,
    min: state.min,
    sort: state.sort === 'status' ? '' : state.sort,
    desc: state.desc ? '1' : '',
    page: state.page ? String(state.page) : '',
  });

  // The branch and testbed the server chose are shown selected; choosing another asks the server again.
  const branchOptions = data.branches.map((b) => [b, b === data.baseline_branch ? `${b} (mainline)` : b]);
  if (data.branch && !data.branches.includes(data.branch)) branchOptions.unshift([data.branch, data.branch]);
  const testbedOptions = data.testbeds.map((t) => [t, t]);
  if (data.testbed && !data.testbeds.includes(data.testbed)) testbedOptions.unshift([data.testbed, data.testbed]);
  const search = inputField('Search', 'q', state.q, { type: 'search', placeholder: 'benchmark name' });
  const searchInput = search.querySelector('input');
  const minField = inputField('|Change| ≥ %', 'min', state.min, { type: 'number', placeholder: '0' });
  const minInput = minField.querySelector('input');
  minInput.classList.add('short-input');
  minInput.min = '0';
  minInput.step = 'any';
  const controls = el(
    'form',
    { class: 'controls overview-controls', role: 'search', onsubmit: (e) => e.preventDefault() },
    branchOptions.length ? selectField('Branch', 'branch', branchOptions, data.branch ?? '', (v) => reload({ branch: v })) : null,
    testbedOptions.length ? selectField('Testbed', 'testbed', testbedOptions, data.testbed ?? '', (v) => reload({ testbed: v })) : null,
    search,
    families.length > 1 ? selectField('Family', 'family', [['', `all (${families.length})`], ...families.map((f) => [f, f])], state.family, (v) => update({ family: v })) : null,
    selectField('Status', 'status', [['', 'all'], ...kStatusOrder.map((s) => [s, `${kStatusText[s]} (${data.counts[s] ?? 0})`])], state.status, (v) => update({ status: v })),
    minField,
  );
  let debounce = null;
  ctx.onCleanup(() => clearTimeout(debounce));
  searchInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => update({ q: searchInput.value.trim() }), 150);
  });
  minInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => update({ min: minInput.value.trim() }), 150);
  });

  const counts = el(
    'ul',
    { class: 'summary-chips overview-counts', 'aria-label': 'Counts by status' },
    kStatusOrder.map((s) =>
      el(
        'li',
        { class: `chip status-${s}`, 'data-status': s },
        el('button', { type: 'button', class: 'link-button chip-button', 'aria-pressed': state.status === s ? 'true' : 'false', onclick: () => update({ status: state.status === s ? '' : s }) }, el('strong', {}, String(data.counts[s] ?? 0)), ` ${kStatusText[s]}`),
      ),
    ),
  );
  const head = data.head?.sha ? el('p', { class: 'muted overview-head' }, `${data.metric ?? ''} on `, el('strong', {}, data.branch ?? ''), ` · testbed `, el('strong', {}, data.testbed ?? ''), ` · head `, el('code', {}, shortSha(data.head.sha)), data.baseline_branch ? ` · baseline ${data.baseline_branch}` : '', data.base?.sha ? [' at ', el('code', {}, shortSha(data.base.sha))] : '') : null;
  const shownCount = el('p', { class: 'result-count muted', 'aria-live': 'polite' });
  const table = el('table', { class: 'table overview-table' });
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of benchmarks' });
  body.replaceChildren(head, counts, controls, shownCount, el('div', { class: 'table-scroll' }, table), pager);
  ctx.restoreFocus(controls);

  if (!rows.length) {
    table.remove();
    shownCount.replaceChildren(emptyState('No data yet', `Project ${project} has no benchmarks on this branch and testbed yet.`));
    return;
  }

  function update(change) {
    Object.assign(state, change);
    if (!('page' in change)) state.page = 0;
    setQuery(urlState());
    draw();
  }

  function filtered() {
    const q = state.q.toLowerCase();
    const min = Number(state.min) / 100;
    return rows.filter(
      (r) =>
        (!q || String(r.benchmark).toLowerCase().includes(q)) &&
        (!state.family || r.family === state.family) &&
        (!state.status || r.status === state.status) &&
        (!(min > 0) || (Number.isFinite(r.change) && Math.abs(r.change) >= min)),
    );
  }

  function header() {
    return el(
      'thead',
      {},
      el(
        'tr',
        {},
        kColumns.map(([key, label]) => {
          const active = state.sort === key;
          return el(
            'th',
            { scope: 'col', 'aria-sort': active ? (state.desc ? 'descending' : 'ascending') : 'none', class: ['latest', 'baseline', 'change'].includes(key) ? 'num' : null },
            el('button', { type: 'button', class: 'sort-button', 'data-sort': key, onclick: () => update(active ? { desc: !state.desc } : { sort: key, desc: key === 'change' }) }, label, active ? (state.desc ? ' ▼' : ' ▲') : ''),
          );
        }),
        el('th', { scope: 'col' }, 'Trend'),
      ),
    );
  }

  function rowOf(r) {
    const quality = statusQuality(r);
    const link = href(projectPath(project, 'series'), { benchmark: r.benchmark, metric: r.metric, testbed: data.testbed, branch: data.branch });
    const compare = r.baseline?.sha && r.latest?.sha ? href(projectPath(project, 'compare'), { base: r.baseline.sha, head: r.latest.sha, testbed: data.testbed, dist: r.benchmark }) : null;
    return el(
      'tr',
      { class: `overview-row status-row-${r.status}`, 'data-benchmark': r.benchmark, 'data-status': r.status },
      el('td', {}, el('a', { href: link, class: 'benchmark-link' }, r.benchmark), el('span', { class: 'muted small' }, ` ${r.metric ?? ''}`), r.direction ? [' ', directionBadge(r.direction)] : null),
      el('td', {}, r.family ?? ''),
      el('td', { class: 'num' }, r.latest ? formatValue(r.latest.value, r.unit) : '–'),
      el('td', { class: 'num' }, r.baseline ? formatValue(r.baseline.value, r.unit) : '–'),
      el('td', { class: `num cp-${quality}` }, compare ? el('a', { href: compare, title: 'Compare with the baseline, samples drawn' }, formatChange(r.change)) : formatChange(r.change)),
      el(
        'td',
        {},
        el('span', { class: `badge status status-${r.status}` }, kStatusText[r.status] ?? r.status ?? '?'),
        r.alert ? el('a', { class: 'small alert-link', href: href(projectPath(project, 'alerts'), { group: r.alert.group }) }, ` alert: ${r.alert.status ?? ''}`) : null,
      ),
      el('td', {}, sparkline(r.sparkline, quality)),
    );
  }

  function draw() {
    const list = filtered().sort(compareRows(state.sort, state.desc));
    const pages = Math.max(1, Math.ceil(list.length / kPageRows));
    state.page = Math.min(state.page, pages - 1);
    const start = state.page * kPageRows;
    const slice = list.slice(start, start + kPageRows);
    shownCount.textContent = list.length
      ? `${list.length === rows.length ? '' : `${list.length} of `}${rows.length} benchmarks · showing ${start + 1}–${start + slice.length}`
      : `No benchmark of ${rows.length} matches these filters.`;
    table.replaceChildren(el('caption', { class: 'sr-only' }, `Benchmarks of ${project}`), header(), el('tbody', {}, slice.map(rowOf)));
    counts.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-pressed', state.status === kStatusOrder[i] ? 'true' : 'false'));
    const go = (p) => () => update({ page: p });
    pager.replaceChildren(
      ...(pages > 1
        ? [
            el('button', { type: 'button', class: 'secondary', disabled: state.page === 0, onclick: go(state.page - 1) }, '← Previous'),
            el('span', { class: 'muted' }, ` page ${state.page + 1} of ${pages} `),
            el('button', { type: 'button', class: 'secondary', disabled: state.page >= pages - 1, onclick: go(state.page + 1) }, 'Next →'),
          ]
        : []),
    );
  }
  draw();
}
