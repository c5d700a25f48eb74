// Human formatting of perfgate's canonical units, and small text helpers.
// Canonical units (DESIGN.md): "ns", "B", "/s", "B/s", "%" or "" (a plain count).
// Everything here is pure so tests/format.test.mjs can run it under node.

const kSteps = {
  ns: [[1, 'ns'], [1e3, 'µs'], [1e6, 'ms'], [1e9, 's']],
  B: [[1, 'B'], [1e3, 'KB'], [1e6, 'MB'], [1e9, 'GB'], [1e12, 'TB']],
  'B/s': [[1, 'B/s'], [1e3, 'KB/s'], [1e6, 'MB/s'], [1e9, 'GB/s'], [1e12, 'TB/s']],
  '/s': [[1, '/s'], [1e3, 'k/s'], [1e6, 'M/s'], [1e9, 'G/s']],
  '': [[1, ''], [1e3, 'k'], [1e6, 'M'], [1e9, 'G']],
};

// Other spellings a harness or server might send, mapped to a canonical unit and
// the factor that converts a value into it.
const kAliases = {
  us: ['ns', 1e3], 'µs': ['ns', 1e3], 'μs': ['ns', 1e3], ms: ['ns', 1e6], s: ['ns', 1e9],
  bytes: ['B', 1], 'bytes/s': ['B/s', 1], 'ops/s': ['/s', 1], 'items/s': ['/s', 1],
};

/** Canonical unit and factor for a unit string; unknown units pass through. */
export function canonicalUnit(unit) {
  const u = unit ?? '';
  if (kSteps[u]) return [u, 1];
  if (kAliases[u]) return kAliases[u];
  return [u, 1];
}

/** The step ([factor, suffix]) that keeps `magnitude` >= 1 in `unit`, or null for an unknown unit. */
export function pickStep(magnitude, unit) {
  const steps = kSteps[unit];
  if (!steps) return null;
  let chosen = steps[0];
  const m = Math.abs(magnitude);
  for (const step of steps) if (m >= step[0]) chosen = step;
  return chosen;
}

function trimNumber(x, digits) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  // 3 significant digits, no trailing zeros beyond what precision shows.
  const s = Number(x.toPrecision(digits));
  return s.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/**
 * A value with its unit in the largest unit that keeps it >= 1:
 * formatValue(1532, 'ns') -> "1.53 µs"; formatValue(2.5e9, 'B/s') -> "2.5 GB/s".
 * null/undefined/NaN -> "–".
 */
export function formatValue(value, unit, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const [canon, factor] = canonicalUnit(unit);
  const v = value * factor;
  if (canon === '%') return `${trimNumber(v, digits)}%`;
  const step = pickStep(v, canon);
  if (!step) return canon ? `${trimNumber(v, digits)} ${canon}` : trimNumber(v, digits);
  const text = trimNumber(v / step[0], digits);
  return step[1] ? `${text} ${step[1]}` : text;
}

/**
 * An axis tick formatter: every tick uses the step chosen for the largest tick, so
 * one axis never mixes "900 µs" and "1.2 ms".
 */
export function axisFormatter(unit) {
  const [canon, factor] = canonicalUnit(unit);
  return (ticks) => {
    const finite = ticks.filter((t) => t !== null && Number.isFinite(t));
    const max = finite.reduce((m, t) => Math.max(m, Math.abs(t * factor)), 0);
    const step = pickStep(max, canon) ?? [1, canon];
    return ticks.map((t) => {
      if (t === null || !Number.isFinite(t)) return '';
      const text = trimNumber((t * factor) / step[0], 4);
      return step[1] ? `${text} ${step[1]}` : text;
    });
  };
}

/** Relative change (0.123) as "+12.3%". null -> "–". */
export function formatChange(change, digits = 1) {
  if (change === null || change === undefined || !Number.isFinite(change)) return '–';
  const pct = change * 100;
  const sign = pct > 0 ? '+' : pct < 0 ? '−' : '±';
  return `${sign}${Math.abs(pct).toFixed(digits)}%`;
}

/** A p-value as "0.003", "< 0.001" or "–". */
export function formatPValue(p) {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toPrecision(2).replace(/^0\.0*$/, '0');
}

/** "lower_is_better" / "higher_is_better" (or "lower"/"higher") -> "lower" | "higher" | null. */
export function normalizeDirection(direction) {
  if (!direction) return null;
  const d = String(direction).toLowerCase();
  if (d.startsWith('lower') || d === 'less') return 'lower';
  if (d.startsWith('higher') || d === 'more') return 'higher';
  return null;
}

/** Human label of a direction, with an arrow. */
export function directionLabel(direction) {
  const d = normalizeDirection(direction);
  if (d === 'lower') return '↓ lower is better';
  if (d === 'higher') return '↑ higher is better';
  return 'direction unknown';
}

/**
 * Whether a relative change is good, bad or neutral for a metric's direction.
 * Returns "good" | "bad" | "neutral".
 */
export function changeQuality(change, direction) {
  const d = normalizeDirection(direction);
  if (!Number.isFinite(change) || change === 0 || !d) return 'neutral';
  const up = change > 0;
  return (d === 'higher') === up ? 'good' : 'bad';
}

/** First 7 characters of a SHA (full when shorter). */
export function shortSha(sha) {
  return sha ? String(sha).slice(0, 7) : '';
}

/** "2024-05-01T12:00:00Z" -> "2024-05-01 12:00 UTC"; unparseable text is returned as is. */
export function formatTime(time) {
  if (time === null || time === undefined || time === '') return '–';
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2024-05-01" from an ISO time, for axis labels. */
export function formatDate(time) {
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  if (Number.isNaN(date.getTime())) return '';
  return date.toISOString().slice(0, 10);
}
