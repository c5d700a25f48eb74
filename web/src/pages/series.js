// One series, deep-linkable from a PR comment:
// /projects/P/series?benchmark=&metric=&testbed=&branch=&vs=&layout=overlay|side&limit=
import { defaultMetric, getSeries, listBenchmarks } from '../api.js';
import { sharedRange, trendChart } from '../chart.js';
import { el, emptyState, errorBox, loading, selectField } from '../dom.js';
import { changeQuality, formatChange, formatPValue, formatTime, formatValue, shortSha } from '../format.js';
import { directionBadge, projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath } from '../router.js';
import { autoTestbedLabel, branchField, projectDimensions } from './project.js';

const kLimits = ['100', '300', '1000', '5000'];

export async function renderSeries(root, { project }, query, ctx) {
  const state = {
    benchmark: query.benchmark ?? '',
    metric: query.metric ?? '',
    testbed: query.testbed ?? '',
    branch: query.branch ?? '',
    vs: query.vs ?? '',
    layout: query.layout === 'side' ? 'side' : 'overlay',
    limit: query.limit ?? '1000',
  };
  ctx.setTitle(`${state.benchmark} · ${project}`);
  projectCrumbs(ctx, project, { label: state.benchmark || 'series' });
  const page = el('section', { class: 'page series-page' });
  root.append(page);
  page.append(el('h1', { class: 'benchmark-title' }, state.benchmark || 'Series'), projectTabs(project, 'trends'));
  if (!state.benchmark) {
    page.append(emptyState('No benchmark chosen', 'This link has no ?benchmark= parameter.'), el('p', {}, el('a', { href: projectPath(project) }, 'Browse the benchmarks of ' + project)));
    return;
  }
  const controls = el('form', { class: 'controls', onsubmit: (e) => e.preventDefault() });
  const body = el('div', {}, loading('Loading series…'));
  page.append(controls, body);
  const charts = [];
  ctx.onCleanup(() => charts.forEach((c) => c.destroy()));
  const go = (change) => navigate(href(location.pathname, { ...state, ...change, layout: (change.layout ?? state.layout) === 'side' ? 'side' : '' }), { replace: true });

  // The benchmark's metrics and the project's testbeds/branches for the selectors.
  let info = null;
  let dims = { testbeds: [], branches: [] };
  try {
    const listing = await listBenchmarks(project, state.benchmark);
    info = listing.benchmarks.find((b) => b.name === state.benchmark) ?? null;
    dims = await projectDimensions(project, listing);
  } catch {
    /* the series request below reports what is wrong */
  }
  if (!ctx.current) return;
  const metrics = info?.metrics?.map((m) => m.name) ?? [];
  if (!state.metric && info) state.metric = defaultMetric(info)?.name ?? '';
  if (state.metric && !metrics.includes(state.metric)) metrics.push(state.metric);
  const testbedOptions = [['', autoTestbedLabel(dims.testbeds, dims.defaultTestbed)], ...dims.testbeds.map((t) => [t, t])];
  if (state.testbed && !dims.testbeds.includes(state.testbed)) testbedOptions.push([state.testbed, state.testbed]);
  const vsOptions = [['', 'none'], ...dims.testbeds.map((t) => [t, t])];
  if (state.vs && !dims.testbeds.includes(state.vs)) vsOptions.push([state.vs, state.vs]);
  controls.append(
    ...[
    selectField('Metric', 'metric', metrics.length ? [['', 'default'], ...metrics.map((m) => [m, m])] : [['', 'default']], state.metric, (v) => go({ metric: v })),
    selectField('Testbed', 'testbed', testbedOptions, state.testbed, (v) => go({ testbed: v })),
    branchField(dims.branches, state.branch, (v) => go({ branch: v })),
    selectField('Compare with testbed', 'vs', vsOptions, state.vs, (v) => go({ vs: v })),
    state.vs ? selectField('Layout', 'layout', [['overlay', 'overlaid'], ['side', 'side by side']], state.layout, (v) => go({ layout: v })) : null,
    selectField('Commits', 'limit', kLimits.map((l) => [l, `last ${l}`]), state.limit, (v) => go({ limit: v })),
    ].filter(Boolean),
  );
  ctx.restoreFocus(controls);

  const ask = (testbed) => getSeries(project, { benchmark: state.benchmark, metric: state.metric, branch: state.branch, testbed, limit: state.limit });
  let primary;
  let secondary = null;
  try {
    [primary, secondary] = await Promise.all([ask(state.testbed), state.vs ? ask(state.vs).catch((error) => ({ error })) : null]);
  } catch (error) {
    if (!ctx.current) return;
    if (error.status === 404) {
      body.replaceChildren(
        emptyState(`No series “${state.benchmark}”${state.metric ? ` / ${state.metric}` : ''}${state.testbed ? ` on ${state.testbed}` : ''}`, error.message),
        el('p', {}, el('a', { href: href(projectPath(project), { q: state.benchmark.split('/')[0] }) }, 'Search similar benchmarks')),
      );
    } else body.replaceChildren(errorBox(error, () => go({})));
    return;
  }
  if (!ctx.current) return;
  const unit = primary.unit ?? '';
  const primaryLabel = primary.testbed || state.testbed || 'default';
  const header = el(
    'p',
    { class: 'series-meta' },
    el('span', { class: 'metric-name' }, primary.metric ?? state.metric),
    ` · unit ${unit || 'count'} · `,
    directionBadge(primary.direction),
    ` · testbed ${primaryLabel}`,
    primary.branch ? ` · branch ${primary.branch}` : '',
    ` · ${primary.points.length} commits`,
  );
  body.replaceChildren(header);
  if (!primary.points.length) {
    body.append(emptyState('No data yet', `No results for ${state.benchmark} on testbed ${primaryLabel}${state.branch ? `, branch ${state.branch}` : ''}.`));
    return;
  }
  const last = primary.points[primary.points.length - 1];
  body.append(el('p', { class: 'latest' }, 'Latest: ', el('strong', {}, formatValue(last.value, unit)), ` (n=${last.n ?? '–'}) at `, el('code', {}, shortSha(last.commit)), `, ${formatTime(last.time)}`));

  const secondOk = secondary && !secondary.error && secondary.points?.length;
  if (secondary?.error) body.append(errorBox(secondary.error));
  else if (secondary && !secondary.points.length) body.append(emptyState(`No data yet on testbed ${state.vs}`));

  const onPointSelect = (commit) => highlightRow(commit);
  if (secondOk && state.layout === 'side') {
    const left = el('div', { class: 'chart-target' });
    const right = el('div', { class: 'chart-target' });
    body.append(
      el(
        'div',
        { class: 'side-by-side' },
        el('figure', {}, el('figcaption', {}, el('span', { class: 'swatch', style: 'background:var(--series-1)' }), `Testbed ${primaryLabel}`), left),
        el('figure', {}, el('figcaption', {}, el('span', { class: 'swatch', style: 'background:var(--series-2)' }), `Testbed ${secondary.testbed || state.vs}`), right),
      ),
    );
    // One value axis for both, so the two testbeds read against the same scale.
    const yRange = sharedRange([primary, secondary]);
    charts.push(trendChart(left, [{ label: primaryLabel, data: primary }], { height: 300, onPointSelect, yRange }));
    charts.push(trendChart(right, [{ label: secondary.testbed || state.vs, data: secondary }], { height: 300, onPointSelect, yRange, colorOffset: 1 }));
  } else {
    const target = el('div', { class: 'chart-target chart-main' });
    const list = [{ label: primaryLabel, data: primary }];
    if (secondOk) list.push({ label: secondary.testbed || state.vs, data: secondary });
    body.append(el('figure', {}, list.length > 1 ? legend(list) : null, target));
    charts.push(trendChart(target, list, { height: 340, onPointSelect }));
  }
  body.append(el('p', { class: 'hint muted' }, 'Drag to zoom, double-click to reset. Focus the chart and use ←/→, Home/End to step through commits.'));

  // Change points with links to the comparison that shows them.
  body.append(el('h2', {}, 'Change points'));
  const cps = primary.change_points;
  if (!cps.length) body.append(emptyState('No change points', 'No significant shift in this series.'));
  else {
    body.append(
      el(
        'table',
        { class: 'table change-points' },
        el('caption', { class: 'sr-only' }, `Change points of ${state.benchmark}`),
        el('thead', {}, el('tr', {}, ['Commit', 'Time', 'Before', 'After', 'Change', 'p-value', ''].map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          cps.map((cp) => {
            const quality = changeQuality(cp.change, primary.direction);
            const point = primary.points[cp.index];
            const prev = primary.points[cp.index - 1];
            return el(
              'tr',
              { class: `cp-row cp-row-${quality}`, 'data-commit': cp.commit },
              el('td', {}, el('code', {}, shortSha(cp.commit))),
              el('td', {}, formatTime(point?.time)),
              el('td', { class: 'num' }, formatValue(cp.before, unit)),
              el('td', { class: 'num' }, formatValue(cp.after, unit)),
              el('td', { class: `num change cp-${quality}` }, formatChange(cp.change), el('span', { class: 'sr-only' }, quality === 'bad' ? ' (regression)' : quality === 'good' ? ' (improvement)' : '')),
              el('td', { class: 'num' }, formatPValue(cp.p_value)),
              el('td', {}, prev ? el('a', { href: href(projectPath(project, 'compare'), { base: prev.commit, head: cp.commit }) }, 'compare') : ''),
            );
          }),
        ),
      ),
    );
  }

  // The points themselves, for reading without the chart.
  const tableHolder = el('div');
  const details = el('details', { class: 'data-table' }, el('summary', {}, `Data table (${primary.points.length} commits)`), tableHolder);
  details.addEventListener('toggle', () => {
    if (!details.open || tableHolder.childElementCount) return;
    tableHolder.append(pointsTable(primary, unit));
  });
  body.append(details);

  function highlightRow(commit) {
    for (const row of body.querySelectorAll('tr.selected')) row.classList.remove('selected');
    const row = [...body.querySelectorAll('tr.cp-row')].find((r) => r.dataset.commit === commit);
    row?.classList.add('selected');
  }
}

function legend(list) {
  const colors = ['var(--series-1)', 'var(--series-2)'];
  return el(
    'figcaption',
    { class: 'legend' },
    list.map((s, i) => el('span', { class: 'legend-item' }, el('span', { class: 'swatch', style: `background:${colors[i]}` }), `testbed ${s.label}`)),
  );
}

function pointsTable(series, unit) {
  const rows = [...series.points].reverse();
  return el(
    'table',
    { class: 'table points' },
    el('thead', {}, el('tr', {}, ['Commit', 'Time', 'Value', 'Min', 'Max', 'n'].map((h) => el('th', { scope: 'col' }, h)))),
    el(
      'tbody',
      {},
      rows.map((p) =>
        el(
          'tr',
          {},
          el('td', {}, el('code', {}, shortSha(p.commit))),
          el('td', {}, formatTime(p.time)),
          el('td', { class: 'num' }, formatValue(p.value, unit)),
          el('td', { class: 'num' }, formatValue(p.min, unit)),
          el('td', { class: 'num' }, formatValue(p.max, unit)),
          el('td', { class: 'num' }, p.n ?? '–'),
        ),
      ),
    ),
  );
}
