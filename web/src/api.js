// The dashboard's only way to the server: the JSON API of DESIGN.md. Every call
// returns parsed JSON or throws ApiError carrying the server's {code, message}.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const enc = encodeURIComponent;

function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${enc(k)}=${enc(v)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** One request: the parsed JSON answer, or ApiError with the server's {code, message} (or the network's reason). */
async function request(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', `cannot reach the server (${error.message})`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    if (response.ok) throw new ApiError(response.status, 'bad_json', `the server sent something that is not JSON for ${path}`);
  }
  if (!response.ok) {
    const err = body && body.error ? body.error : {};
    throw new ApiError(response.status, err.code || String(response.status), err.message || `${response.status} ${response.statusText || 'error'} for ${path}`);
  }
  return body;
}

const cache = new Map();

/** GET a JSON document. Identical in-flight GETs share one request; results are cached for `ttl` ms. */
export async function getJson(path, { signal, ttl = 15000 } = {}) {
  const hit = cache.get(path);
  if (hit && Date.now() - hit.at < ttl) return hit.promise;
  const promise = request(path, { headers: { Accept: 'application/json' }, signal });
  cache.set(path, { at: Date.now(), promise });
  promise.catch(() => cache.delete(path));
  return promise;
}

/** Forget cached responses (after the user asks to reload). */
export function clearCache() {
  cache.clear();
}

function asList(body, key) {
  if (Array.isArray(body)) return body;
  if (body && Array.isArray(body[key])) return body[key];
  return [];
}

function asStrings(list) {
  return Array.isArray(list) ? list.map((x) => (typeof x === 'string' ? x : x?.name)).filter(Boolean) : [];
}

/**
 * Projects as [{name, testbeds?, branches?, benchmarks?, ...}]. Accepts
 * {"projects":[...]} or a bare array, of strings or objects.
 */
export async function listProjects() {
  const body = await getJson('/api/v1/projects');
  return asList(body, 'projects').map((p) => (typeof p === 'string' ? { name: p } : p)).filter((p) => p && p.name);
}

/** Normalises one metric: a string or {name, unit, direction}. */
function normalizeMetric(m) {
  if (typeof m === 'string') return { name: m, unit: null, direction: null };
  return { name: m.name ?? m.metric, unit: m.unit ?? null, direction: m.direction ?? null, ...m };
}

/**
 * Benchmarks of a project matching `q`: {benchmarks:[{name, metrics:[{name,unit,direction}]}],
 * testbeds:[...], branches:[...]}. Testbeds and branches are empty when the server
 * does not list them.
 */
export async function listBenchmarks(project, q = '') {
  const body = await getJson(`/api/v1/projects/${enc(project)}/benchmarks${query({ q })}`);
  const benchmarks = asList(body, 'benchmarks')
    .map((b) => (typeof b === 'string' ? { name: b, metrics: [] } : b))
    .filter((b) => b && b.name)
    .map((b) => ({ ...b, metrics: (b.metrics ?? []).map(normalizeMetric).filter((m) => m.name) }));
  return {
    benchmarks,
    testbeds: asStrings(body?.testbeds),
    branches: asStrings(body?.branches),
  };
}

/** One series (the object of DESIGN.md's series route). */
export async function getSeries(project, { benchmark, metric, branch, testbed, limit }) {
  const body = await getJson(`/api/v1/projects/${enc(project)}/series${query({ benchmark, metric, branch, testbed, limit })}`);
  return {
    ...body,
    points: Array.isArray(body?.points) ? body.points : [],
    change_points: Array.isArray(body?.change_points) ? body.change_points : [],
  };
}

/** Compare JSON of two commits or branches. */
export async function getCompare(project, base, head, testbed) {
  return getJson(`/api/v1/projects/${enc(project)}/compare${query({ base, head, testbed, format: 'json' })}`, { ttl: 60000 });
}

/** Alerts of a project, newest first as the server orders them. */
export async function listAlerts(project) {
  const body = await getJson(`/api/v1/projects/${enc(project)}/alerts`);
  return asList(body, 'alerts');
}

/** The metric a series shows when none is asked for: real_time when present, else the first. */
export function defaultMetric(benchmark) {
  const metrics = benchmark?.metrics ?? [];
  return metrics.find((m) => m.name === 'real_time') ?? metrics[0] ?? null;
}

/**
 * The project overview (issue 14): every benchmark's latest value, baseline, change
 * and status on the branch and testbed the server picks when none is asked for.
 */
export async function getOverview(project, { branch, testbed, metric } = {}) {
  const body = await getJson(`/api/v1/projects/${enc(project)}/overview${query({ branch, testbed, metric })}`, { ttl: 30000 });
  return {
    ...body,
    testbeds: asStrings(body?.testbeds),
    branches: asStrings(body?.branches),
    counts: body?.counts ?? {},
    benchmarks: Array.isArray(body?.benchmarks) ? body.benchmarks : [],
  };
}

/** Alerts as the server answers: {groups:[...]} (grouped by causing commit) or {alerts:[...]} (older servers). */
export async function getAlerts(project) {
  const body = await getJson(`/api/v1/projects/${enc(project)}/alerts`, { ttl: 5000 });
  if (body && Array.isArray(body.groups)) return { groups: body.groups };
  return { alerts: asList(body, 'alerts') };
}

/** POST JSON with a bearer token; returns the parsed answer or throws ApiError. Clears the GET cache. */
export async function postJson(path, payload, token) {
  const body = await request(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(payload),
  });
  clearCache();
  return body;
}

/** Sets the triage status and note of one alert group. */
export function triageAlertGroup(project, group, { status, note }, token) {
  return postJson(`/api/v1/projects/${enc(project)}/alerts/${enc(group)}`, { status, note }, token);
}

/** Both sides' samples of one benchmark: {benchmark, metric, unit, direction, base:{sha,samples}, head:{sha,samples}}. */
export function getDistribution(project, { base, head, benchmark, metric, testbed }) {
  return getJson(`/api/v1/projects/${enc(project)}/distribution${query({ base, head, benchmark, metric, testbed })}`, { ttl: 60000 });
}
