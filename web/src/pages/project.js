// A project's trends (/projects/P/trends, one click from the overview): a benchmark
// search, testbed and branch selectors, and one trend chart per benchmark, grouped
// into parameterised families.
import { defaultMetric, getOverview, getSeries, listBenchmarks, listProjects } from '../api.js';
import { trendChart } from '../chart.js';
import { el, emptyState, errorBox, inputField, loading, selectField } from '../dom.js';
import { groupFamilies } from '../families.js';
import { changeQuality, formatChange, formatValue, shortSha } from '../format.js';
import { directionBadge, projectCrumbs, projectTabs, queue } from '../layout.js';
import { href, projectPath, setQuery } from '../router.js';

const kPageSize = 24;
const kChartPoints = 500;

/**
 * Testbeds and branches for the selectors, and the server's defaults
 * ({testbeds, branches, mainline, defaultTestbed}): from the overview, which names the
 * project's real testbeds and its mainline, else the benchmarks response or the project entry.
 */
export async function projectDimensions(project, fromBenchmarks) {
  let testbeds = fromBenchmarks?.testbeds ?? [];
  let branches = fromBenchmarks?.branches ?? [];
  let mainline = '';
  let defaultTestbed = '';
  try {
    const overview = await getOverview(project);
    if (overview.testbeds.length) testbeds = overview.testbeds;
    if (overview.branches.length) branches = overview.branches;
    mainline = overview.baseline_branch || overview.branch || '';
    defaultTestbed = overview.testbed || '';
  } catch {
    /* a server without the overview: the lists below */
  }
  if (!testbeds.length || !branches.length) {
    try {
      const entry = (await listProjects()).find((p) => p.name === project);
      const names = (list) => (Array.isArray(list) ? list.map((x) => (typeof x === 'string' ? x : x?.name)).filter(Boolean) : []);
      if (!testbeds.length) testbeds = names(entry?.testbeds);
      if (!branches.length) branches = names(entry?.branches);
    } catch {
      /* selectors fall back to the server's defaults */
    }
  }
  return { testbeds, branches, mainline, defaultTestbed };
}

/** The branch to ask the API for: "*" is every branch, empty is the mainline. */
export function apiBranch(value, mainline) {
  if (value === '*') return '';
  return value || mainline || '';
}

/** The label of the empty testbed choice: the testbed the server picks (from the overview), else a guess. */
export function autoTestbedLabel(testbeds, serverDefault = '') {
  if (serverDefault) return `auto (${serverDefault})`;
  if (!testbeds.length) return 'auto';
  return `auto (${testbeds.includes('default') ? 'default' : testbeds[0]})`;
}

/**
 * Testbed and branch selectors. The branch is a <select> when the server lists
 * branches (the mainline selected by default), else a text box (empty = every
 * branch) applied on Enter or blur.
 */
export function dimensionSelectors({ testbeds, branches, mainline, defaultTestbed }, state, onChange) {
  const testbedOptions = [['', autoTestbedLabel(testbeds, defaultTestbed)], ...testbeds.map((t) => [t, t])];
  if (state.testbed && !testbeds.includes(state.testbed)) testbedOptions.push([state.testbed, state.testbed]);
  const fields = [selectField('Testbed', 'testbed', testbedOptions, state.testbed ?? '', (v) => onChange({ testbed: v })), branchField(branches, state.branch ?? '', (v) => onChange({ branch: v }), mainline)];
  if ('vs' in state && testbeds.length > 1) {
    const vsOptions = [['', 'none'], ...testbeds.map((t) => [t, t])];
    if (state.vs && !testbeds.includes(state.vs)) vsOptions.push([state.vs, state.vs]);
    fields.push(selectField('Overlay testbed', 'vs', vsOptions, state.vs, (v) => onChange({ vs: v })));
  }
  return fields;
}

export function branchField(branches, value, onChange, mainline = '') {
  if (branches.length && mainline) {
    // The mainline is the default (empty value); every branch is an explicit choice.
    const options = [['*', 'all branches'], ...branches.map((b) => [b === mainline ? '' : b, b === mainline ? `${b} (mainline)` : b])];
    if (!branches.includes(mainline)) options.splice(1, 0, ['', `${mainline} (mainline)`]);
    if (value && value !== '*' && !branches.includes(value)) options.push([value, value]);
    return selectField('Branch', 'branch', options, value === mainline ? '' : value, onChange);
  }
  if (branches.length) {
    const options = [['', 'all branches'], ...branches.map((b) => [b, b])];
    if (value && !branches.includes(value)) options.push([value, value]);
    return selectField('Branch', 'branch', options, value, onChange);
  }
  const field = inputField('Branch', 'branch', value, { placeholder: 'all branches', suggestions: ['main', 'master'] });
  const input = field.querySelector('input');
  input.classList.add('short-input');
  let last = value;
  const apply = () => {
    const v = input.value.trim();
    if (v !== last) {
      last = v;
      onChange(v);
    }
  };
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      apply();
    }
  });
  return field;
}

export async function renderTrends(root, { project }, query, ctx) {
  ctx.setTitle(project);
  projectCrumbs(ctx, project);
  const state = { q: query.q ?? '', testbed: query.testbed ?? '', branch: query.branch ?? '', vs: query.vs ?? '' };
  const controls = el('form', { class: 'controls', role: 'search', onsubmit: (e) => e.preventDefault() });
  const summary = el('p', { class: 'result-count muted', 'aria-live': 'polite' });
  const results = el('div', { class: 'results' }, loading('Loading benchmarks…'));
  root.append(el('section', { class: 'page' }, el('h1', {}, project), projectTabs(project, 'trends'), controls, summary, results));

  const charts = [];
  ctx.onCleanup(() => charts.forEach((c) => c.destroy()));
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        entry.target._load?.();
      }
    },
    { rootMargin: '300px' },
  );
  ctx.onCleanup(() => observer.disconnect());
  const run = queue(4);

  let dims = { testbeds: [], branches: [] };
  let requestId = 0;

  const search = inputField('Search benchmarks', 'q', state.q, { type: 'search', placeholder: 'e.g. BM_Parse or throughput' });
  const searchInput = search.querySelector('input');
  let debounce = null;
  searchInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      state.q = searchInput.value.trim();
      setQuery(state);
      load();
    }, 200);
  });
  ctx.onCleanup(() => clearTimeout(debounce));

  dims = await projectDimensions(project, null);
  if (!ctx.current) return;
  const renderControls = () => {
    const selectors = dimensionSelectors(dims, state, (change) => {
      Object.assign(state, change);
      setQuery(state);
      load();
    });
    controls.replaceChildren(search, ...selectors);
  };
  renderControls();

  async function load() {
    const id = ++requestId;
    charts.splice(0).forEach((c) => c.destroy());
    results.replaceChildren(loading('Loading benchmarks…'));
    summary.textContent = '';
    let listing;
    try {
      listing = await listBenchmarks(project, state.q);
    } catch (error) {
      if (!ctx.current || id !== requestId) return;
      if (error.status === 404) {
        controls.hidden = true;
        results.replaceChildren(emptyState(`No project named “${project}”`, 'Check the name, or see all projects.'), el('p', {}, el('a', { href: '/' }, 'All projects')));
      } else results.replaceChildren(errorBox(error, load));
      return;
    }
    if (!ctx.current || id !== requestId) return;
    if (!dims.testbeds.length && !dims.branches.length && listing.testbeds.length + listing.branches.length) {
      dims = await projectDimensions(project, listing);
      if (!ctx.current || id !== requestId) return;
      const focused = document.activeElement === searchInput;
      renderControls();
      if (focused) searchInput.focus();
    }
    const { benchmarks } = listing;
    if (!benchmarks.length) {
      results.replaceChildren(
        state.q
          ? emptyState(`No benchmark matches “${state.q}”`, 'Try a shorter or different search.')
          : emptyState('No data yet', `Project ${project} has no benchmarks yet. Results appear here after the first \`perfgate ingest\`.`),
      );
      summary.textContent = '0 benchmarks';
      return;
    }
    const byName = new Map(benchmarks.map((b) => [b.name, b]));
    const families = groupFamilies(benchmarks.map((b) => b.name));
    const familyCount = families.filter((f) => !f.single).length;
    summary.textContent = `${benchmarks.length} benchmark${benchmarks.length === 1 ? '' : 's'}${familyCount ? ` in ${familyCount} parameterised famil${familyCount === 1 ? 'y' : 'ies'}` : ''}${state.q ? ` matching “${state.q}”` : ''}`;

    // Families first rendered as sections; cards are added page by page.
    const cards = [];
    for (const family of families) {
      for (const member of family.members) cards.push({ family, member, benchmark: byName.get(member.benchmark) });
    }
    results.replaceChildren();
    let shown = 0;
    let currentSection = null;
    let currentFamily = null;
    const more = el('button', { type: 'button', class: 'more-button', onclick: () => showMore() });
    const showMore = () => {
      const end = Math.min(cards.length, shown + kPageSize);
      for (; shown < end; shown++) {
        const { family, benchmark } = cards[shown];
        if (family !== currentFamily) {
          currentFamily = family;
          currentSection = familySection(project, family, { ...state, branch: apiBranch(state.branch, dims.mainline) });
          results.insertBefore(currentSection, more.isConnected ? more : null);
        }
        currentSection.querySelector('.cards').append(benchmarkCard(project, benchmark, state, { observer, run, charts, ctx, isCurrent: () => id === requestId, branch: apiBranch(state.branch, dims.mainline) }));
      }
      if (shown < cards.length) {
        more.textContent = `Show ${Math.min(kPageSize, cards.length - shown)} more of ${cards.length - shown} remaining`;
        if (!more.isConnected) results.append(more);
      } else more.remove();
    };
    showMore();
  }

  load();
}

function familySection(project, family, state) {
  const heading = family.single
    ? null
    : el(
        'header',
        { class: 'family-header' },
        el('h2', {}, family.name, el('span', { class: 'muted' }, ` · ${family.members.length} parameters`)),
        el('a', { class: 'family-link', href: href(projectPath(project, 'family'), { name: family.name, testbed: state.testbed, branch: state.branch }) }, 'Plot against parameter →'),
      );
  return el('section', { class: `family${family.single ? ' family-single' : ''}`, 'data-family': family.single ? null : family.name }, heading, el('ul', { class: 'cards chart-cards' }));
}

function benchmarkCard(project, benchmark, state, { observer, run, charts, ctx, isCurrent, branch }) {
  const metric = defaultMetric(benchmark);
  const link = href(projectPath(project, 'series'), { benchmark: benchmark.name, metric: metric?.name, testbed: state.testbed, branch, vs: state.vs });
  const chartBox = el('div', { class: 'chart-box', 'data-benchmark': benchmark.name }, el('div', { class: 'chart-placeholder' }, 'Chart loads when scrolled into view'));
  const facts = el('p', { class: 'card-facts muted' });
  const card = el(
    'li',
    { class: 'card chart-card' },
    el('h3', {}, el('a', { href: link, class: 'benchmark-link' }, benchmark.name)),
    state.vs ? el('p', { class: 'legend small' }, el('span', { class: 'legend-item' }, el('span', { class: 'swatch', style: 'background:var(--series-1)' }), state.testbed || 'default'), el('span', { class: 'legend-item' }, el('span', { class: 'swatch', style: 'background:var(--series-2)' }), state.vs)) : null,
    el('p', { class: 'card-meta' }, el('span', { class: 'metric-name' }, metric?.name ?? 'no metric'), metric?.direction ? directionBadge(metric.direction) : null),
    chartBox,
    facts,
  );
  chartBox._load = () =>
    run(async () => {
      if (!ctx.current || !isCurrent()) return;
      chartBox.replaceChildren(loading('Loading series…'));
      try {
        const ask = (testbed) => getSeries(project, { benchmark: benchmark.name, metric: metric?.name, testbed, branch, limit: kChartPoints });
        const [series, other] = await Promise.all([ask(state.testbed), state.vs ? ask(state.vs).catch(() => null) : null]);
        if (!ctx.current || !isCurrent()) return;
        if (!series.points.length) {
          chartBox.replaceChildren(emptyState('No data yet', 'This series has no points on this testbed and branch.'));
          chartBox.dataset.points = '0';
          return;
        }
        const target = el('div', { class: 'chart-target' });
        chartBox.replaceChildren(target);
        const list = [{ label: series.testbed || state.testbed || 'default', data: series }];
        if (other?.points?.length) list.push({ label: other.testbed || state.vs, data: other });
        charts.push(trendChart(target, list, { height: 170, compact: true }));
        chartBox.dataset.points = String(series.points.length);
        const last = series.points[series.points.length - 1];
        const cps = series.change_points;
        const lastCp = cps[cps.length - 1];
        facts.replaceChildren(
          'latest ',
          el('strong', {}, formatValue(last.value, series.unit)),
          ` at ${shortSha(last.commit)} · ${series.points.length} commits`,
          lastCp
            ? el('span', { class: `cp-note cp-${changeQuality(lastCp.change, series.direction)}` }, ` · last change ${formatChange(lastCp.change)} at ${shortSha(lastCp.commit)}`)
            : ' · no change points',
        );
      } catch (error) {
        if (ctx.current) chartBox.replaceChildren(errorBox(error, () => chartBox._load()));
      }
    });
  observer.observe(chartBox);
  return card;
}
