// Compare two commits or branches: /projects/P/compare?base=&head=
// A table of every benchmark with base, head, change, p-value and a coloured verdict.
import { getCompare, getDistribution, getSeries, listBenchmarks, defaultMetric } from '../api.js';
import { distributionPlot } from '../distribution.js';
import { el, emptyState, errorBox, inputField, loading, selectField } from '../dom.js';
import { changeQuality, formatChange, formatPValue, formatValue, shortSha } from '../format.js';
import { projectCrumbs, projectTabs } from '../layout.js';
import { href, navigate, projectPath } from '../router.js';
import { autoTestbedLabel, projectDimensions } from './project.js';

const kVerdictOrder = ['regressed', 'improved', 'inconclusive', 'new', 'missing', 'unchanged'];
const kVerdictText = {
  regressed: 'regressed',
  improved: 'improved',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
  new: 'new',
  missing: 'missing',
};

export async function renderCompare(root, { project }, query, ctx) {
  const base = query.base ?? '';
  const head = query.head ?? '';
  const filter = query.verdict ?? '';
  const dist = query.dist ?? '';
  const testbed = query.testbed ?? '';
  ctx.setTitle(`Compare · ${project}`);
  projectCrumbs(ctx, project, { label: 'Compare' });
  const form = el('form', { class: 'controls compare-form', 'aria-label': 'Choose what to compare' });
  const body = el('div');
  root.append(el('section', { class: 'page compare-page' }, el('h1', {}, 'Compare'), projectTabs(project, 'compare'), form, body));

  const baseField = inputField('Base (commit or branch)', 'base', base, { placeholder: 'main or a SHA', required: true });
  const headField = inputField('Head (commit or branch)', 'head', head, { placeholder: 'SHA or branch', required: true });
  form.append(
    baseField,
    headField,
    el('button', { type: 'submit', class: 'primary' }, 'Compare'),
    el('button', {
      type: 'button',
      class: 'secondary',
      'aria-label': 'Swap base and head',
      onclick: () => {
        const b = baseField.querySelector('input');
        const h = headField.querySelector('input');
        [b.value, h.value] = [h.value, b.value];
      },
    }, '⇄ Swap'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const b = baseField.querySelector('input').value.trim();
    const h = headField.querySelector('input').value.trim();
    const t = form.querySelector('select[name=testbed]')?.value ?? testbed;
    if (b && h) navigate(href(location.pathname, { base: b, head: h, testbed: t }));
  });
  const quick = el('p', { class: 'quick-links muted' });
  form.after(quick);
  suggest(project, [baseField, headField], quick, ctx, ({ testbeds, defaultTestbed }) => {
    // Only the project's real testbeds; the empty choice names the one the server picks.
    if (!testbeds.length) return;
    const options = [['', autoTestbedLabel(testbeds, defaultTestbed)], ...testbeds.map((t) => [t, t])];
    if (testbed && !testbeds.includes(testbed)) options.push([testbed, testbed]);
    const field = selectField('Testbed', 'testbed', options, testbed, (v) => {
      if (base && head) navigate(href(location.pathname, { base, head, testbed: v, verdict: filter }), { replace: true });
    });
    form.insertBefore(field, form.querySelector('button[type=submit]'));
    ctx.restoreFocus(form);
  });

  if (!base || !head) {
    body.append(emptyState('Choose two commits or branches', 'Enter a base and a head: a full SHA, a unique prefix of at least 7 characters, or a branch name such as main.'));
    return;
  }
  body.append(loading(`Comparing ${base} with ${head}…`));
  let result;
  try {
    result = await getCompare(project, base, head, testbed);
  } catch (error) {
    if (ctx.current) body.replaceChildren(errorBox(error, () => navigate(location.pathname + location.search, { replace: true })));
    return;
  }
  if (!ctx.current) return;
  const rows = Array.isArray(result?.benchmarks) ? result.benchmarks : [];
  const summary = result?.summary ?? {};
  const counts = {};
  for (const r of rows) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
  const side = (s, fallback) => (s && typeof s === 'object' ? s.commit ?? s.sha ?? s.ref ?? s.name ?? fallback : s ?? fallback);

  body.replaceChildren(
    el(
      'p',
      { class: 'compare-what' },
      'Base ',
      el('code', {}, shortOrRef(side(result.base, base))),
      ' → head ',
      el('code', {}, shortOrRef(side(result.head, head))),
      result.base?.testbed ? ` on testbed ${result.base.testbed}` : '',
      ' · ',
      el('a', { href: `/api/v1/projects/${encodeURIComponent(project)}/compare?base=${encodeURIComponent(base)}&head=${encodeURIComponent(head)}&format=markdown${testbed ? `&testbed=${encodeURIComponent(testbed)}` : ''}`, target: '_blank', rel: 'noopener' }, 'Markdown for a PR comment'),
    ),
    el(
      'ul',
      { class: 'summary-chips', 'aria-label': 'Summary' },
      kVerdictOrder
        .filter((v) => (summary[v] ?? counts[v] ?? 0) > 0 || ['regressed', 'improved', 'unchanged'].includes(v))
        .map((v) => el('li', { class: `chip verdict-${v}` }, el('strong', {}, String(summary[v] ?? counts[v] ?? 0)), ` ${kVerdictText[v]}`)),
      Number.isFinite(summary.geomean_ratio) ? el('li', { class: 'chip' }, 'geomean ', el('strong', {}, formatChange(summary.geomean_ratio - 1))) : null,
    ),
  );
  if (!rows.length) {
    body.append(emptyState('No benchmarks to compare', 'Neither side has results for any benchmark.'));
    return;
  }
  body.append(
    el(
      'div',
      { class: 'controls' },
      selectField('Show', 'verdict', [['', `all (${rows.length})`], ...kVerdictOrder.filter((v) => counts[v]).map((v) => [v, `${v} (${counts[v]})`])], filter, (v) =>
        navigate(href(location.pathname, { base, head, testbed, verdict: v }), { replace: true }),
      ),
    ),
  );
  const shown = rows
    .filter((r) => !filter || r.verdict === filter)
    .sort((a, b) => rank(a.verdict) - rank(b.verdict) || Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0) || String(a.name).localeCompare(String(b.name)));
  body.append(
    el(
      'div',
      { class: 'table-scroll' },
      el(
        'table',
        { class: 'table compare-table' },
        el('caption', { class: 'sr-only' }, `Comparison of ${base} and ${head}`),
        el('thead', {}, el('tr', {}, ['Benchmark', 'Metric', 'Base', 'Head', 'Change', 'p-value', 'Ratio 95% CI', 'Verdict', 'Spread'].map((h) => el('th', { scope: 'col' }, h)))),
        el(
          'tbody',
          {},
          shown.flatMap((r) => {
            const spread = el('button', { type: 'button', class: 'link-button spread-button', 'aria-expanded': 'false', 'aria-label': `Samples of ${r.name}`, onclick: () => toggleSpread(r, spread) }, 'samples');
            return [el(
              'tr',
              { class: `verdict-row verdict-${r.verdict}`, 'data-benchmark': r.name, 'data-verdict': r.verdict },
              el('td', {}, el('a', { href: href(projectPath(project, 'series'), { benchmark: r.name, metric: r.metric, testbed }) }, r.name)),
              el('td', {}, r.metric ?? ''),
              el('td', { class: 'num' }, stat(r.base, r.unit)),
              el('td', { class: 'num' }, stat(r.head, r.unit)),
              el('td', { class: `num ${r.verdict === 'regressed' || r.verdict === 'improved' ? `cp-${changeQuality(r.change, r.direction)}` : ''}` }, formatChange(r.change)),
              el('td', { class: 'num' }, formatPValue(r.p_value)),
              el('td', { class: 'num' }, Number.isFinite(r.ci_low) && Number.isFinite(r.ci_high) ? `${r.ci_low.toFixed(3)} – ${r.ci_high.toFixed(3)}` : '–'),
              el('td', {}, el('span', { class: `badge verdict verdict-${r.verdict}` }, kVerdictText[r.verdict] ?? r.verdict ?? '?'), r.repetitions_needed ? el('span', { class: 'muted small' }, ` needs ~${r.repetitions_needed} reps`) : null),
              el('td', {}, spread),
            )];
          }),
        ),
      ),
    ),
  );

  // The distribution view: both sides' samples of one benchmark, under its row.
  async function toggleSpread(r, button) {
    const row = button.closest('tr');
    const open = row.nextElementSibling?.classList.contains('distribution-row') ? row.nextElementSibling : null;
    if (open) {
      open.remove();
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    button.setAttribute('aria-expanded', 'true');
    const cell = el('td', { colspan: '9' }, loading(`Loading the samples of ${r.name}…`));
    row.after(el('tr', { class: 'distribution-row', 'data-benchmark': r.name }, cell));
    const baseSha = side(result.base, base);
    const headSha = side(result.head, head);
    try {
      const d = await getDistribution(project, { base: baseSha, head: headSha, benchmark: r.name, metric: r.metric, testbed });
      if (!ctx.current) return;
      const sides = [
        { label: `base ${shortOrRef(d.base?.sha ?? baseSha)}`, samples: d.base?.samples ?? [] },
        { label: `head ${shortOrRef(d.head?.sha ?? headSha)}`, samples: d.head?.samples ?? [] },
      ];
      cell.replaceChildren(el('p', { class: 'small muted' }, `${d.benchmark ?? r.name} · ${d.metric ?? r.metric ?? ''} · ${sides[0].samples.length} base and ${sides[1].samples.length} head samples (box: quartiles and median; whiskers: min–max)`), distributionPlot(sides, d.unit ?? r.unit));
    } catch (error) {
      if (ctx.current) cell.replaceChildren(errorBox(error));
    }
  }
  if (dist) {
    const button = body.querySelector(`tr[data-benchmark="${CSS.escape(dist)}"] .spread-button`);
    if (button) {
      button.closest('tr').scrollIntoView({ block: 'center' });
      toggleSpread(shown.find((r) => r.name === dist), button);
    }
  }
}

function rank(verdict) {
  const i = kVerdictOrder.indexOf(verdict);
  return i < 0 ? kVerdictOrder.length : i;
}

function shortOrRef(text) {
  return /^[0-9a-f]{12,}$/i.test(text) ? shortSha(text) : text;
}

function stat(side, unit) {
  if (!side || typeof side !== 'object') return '–';
  const n = side.n ?? null;
  const text = formatValue(side.median ?? side.mean, unit);
  return n !== null ? `${text} (n=${n})` : text;
}

/** Fills the inputs' suggestions: branches, then the latest commits of one series. */
async function suggest(project, fields, quick, ctx, onTestbeds) {
  try {
    const listing = await listBenchmarks(project, '');
    const dims = await projectDimensions(project, listing);
    if (ctx.current) onTestbeds(dims);
    const first = listing.benchmarks[0];
    let commits = [];
    if (first) {
      const series = await getSeries(project, { benchmark: first.name, metric: defaultMetric(first)?.name, limit: 20 });
      commits = [...series.points].reverse().map((p) => [p.commit, `${shortSha(p.commit)} · ${p.time ?? ''}`]);
    }
    if (!ctx.current) return;
    if (commits.length >= 2) {
      const link = (b, h, text) => el('a', { href: href(projectPath(project, 'compare'), { base: b, head: h, testbed }) }, text);
      quick.replaceChildren(
        el(
          'span',
          {},
          'Quick: ',
        link(commits[1][0], commits[0][0], `newest commit ${shortSha(commits[0][0])} vs the one before`),
          commits.length >= 11 ? [' · ', link(commits[10][0], commits[0][0], 'newest vs 10 commits back')] : null,
        ),
      );
    }
    const options = [...dims.branches.map((b) => [b, `branch ${b}`]), ...commits];
    for (const field of fields) {
      const input = field.querySelector('input');
      const listId = `${input.id}-list`;
      input.setAttribute('list', listId);
      field.append(el('datalist', { id: listId }, options.map(([v, l]) => el('option', { value: v }, l))));
    }
  } catch {
    /* suggestions are a convenience */
  }
}
