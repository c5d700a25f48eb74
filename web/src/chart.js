// Charts on uPlot: a trend chart (value over commits with a min–max band, change
// points marked with their % change, a tooltip that the mouse and the keyboard
// both drive) and a family chart (value against the benchmark's parameter).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisFormatter, changeQuality, formatChange, formatDate, formatPValue, formatTime, formatValue, shortSha } from './format.js';
import { el } from './dom.js';

function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Line colours, in order: one per overlaid series. Read from CSS so dark mode applies. */
function palette() {
  return [cssVar('--series-1', '#2563eb'), cssVar('--series-2', '#d97706'), cssVar('--series-3', '#059669'), cssVar('--series-4', '#9333ea')];
}

function withAlpha(color, alpha) {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function axisStyle() {
  const stroke = cssVar('--muted', '#555');
  const grid = cssVar('--grid', '#e5e7eb');
  return { stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
}

/**
 * Aligns several series on one x axis of commits: the union of their commits,
 * ordered by time (then by first appearance). Returns {commits:[{commit,time}],
 * rows:[[point|null per commit] per series]}.
 */
export function alignByCommit(seriesList) {
  const seen = new Map();
  let order = 0;
  for (const s of seriesList) {
    for (const p of s.points) {
      if (seen.has(p.commit)) continue;
      const t = Date.parse(p.time);
      seen.set(p.commit, { commit: p.commit, time: p.time, t: Number.isNaN(t) ? null : t, order: order++ });
    }
  }
  const commits = [...seen.values()];
  if (seriesList.length > 1) {
    commits.sort((a, b) => (a.t !== null && b.t !== null && a.t !== b.t ? a.t - b.t : a.order - b.order));
  }
  const index = new Map(commits.map((c, i) => [c.commit, i]));
  const rows = seriesList.map((s) => {
    const row = new Array(commits.length).fill(null);
    for (const p of s.points) row[index.get(p.commit)] = p;
    return row;
  });
  return { commits, rows };
}

function observeWidth(container, chart, height) {
  const ro = new ResizeObserver(() => {
    const width = Math.max(200, Math.floor(container.clientWidth));
    if (Math.abs(width - chart.width) > 1) chart.setSize({ width, height });
  });
  ro.observe(container);
  return ro;
}

/**
 * Renders a trend chart into `container`.
 * series: [{label, data}] where data is a series object from the API (points,
 * change_points, unit, direction); the first gives the unit and direction.
 * Returns {destroy(), chart}. The container gets data-points (points of the first
 * series) and data-change-points so tests and people can check what is drawn.
 */
export function trendChart(container, series, { height = 260, onPointSelect, compact = false, colorOffset = 0, yRange = null } = {}) {
  const colors = [...palette().slice(colorOffset), ...palette().slice(0, colorOffset)];
  const unit = series[0].data.unit ?? '';
  const direction = series[0].data.direction;
  const { commits, rows } = alignByCommit(series.map((s) => s.data));
  const xs = commits.map((_, i) => i);
  const data = [xs];
  const uSeries = [{ label: 'commit' }];
  const bands = [];
  series.forEach((s, k) => {
    const color = colors[k % colors.length];
    const row = rows[k];
    const valueIdx = data.length;
    data.push(row.map((p) => (p && Number.isFinite(p.value) ? p.value : null)));
    data.push(row.map((p) => (p && Number.isFinite(p.min) ? p.min : p && Number.isFinite(p.value) ? p.value : null)));
    data.push(row.map((p) => (p && Number.isFinite(p.max) ? p.max : p && Number.isFinite(p.value) ? p.value : null)));
    uSeries.push({ label: s.label, stroke: color, width: compact ? 1.25 : 1.75, spanGaps: series.length > 1, points: { show: commits.length <= 60, size: 4, fill: color } });
    const hidden = { stroke: withAlpha(color, 0), width: 0, points: { show: false, size: 0 } };
    uSeries.push({ label: `${s.label} min`, ...hidden });
    uSeries.push({ label: `${s.label} max`, ...hidden });
    bands.push({ series: [valueIdx + 2, valueIdx + 1], fill: withAlpha(color, series.length > 1 ? 0.12 : 0.18) });
  });

  const yFormat = axisFormatter(unit);
  const axis = axisStyle();
  const tooltip = el('div', { class: 'chart-tooltip', role: 'status', 'aria-live': 'polite', hidden: true });
  const markers = [];

  const width = Math.max(200, Math.floor(container.clientWidth || 600));
  const opts = {
    width,
    height,
    legend: { show: false },
    scales: { x: { time: false }, y: { auto: true, range: (u, min, max) => (yRange ? padRange(yRange[0], yRange[1]) : padRange(min, max)) } },
    axes: [
      {
        ...axis,
        space: 80,
        values: (u, splits) => splits.map((i) => (Number.isInteger(i) && commits[i] ? formatDate(commits[i].time) : '')),
      },
      { ...axis, size: labelWidth, values: (u, splits) => yFormat(splits) },
    ],
    series: uSeries,
    bands,
    cursor: { drag: { x: true, y: false }, points: { size: 8 }, focus: { prox: 30 } },
    hooks: {
      setCursor: [(u) => updateTooltip(u)],
      draw: [(u) => placeMarkers(u)],
    },
  };

  container.replaceChildren();
  container.classList.add('chart');
  const chart = new uPlot(opts, data, container);
  chart.over.appendChild(tooltip);

  // Change points: one focusable marker per change point of each series, laid over the plot.
  series.forEach((s, k) => {
    for (const cp of s.data.change_points ?? []) {
      const point = s.data.points[cp.index];
      const commit = cp.commit ?? point?.commit;
      const x = commits.findIndex((c) => c.commit === commit);
      if (x < 0) continue;
      const quality = changeQuality(cp.change, s.data.direction ?? direction);
      const label = formatChange(cp.change);
      const what = quality === 'bad' ? 'regression' : quality === 'good' ? 'improvement' : 'change';
      const marker = el(
        'button',
        {
          type: 'button',
          class: `cp-marker cp-${quality}`,
          'data-commit': commit,
          'data-change': String(cp.change),
          'aria-label': `Change point (${what}) at commit ${shortSha(commit)}${series.length > 1 ? ` on ${s.label}` : ''}: ${label}, ${formatValue(cp.before, unit)} → ${formatValue(cp.after, unit)}, p = ${formatPValue(cp.p_value)}`,
          title: `${what} at ${shortSha(commit)}: ${formatValue(cp.before, unit)} → ${formatValue(cp.after, unit)} (${label}, p = ${formatPValue(cp.p_value)})`,
          onclick: () => {
            chart.setCursor({ left: chart.valToPos(x, 'x'), top: chart.valToPos(data[1 + 3 * k][x] ?? 0, 'y') });
            onPointSelect?.(commit);
          },
        },
        el('span', { class: 'cp-label' }, label),
      );
      marker._x = x;
      markers.push(marker);
      chart.over.appendChild(marker);
    }
  });

  function placeMarkers(u) {
    const [min, max] = [u.scales.x.min, u.scales.x.max];
    for (const m of markers) {
      const visible = m._x >= min && m._x <= max;
      m.hidden = !visible;
      if (visible) m.style.left = `${u.valToPos(m._x, 'x')}px`;
    }
  }

  function updateTooltip(u) {
    const i = u.cursor.idx;
    if (i === null || i === undefined || !commits[i]) {
      tooltip.hidden = true;
      return;
    }
    const c = commits[i];
    const lines = [el('div', { class: 'tt-commit' }, el('code', {}, shortSha(c.commit)), ' ', el('span', { class: 'muted' }, formatTime(c.time)))];
    rows.forEach((row, k) => {
      const p = row[i];
      if (!p) return;
      const swatch = el('span', { class: 'swatch', style: `background:${colors[k % colors.length]}` });
      const range = Number.isFinite(p.min) && Number.isFinite(p.max) ? ` (${formatValue(p.min, unit)} – ${formatValue(p.max, unit)})` : '';
      lines.push(el('div', {}, swatch, series.length > 1 ? `${series[k].label}: ` : '', el('strong', {}, formatValue(p.value, unit)), range, el('span', { class: 'muted' }, ` n=${p.n ?? '–'}`)));
    });
    tooltip.replaceChildren(...lines);
    tooltip.hidden = false;
    const left = u.valToPos(i, 'x');
    const overWidth = u.over.clientWidth;
    tooltip.style.left = `${Math.min(Math.max(0, left + 12), Math.max(0, overWidth - tooltip.offsetWidth - 4))}px`;
    tooltip.style.top = '4px';
    if (left + 12 + tooltip.offsetWidth > overWidth) tooltip.style.left = `${Math.max(0, left - tooltip.offsetWidth - 12)}px`;
  }

  // Keyboard: the chart is one tab stop; arrows move the cursor commit by commit.
  container.tabIndex = 0;
  container.setAttribute('role', 'group');
  container.setAttribute('aria-roledescription', 'chart');
  container.setAttribute(
    'aria-label',
    `${series.map((s) => s.label).join(' and ')}: ${commits.length} commits, ${markers.length} change point${markers.length === 1 ? '' : 's'}. Use the arrow keys to read values.`,
  );
  let keyIdx = null;
  container.addEventListener('keydown', (event) => {
    if (!commits.length) return;
    const moves = { ArrowLeft: -1, ArrowRight: 1, PageUp: -10, PageDown: 10 };
    if (event.key in moves) keyIdx = Math.min(commits.length - 1, Math.max(0, (keyIdx ?? chart.cursor.idx ?? commits.length - 1) + moves[event.key]));
    else if (event.key === 'Home') keyIdx = 0;
    else if (event.key === 'End') keyIdx = commits.length - 1;
    else if (event.key === 'Escape') {
      keyIdx = null;
      chart.setCursor({ left: -10, top: -10 });
      return;
    } else return;
    event.preventDefault();
    const y = data[1][keyIdx] ?? data[4]?.[keyIdx] ?? 0;
    chart.setCursor({ left: chart.valToPos(keyIdx, 'x'), top: chart.valToPos(y, 'y') });
  });
  container.addEventListener('blur', () => {
    keyIdx = null;
  });
  container.addEventListener('dblclick', () => chart.setScale('x', { min: 0, max: Math.max(1, commits.length - 1) }));

  container.dataset.points = String(series[0].data.points.length);
  container.dataset.changePoints = String(markers.length);
  container.dataset.series = String(series.length);

  const ro = observeWidth(container, chart, height);
  placeMarkers(chart);
  return {
    chart,
    destroy() {
      ro.disconnect();
      chart.destroy();
    },
  };
}

/** Width of a value axis that fits its longest label (uPlot calls this per layout pass). */
function labelWidth(u, values) {
  if (!values || !values.length) return 50;
  const longest = Math.max(...values.map((v) => String(v ?? '').length));
  return Math.ceil(longest * 7.2 + 22);
}

/** [lowest min, highest max] over the points of several series, for charts that share a value axis. */
export function sharedRange(seriesList) {
  let low = Infinity;
  let high = -Infinity;
  for (const s of seriesList) {
    for (const p of s.points) {
      for (const v of [p.value, p.min, p.max]) {
        if (Number.isFinite(v)) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
    }
  }
  return low <= high ? [low, high] : null;
}

function padRange(min, max) {
  if (min === null || max === null) return [0, 1];
  if (min === max) {
    const d = Math.abs(min) * 0.1 || 1;
    return [min - d, max + d];
  }
  const pad = (max - min) * 0.08;
  return [min >= 0 && min - pad < 0 ? 0 : min - pad, max + pad];
}

/**
 * Renders a family chart: y = a value of each member, x = its parameter.
 * lines: [{label, values:[number|null per member], mins, maxs}]; members:
 * [{parameter, value}] (value null for a categorical parameter).
 */
export function familyChart(container, { members, lines, unit, numeric, height = 300, logY = 'auto' }) {
  const colors = palette();
  const axis = axisStyle();
  const xs = numeric ? members.map((m) => m.value) : members.map((_, i) => i);
  const positive = numeric && xs.every((x) => x > 0);
  const logX = positive && xs.length > 2 && Math.max(...xs) / Math.min(...xs) >= 16;
  const data = [xs];
  const uSeries = [{ label: 'parameter' }];
  const bands = [];
  lines.forEach((line, k) => {
    const color = colors[k % colors.length];
    const idx = data.length;
    data.push(line.values);
    data.push(line.mins ?? line.values);
    data.push(line.maxs ?? line.values);
    uSeries.push({ label: line.label, stroke: color, width: 2, spanGaps: true, dash: line.dash, points: { show: true, size: 6, fill: color } });
    const hidden = { stroke: withAlpha(color, 0), width: 0, points: { show: false, size: 0 } };
    uSeries.push({ label: `${line.label} min`, ...hidden }, { label: `${line.label} max`, ...hidden });
    bands.push({ series: [idx + 2, idx + 1], fill: withAlpha(color, 0.15) });
  });
  const ys = lines.flatMap((l) => l.values).filter((v) => Number.isFinite(v));
  const yPositive = ys.length > 0 && ys.every((v) => v > 0);
  const useLogY = yPositive && (logY === true || (logY === 'auto' && Math.max(...ys) / Math.min(...ys) >= 100));
  const linearFormat = axisFormatter(unit);
  // On a log axis the ticks span decades, so each one takes its own unit.
  const yFormat = useLogY ? (splits) => splits.map((v) => formatValue(v, unit, 3)) : linearFormat;
  const tooltip = el('div', { class: 'chart-tooltip', role: 'status', 'aria-live': 'polite', hidden: true });
  const opts = {
    width: Math.max(200, Math.floor(container.clientWidth || 600)),
    height,
    legend: { show: false },
    scales: {
      x: logX ? { time: false, distr: 3, log: 2 } : { time: false },
      y: useLogY ? { distr: 3, log: 10 } : { auto: true, range: (u, min, max) => padRange(min, max) },
    },
    axes: [
      {
        ...axis,
        ...(numeric ? { splits: () => xs } : { splits: () => xs }),
        values: (u, splits) => splits.map((v) => {
          const i = xs.indexOf(v);
          return i >= 0 ? members[i].parameter : '';
        }),
      },
      { ...axis, size: labelWidth, values: (u, splits) => yFormat(splits) },
    ],
    series: uSeries,
    bands,
    cursor: { drag: { x: false, y: false }, points: { size: 9 } },
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined) {
            tooltip.hidden = true;
            return;
          }
          const rowsOut = [el('div', { class: 'tt-commit' }, el('code', {}, members[i].benchmark))];
          lines.forEach((line, k) => {
            rowsOut.push(el('div', {}, el('span', { class: 'swatch', style: `background:${colors[k % colors.length]}` }), `${line.label}: `, el('strong', {}, formatValue(line.values[i], unit))));
          });
          tooltip.replaceChildren(...rowsOut);
          tooltip.hidden = false;
          const left = u.valToPos(xs[i], 'x');
          tooltip.style.left = `${left + 12 + 220 > u.over.clientWidth ? Math.max(0, left - 232) : left + 12}px`;
          tooltip.style.top = '4px';
        },
      ],
    },
  };
  container.replaceChildren();
  container.classList.add('chart');
  const chart = new uPlot(opts, data, container);
  chart.over.appendChild(tooltip);
  container.tabIndex = 0;
  container.setAttribute('role', 'group');
  container.setAttribute('aria-roledescription', 'chart');
  container.setAttribute('aria-label', `${lines.map((l) => l.label).join(' and ')} against the parameter, ${members.length} members. Use the arrow keys to read values.`);
  let keyIdx = null;
  container.addEventListener('keydown', (event) => {
    const moves = { ArrowLeft: -1, ArrowRight: 1 };
    if (event.key in moves) keyIdx = Math.min(xs.length - 1, Math.max(0, (keyIdx ?? -1) + moves[event.key]));
    else if (event.key === 'Home') keyIdx = 0;
    else if (event.key === 'End') keyIdx = xs.length - 1;
    else return;
    event.preventDefault();
    chart.setCursor({ left: chart.valToPos(xs[keyIdx], 'x'), top: chart.valToPos(lines[0].values[keyIdx] ?? 0, 'y') });
  });
  container.dataset.members = String(members.length);
  container.dataset.logY = String(useLogY);
  const ro = observeWidth(container, chart, height);
  return {
    chart,
    destroy() {
      ro.disconnect();
      chart.destroy();
    },
  };
}
