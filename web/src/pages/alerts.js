// A project's alerts: regressions the server found in the history.
import { listAlerts } from '../api.js';
import { el, emptyState, errorBox, loading, selectField } from '../dom.js';
import { changeQuality, formatChange, formatPValue, formatTime, formatValue, shortSha } from '../format.js';
import { projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath } from '../router.js';

export async function renderAlerts(root, { project }, query, ctx) {
  ctx.setTitle(`Alerts · ${project}`);
  projectCrumbs(ctx, project, { label: 'Alerts' });
  const body = el('div', {}, loading('Loading alerts…'));
  root.append(el('section', { class: 'page alerts-page' }, el('h1', {}, 'Alerts'), projectTabs(project, 'alerts'), body));
  const load = async () => {
    body.replaceChildren(loading('Loading alerts…'));
    let alerts;
    try {
      alerts = await listAlerts(project);
    } catch (error) {
      if (!ctx.current) return;
      body.replaceChildren(error.status === 404 ? emptyState(`No project named “${project}”`) : errorBox(error, load));
      return;
    }
    if (!ctx.current) return;
    if (!alerts.length) {
      body.replaceChildren(emptyState('No alerts', 'No series of this project has a regression the server alerts on.'));
      return;
    }
    // Client-side filters, kept in the URL so a filtered list can be linked.
    const values = (key) => [...new Set(alerts.map((a) => a[key]).filter(Boolean))].sort();
    const filters = { kind: query.kind ?? '', testbed: query.testbed ?? '', metric: query.metric ?? '' };
    const shown = alerts.filter((a) => Object.entries(filters).every(([k, v]) => !v || a[k] === v));
    const filterField = (label, key) =>
      values(key).length > 1 || filters[key]
        ? selectField(label, key, [['', 'all'], ...values(key).map((v) => [v, v])], filters[key], (v) =>
            navigate(href(location.pathname, { ...filters, [key]: v }), { replace: true }),
          )
        : null;
    const controls = el('form', { class: 'controls', onsubmit: (e) => e.preventDefault() }, filterField('Kind', 'kind'), filterField('Testbed', 'testbed'), filterField('Metric', 'metric'));
    body.replaceChildren(
      controls,
      el('p', { class: 'muted', 'aria-live': 'polite' }, `${shown.length === alerts.length ? '' : `${shown.length} of `}${alerts.length} alert${alerts.length === 1 ? '' : 's'}`),
      el(
        'div',
        { class: 'table-scroll' },
        el(
          'table',
          { class: 'table alerts-table' },
          el('caption', { class: 'sr-only' }, `Alerts of ${project}`),
          el('thead', {}, el('tr', {}, ['When', 'Benchmark', 'Metric', 'Testbed', 'Branch', 'Commit', 'Before → after', 'Change', 'p-value', 'Kind'].map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, shown.map((a) => alertRow(project, a))),
        ),
      ),
    );
    ctx.restoreFocus(controls);
  };
  load();
}

function alertRow(project, a) {
  const benchmark = a.benchmark ?? a.name ?? '';
  const commit = a.commit ?? a.head ?? '';
  const kind = a.kind ?? a.verdict ?? '';
  const quality = /improve/.test(kind) ? 'good' : /regress/.test(kind) ? 'bad' : changeQuality(a.change, a.direction);
  const seriesLink = href(projectPath(project, 'series'), { benchmark, metric: a.metric, testbed: a.testbed, branch: a.branch });
  const base = a.base ?? a.base_commit ?? a.previous_commit;
  const status = a.status ?? (kind || (quality === 'bad' ? 'regression' : quality === 'good' ? 'improvement' : ''));
  return el(
    'tr',
    { class: `alert-row alert-${quality}`, 'data-benchmark': benchmark, 'data-kind': kind },
    el('td', {}, formatTime(a.time ?? a.created_at ?? a.commit_time)),
    el('td', {}, el('a', { href: seriesLink }, benchmark)),
    el('td', {}, a.metric ?? ''),
    el('td', {}, a.testbed ?? ''),
    el('td', {}, a.branch ?? ''),
    el('td', {}, commit ? (base ? el('a', { href: href(projectPath(project, 'compare'), { base, head: commit, testbed: a.testbed }), title: 'Compare with the commit before' }, el('code', {}, shortSha(commit))) : el('code', {}, shortSha(commit))) : '–'),
    el('td', { class: 'num' }, Number.isFinite(a.before) || Number.isFinite(a.after) ? `${formatValue(a.before, a.unit)} → ${formatValue(a.after, a.unit)}` : '–'),
    el('td', { class: `num cp-${quality}` }, formatChange(a.change)),
    el('td', { class: 'num' }, formatPValue(a.p_value)),
    el('td', {}, status ? el('span', { class: `badge verdict verdict-${quality === 'bad' ? 'regressed' : quality === 'good' ? 'improved' : 'inconclusive'}` }, status) : ''),
  );
}
