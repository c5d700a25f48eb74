// Parameterised benchmark families: "BM_Parse/1024", "group/param",
// "throughput/single_stream/64KiB". The family is everything before the last "/",
// the parameter is the last segment. Pure, so tests/format.test.mjs runs it in node.

const kSizeSuffix = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1048576, GiB: 1073741824, B: 1 };

/**
 * The numeric value of a parameter segment, or null when it is not numeric.
 * "1024" -> 1024, "threads:4" -> 4, "64KiB" -> 65536, "1k" -> 1000, "2^10" -> 1024.
 */
export function parameterValue(segment) {
  if (segment === undefined || segment === null) return null;
  let s = String(segment).trim();
  const colon = s.lastIndexOf(':');
  if (colon >= 0) s = s.slice(colon + 1);
  const pow = /^(\d+)\^(\d+)$/.exec(s);
  if (pow) return Number(pow[1]) ** Number(pow[2]);
  const m = /^(-?\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  if (!m[2]) return n;
  const f = kSizeSuffix[m[2]];
  return f ? n * f : null;
}

/** {family, parameter} of a benchmark name; family is null when the name has no "/". */
export function splitName(name) {
  const i = name.lastIndexOf('/');
  if (i <= 0 || i === name.length - 1) return { family: null, parameter: null };
  return { family: name.slice(0, i), parameter: name.slice(i + 1) };
}

/**
 * Groups benchmark names into families. Returns [{name, members:[{benchmark, parameter,
 * value}], numeric}] in first-seen order; a family needs at least two members, names
 * that fit no family come back as families of one with name === benchmark and
 * parameter null. Members of numeric families are sorted by value.
 */
export function groupFamilies(names) {
  const byFamily = new Map();
  const order = [];
  for (const benchmark of names) {
    const { family, parameter } = splitName(benchmark);
    const key = family ?? `\u0000${benchmark}`;
    if (!byFamily.has(key)) {
      byFamily.set(key, []);
      order.push(key);
    }
    byFamily.get(key).push({ benchmark, parameter, value: parameter === null ? null : parameterValue(parameter) });
  }
  const out = [];
  for (const key of order) {
    const members = byFamily.get(key);
    if (key.startsWith('\u0000') || members.length < 2) {
      for (const m of members) out.push({ name: m.benchmark, members: [{ ...m, parameter: null, value: null }], numeric: false, single: true });
      continue;
    }
    const numeric = members.every((m) => m.value !== null);
    if (numeric) members.sort((a, b) => a.value - b.value);
    out.push({ name: key, members, numeric, single: false });
  }
  return out;
}
