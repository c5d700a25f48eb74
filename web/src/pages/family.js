// A parameterised family (BM_Parse/64, BM_Parse/1024, ...) plotted against its
// parameter: the latest value of each member, the oldest value shown for contrast,
// and optionally a second testbed.
import { defaultMetric, getSeries, listBenchmarks } from '../api.js';
import { familyChart } from '../chart.js';
import { el, emptyState, errorBox, loading, selectField } from '../dom.js';
import { groupFamilies, splitName } from '../families.js';
import { changeQuality, formatChange, formatValue, shortSha } from '../format.js';
import { directionBadge, projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath } from '../router.js';
import { autoTestbedLabel, branchField, projectDimensions } from './project.js';

export async function renderFamily(root, { project }, query, ctx) {
  const state = { name: query.name ?? '', metric: query.metric ?? '', testbed: query.testbed ?? '', branch: query.branch ?? '', vs: query.vs ?? '', limit: query.limit ?? '300', y: query.y ?? '' };
  ctx.setTitle(`${state.name} family · ${project}`);
  projectCrumbs(ctx, project, { label: `${state.name}/*` });
  const controls = el('form', { class: 'controls', onsubmit: (e) => e.preventDefault() });
  const body = el('div', {}, loading('Loading family…'));
  root.append(el('section', { class: 'page family-page' }, el('h1', {}, `${state.name}/`, el('span', { class: 'muted' }, '{parameter}')), projectTabs(project, 'trends'), controls, body));
  const charts = [];
  ctx.onCleanup(() => charts.forEach((c) => c.destroy()));
  const go = (change) => navigate(href(location.pathname, { ...state, ...change }), { replace: true });

  let listing;
  try {
    listing = await listBenchmarks(project, state.name);
  } catch (error) {
    if (ctx.current) body.replaceChildren(errorBox(error, () => go({})));
    return;
  }
  if (!ctx.current) return;
  const names = listing.benchmarks.map((b) => b.name).filter((n) => splitName(n).family === state.name);
  const family = groupFamilies(names).find((f) => f.name === state.name && !f.single);
  if (!family) {
    body.replaceChildren(emptyState(`No family “${state.name}”`, 'A family needs at least two benchmarks named family/parameter.'), el('p', {}, el('a', { href: href(projectPath(project), { q: state.name }) }, `Search “${state.name}”`)));
    return;
  }
  const byName = new Map(listing.benchmarks.map((b) => [b.name, b]));
  const metricNames = [...new Set(family.members.flatMap((m) => byName.get(m.benchmark)?.metrics?.map((x) => x.name) ?? []))];
  const metric = state.metric || defaultMetric(byName.get(family.members[0].benchmark))?.name || '';
  const dims = await projectDimensions(project, listing);
  if (!ctx.current) return;
  const opts = (list, none) => [['', none], ...list.map((x) => [x, x])];
  controls.append(
    selectField('Metric', 'metric', metricNames.length ? metricNames.map((m) => [m, m]) : [[metric, metric || 'default']], metric, (v) => go({ metric: v })),
    selectField('Testbed', 'testbed', opts(dims.testbeds, autoTestbedLabel(dims.testbeds, dims.defaultTestbed)), state.testbed, (v) => go({ testbed: v })),
    branchField(dims.branches, state.branch, (v) => go({ branch: v })),
    selectField('Compare with testbed', 'vs', opts(dims.testbeds, 'none'), state.vs, (v) => go({ vs: v })),
    selectField('Value axis', 'y', [['', 'automatic'], ['linear', 'linear'], ['log', 'logarithmic']], state.y, (v) => go({ y: v })),
  );
  ctx.restoreFocus(controls);

  const fetchAll = (testbed) =>
    Promise.all(
      family.members.map((m) =>
        getSeries(project, { benchmark: m.benchmark, metric, testbed, branch: state.branch, limit: state.limit }).catch((error) => ({ error, points: [], change_points: [] })),
      ),
    );
  const [primary, secondary] = await Promise.all([fetchAll(state.testbed), state.vs ? fetchAll(state.vs) : null]);
  if (!ctx.current) return;
  const withData = primary.filter((s) => s.points.length);
  if (!withData.length) {
    const failure = primary.find((s) => s.error);
    body.replaceChildren(failure ? errorBox(failure.error, () => go({})) : emptyState('No data yet', `No member of ${state.name} has results on this testbed and branch.`));
    return;
  }
  const unit = withData[0].unit ?? '';
  const direction = withData[0].direction;
  const latest = (s) => s.points[s.points.length - 1] ?? null;
  const first = (s) => s.points[0] ?? null;
  const lines = [
    {
      label: `latest (${withData[0].testbed || state.testbed || 'default'})`,
      values: primary.map((s) => latest(s)?.value ?? null),
      mins: primary.map((s) => latest(s)?.min ?? latest(s)?.value ?? null),
      maxs: primary.map((s) => latest(s)?.max ?? latest(s)?.value ?? null),
    },
  ];
  if (secondary) {
    lines.push({
      label: `latest (${state.vs})`,
      values: secondary.map((s) => latest(s)?.value ?? null),
      mins: secondary.map((s) => latest(s)?.min ?? latest(s)?.value ?? null),
      maxs: secondary.map((s) => latest(s)?.max ?? latest(s)?.value ?? null),
    });
  }
  lines.push({ label: `oldest shown (${state.limit} commits back)`, values: primary.map((s) => first(s)?.value ?? null), dash: [6, 4] });

  const target = el('div', { class: 'chart-target chart-main' });
  const colors = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)'];
  body.replaceChildren(
    el('p', { class: 'series-meta' }, el('span', { class: 'metric-name' }, metric), ` · unit ${unit || 'count'} · `, directionBadge(direction), ` · ${family.members.length} parameters${family.numeric ? '' : ' (categorical)'}`),
    el('figure', {}, el('figcaption', { class: 'legend' }, lines.map((l, i) => el('span', { class: 'legend-item' }, el('span', { class: `swatch${l.dash ? ' dashed' : ''}`, style: `background:${colors[i]}` }), l.label))), target),
  );
  charts.push(familyChart(target, { members: family.members, lines, unit, numeric: family.numeric, logY: state.y === 'log' ? true : state.y === 'linear' ? false : 'auto' }));

  body.append(
    el(
      'table',
      { class: 'table family-table' },
      el('caption', { class: 'sr-only' }, `Members of ${state.name}`),
      el('thead', {}, el('tr', {}, ['Parameter', 'Benchmark', 'Latest', secondary ? `Latest (${state.vs})` : null, 'Oldest shown', 'Change', 'Commit'].filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        family.members.map((m, i) => {
          const s = primary[i];
          const l = latest(s);
          const f = first(s);
          const change = l && f && f.value ? l.value / f.value - 1 : null;
          return el(
            'tr',
            {},
            el('td', {}, m.parameter),
            el('td', {}, el('a', { href: href(projectPath(project, 'series'), { benchmark: m.benchmark, metric, testbed: state.testbed, branch: state.branch, vs: state.vs }) }, m.benchmark)),
            el('td', { class: 'num' }, l ? formatValue(l.value, unit) : s.error ? 'error' : 'no data yet'),
            secondary ? el('td', { class: 'num' }, latest(secondary[i]) ? formatValue(latest(secondary[i]).value, unit) : 'no data yet') : null,
            el('td', { class: 'num' }, f ? formatValue(f.value, unit) : '–'),
            // Colour only a change as large as the default threshold (5%): smaller is noise.
            el('td', { class: `num${Math.abs(change ?? 0) >= 0.05 ? ` cp-${changeQuality(change, direction)}` : ''}` }, formatChange(change)),
            el('td', {}, l ? el('code', {}, shortSha(l.commit)) : '–'),
          );
        }),
      ),
    ),
  );
}
