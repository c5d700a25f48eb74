// The distribution view: both sides' samples of one benchmark as a strip plot over a
// box plot (quartiles, median, min–max whiskers) on one shared axis, in plain SVG.
import { formatValue } from './format.js';

const ns = 'http://www.w3.org/2000/svg';

function node(tag, attrs, text) {
  const n = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Quantile by linear interpolation between order statistics (type 7, as numpy's default). */
export function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Five-number summary of finite samples, or null when there are none. */
export function summarize(samples) {
  const sorted = (samples ?? []).filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return { n: sorted.length, min: sorted[0], q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75), max: sorted[sorted.length - 1], sorted };
}

/**
 * An SVG of the two sides: sides = [{label, samples}], unit for the axis labels.
 * Each sample is a dot (data-value carries it) so a test can count them.
 */
export function distributionPlot(sides, unit) {
  const width = 640;
  const rowHeight = 56;
  const left = 120;
  const right = 16;
  const top = 8;
  const axis = 28;
  const height = top + rowHeight * sides.length + axis;
  const stats = sides.map((s) => summarize(s.samples));
  const all = stats.filter(Boolean).flatMap((s) => [s.min, s.max]);
  const svg = node('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'distribution-plot', role: 'img' });
  svg.style.maxWidth = `${width}px`;
  if (!all.length) {
    svg.setAttribute('aria-label', 'no samples on either side');
    return svg;
  }
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.01 || 1;
    hi += Math.abs(hi) * 0.01 || 1;
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (v) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const described = [];
  sides.forEach((side, i) => {
    const s = stats[i];
    const y0 = top + i * rowHeight;
    const mid = y0 + rowHeight / 2;
    const g = node('g', { class: `distribution-side side-${i}`, 'data-side': side.label });
    g.append(node('text', { x: 4, y: mid + 4, class: 'dist-label' }, side.label));
    if (s) {
      g.append(node('line', { x1: x(s.min), x2: x(s.max), y1: mid, y2: mid, class: 'dist-whisker' }));
      g.append(node('rect', { x: x(s.q1), y: mid - 12, width: Math.max(1, x(s.q3) - x(s.q1)), height: 24, class: 'dist-box' }));
      g.append(node('line', { x1: x(s.median), x2: x(s.median), y1: mid - 14, y2: mid + 14, class: 'dist-median' }));
      s.sorted.forEach((v, k) => {
        // Deterministic jitter, so overlapping samples stay visible and screenshots are stable.
        const jitter = ((k * 7919) % 17) - 8;
        const dot = node('circle', { cx: x(v).toFixed(1), cy: (mid - 20 + jitter * 0.4).toFixed(1), r: 2.5, class: 'dist-sample', 'data-value': v });
        dot.append(node('title', {}, formatValue(v, unit)));
        g.append(dot);
      });
      described.push(`${side.label}: ${s.n} samples, median ${formatValue(s.median, unit)}, ${formatValue(s.min, unit)} to ${formatValue(s.max, unit)}`);
    } else {
      g.append(node('text', { x: left, y: mid + 4, class: 'dist-empty' }, 'no samples'));
      described.push(`${side.label}: no samples`);
    }
    svg.append(g);
  });
  const yAxis = top + rowHeight * sides.length + 4;
  svg.append(node('line', { x1: left, x2: width - right, y1: yAxis, y2: yAxis, class: 'dist-axis' }));
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    svg.append(node('line', { x1: x(v), x2: x(v), y1: yAxis, y2: yAxis + 4, class: 'dist-axis' }));
    svg.append(node('text', { x: x(v), y: yAxis + 18, 'text-anchor': t === 0 ? 'start' : t === 4 ? 'end' : 'middle', class: 'dist-tick' }, formatValue(v, unit)));
  }
  svg.setAttribute('aria-label', described.join('; '));
  return svg;
}
