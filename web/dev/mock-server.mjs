// A stand-in for `perfgate serve --demo`, for working on the dashboard without
// building the C++ server: the same routes and JSON shapes (DESIGN.md), synthetic
// data. Serves web/dist with the single-page fallback. Not used by the tests,
// which always run the real server.
//   node dev/mock-server.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const port = Number(process.argv[2] ?? 5180);
const kCommits = 320;

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const sha = (i) => ((BigInt(i + 1) * 0x9e3779b97f4a7c15n) % (1n << 160n)).toString(16).padStart(40, '0').split('').reverse().join('');
const commits = Array.from({ length: kCommits }, (_, i) => ({ commit: sha(i), time: new Date(Date.UTC(2024, 0, 1) + i * 6 * 3600e3).toISOString().slice(0, 19) + 'Z' }));

const families = [
  { family: 'BM_Parse', params: ['64', '256', '1024', '4096', '16384'], unit: 'ns', metric: 'real_time', base: (p) => 40 * Number(p), regressAt: 250, factor: 1.18 },
  { family: 'BM_Serialize', params: ['8', '64', '512'], unit: 'ns', metric: 'real_time', base: (p) => 900 + 3 * Number(p) },
  { family: 'throughput/single_stream', params: ['1', '10', '50', '100'], unit: 'B/s', metric: 'bytes_per_second', base: (p) => 2e8 * Math.log2(Number(p) + 1), improveAt: 150, factor: 1.3 },
  { family: 'latency', params: ['ping_pong', 'stream_open'], unit: 'ns', metric: 'real_time', base: () => 85000 },
];
const testbeds = ['default', 'arm64'];
const benchmarks = families.flatMap((f) => f.params.map((p) => ({ name: `${f.family}/${p}`, f, p })));

function series(b, testbed, limit) {
  const scale = testbed === 'arm64' ? 1.35 : 1;
  seed = [...b.name, ...testbed].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 2147483647, 7);
  const points = commits.map((c, i) => {
    let v = b.f.base(b.p) * scale;
    if (b.f.regressAt && i >= b.f.regressAt) v *= b.f.factor;
    if (b.f.improveAt && i >= b.f.improveAt) v *= b.f.factor;
    const noise = () => v * (1 + (rand() - 0.5) * 0.04);
    const xs = [noise(), noise(), noise(), noise(), noise()].sort((a, z) => a - z);
    return { ...c, value: xs[2], min: xs[0], max: xs[4], n: 5 };
  });
  const at = b.f.regressAt ?? b.f.improveAt;
  const cps = at ? [{ commit: commits[at].commit, index: at, before: points[at - 1].value, after: points[at].value, change: b.f.factor - 1, p_value: 0.0004 }] : [];
  const start = Math.max(0, points.length - limit);
  return {
    benchmark: b.name, metric: b.f.metric, unit: b.f.unit, direction: b.f.unit === 'B/s' ? 'higher_is_better' : 'lower_is_better', testbed, branch: 'main',
    points: points.slice(start),
    change_points: cps.filter((c) => c.index >= start).map((c) => ({ ...c, index: c.index - start })),
  };
}

function api(path, q) {
  const m = /^\/api\/v1\/projects(?:\/([^/]+)(?:\/([a-z]+))?)?$/.exec(path);
  if (!m) return [404, { error: { code: 'not_found', message: `no API route ${path}` } }];
  if (!m[1]) return [200, { projects: [{ name: 'demo', testbeds }, { name: 'empty', testbeds: [] }] }];
  const project = decodeURIComponent(m[1]);
  if (!['demo', 'empty'].includes(project)) return [404, { error: { code: 'project_not_found', message: `no project named ${project}` } }];
  const all = project === 'demo' ? benchmarks : [];
  const find = (name) => all.find((b) => b.name === name);
  switch (m[2]) {
    case 'benchmarks': {
      const needle = (q.get('q') ?? '').toLowerCase();
      const list = all.filter((b) => b.name.toLowerCase().includes(needle));
      return [200, { project, testbeds: project === 'demo' ? testbeds : [], benchmarks: list.map((b) => ({ name: b.name, metrics: [{ name: b.f.metric, unit: b.f.unit, direction: b.f.unit === 'B/s' ? 'higher_is_better' : 'lower_is_better' }] })) }];
    }
    case 'series': {
      const b = find(q.get('benchmark'));
      const testbed = q.get('testbed') || 'default';
      if (!b || !testbeds.includes(testbed)) return [404, { error: { code: 'series_not_found', message: `no series for benchmark ${q.get('benchmark')}` } }];
      return [200, series(b, testbed, Number(q.get('limit') || 1000))];
    }
    case 'compare': {
      const base = q.get('base');
      const head = q.get('head');
      const idx = (ref) => (ref === 'main' ? kCommits - 1 : commits.findIndex((c) => c.commit.startsWith(ref)));
      const [bi, hi] = [idx(base), idx(head)];
      if (bi < 0 || hi < 0) return [404, { error: { code: 'commit_not_found', message: `${bi < 0 ? 'base' : 'head'}: no commit ${bi < 0 ? base : head}` } }];
      const rows = all.map((b) => {
        const s = series(b, 'default', 1000);
        const bp = s.points[bi];
        const hp = s.points[hi];
        const change = hp.value / bp.value - 1;
        const bad = s.direction === 'lower_is_better' ? change > 0.05 : change < -0.05;
        const good = s.direction === 'lower_is_better' ? change < -0.05 : change > 0.05;
        const side = (p) => ({ n: 5, median: p.value, mean: p.value, min: p.min, max: p.max, stddev: p.value * 0.01, cv: 0.01 });
        return { name: b.name, metric: s.metric, unit: s.unit, direction: s.direction, base: side(bp), head: side(hp), ratio: change + 1, change, p_value: bad || good ? 0.008 : 0.4, ci_low: change + 0.98, ci_high: change + 1.02, verdict: bad ? 'regressed' : good ? 'improved' : Math.abs(change) < 0.02 ? 'unchanged' : 'inconclusive' };
      });
      const count = (v) => rows.filter((r) => r.verdict === v).length;
      return [200, { base: { commit: commits[bi].commit }, head: { commit: commits[hi].commit }, benchmarks: rows, summary: { regressed: count('regressed'), improved: count('improved'), unchanged: count('unchanged'), inconclusive: count('inconclusive'), geomean_ratio: 1.01 } }];
    }
    case 'overview': {
      const branch = q.get('branch') || 'main';
      const testbed = q.get('testbed') || 'default';
      const rows = all.map((b) => {
        const s = series(b, testbed, 30);
        const last = s.points[s.points.length - 1];
        const first = s.points[0];
        const change = last.value / first.value - 1;
        const worse = s.direction === 'lower_is_better' ? change > 0.05 : change < -0.05;
        const better = s.direction === 'lower_is_better' ? change < -0.05 : change > 0.05;
        return { benchmark: b.name, family: b.f.family, metric: s.metric, unit: s.unit, direction: s.direction, latest: { sha: last.commit, value: last.value }, baseline: { sha: first.commit, value: first.value }, change, status: worse ? 'regressed' : better ? 'improved' : 'unchanged', alert: null, sparkline: s.points.map((p) => p.value) };
      });
      const counts = { regressed: 0, improved: 0, unchanged: 0, budget_broken: 0, no_baseline: 0 };
      for (const r of rows) counts[r.status] += 1;
      return [200, { project, branch, baseline_branch: 'main', testbed, testbeds, branches: ['main', 'feature/x'], metric: 'real_time', head: { sha: commits[kCommits - 1].commit, time: commits[kCommits - 1].time }, counts, benchmarks: rows }];
    }
    case 'distribution': {
      const b = find(q.get('benchmark'));
      if (!b) return [404, { error: { code: 'series_not_found', message: `no benchmark ${q.get('benchmark')}` } }];
      const s = series(b, q.get('testbed') || 'default', 1000);
      const at = (ref) => s.points.find((p) => p.commit.startsWith(ref)) ?? s.points[s.points.length - 1];
      const samples = (p) => Array.from({ length: 9 }, () => p.value * (1 + (rand() - 0.5) * 0.06));
      const [bp, hp] = [at(q.get('base') ?? ''), at(q.get('head') ?? '')];
      return [200, { benchmark: b.name, metric: s.metric, unit: s.unit, direction: s.direction, base: { sha: bp.commit, samples: samples(bp) }, head: { sha: hp.commit, samples: samples(hp) } }];
    }
    case 'alerts': {
      if (q.get('grouped') !== '0') {
        const groups = new Map();
        for (const b of all) {
          const s = series(b, 'default', 1000);
          for (const cp of s.change_points) {
            if (!groups.has(cp.commit)) groups.set(cp.commit, { group: cp.commit.slice(0, 12), commit: { sha: cp.commit, time: commits[cp.index].time, branch: 'main' }, status: 'untriaged', note: '', updated_by: null, updated_at: null, alerts: [], ...(triage.get(cp.commit.slice(0, 12)) ?? {}) });
            groups.get(cp.commit).alerts.push({ benchmark: b.name, metric: s.metric, unit: s.unit, testbed: 'default', before: cp.before, after: cp.after, change: cp.change, direction: s.direction });
          }
        }
        return [200, { project, groups: [...groups.values()] }];
      }
      const alerts = [];
      for (const b of all) {
        const s = series(b, 'default', 1000);
        for (const cp of s.change_points) alerts.push({ kind: b.f.regressAt ? 'regression' : 'improvement', benchmark: b.name, metric: s.metric, unit: s.unit, direction: s.direction, testbed: 'default', branch: 'main', commit: cp.commit, time: commits[cp.index].time, index: cp.index, before: cp.before, after: cp.after, change: cp.change, p_value: cp.p_value });
      }
      return [200, { project, branch: 'main', alerts }];
    }
    default:
      return [404, { error: { code: 'not_found', message: `no API route ${path}` } }];
  }
}

const triage = new Map();

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') return res.end('{"status":"ok"}');
  const post = /^\/api\/v1\/projects\/[^/]+\/alerts\/([^/]+)$/.exec(url.pathname);
  if (req.method === 'POST' && post) {
    let text = '';
    for await (const chunk of req) text += chunk;
    const ok = req.headers.authorization === 'Bearer mock-token';
    const body = JSON.parse(text || '{}');
    if (ok) triage.set(post[1], { status: body.status, note: body.note ?? '', updated_by: 'token mock', updated_at: new Date().toISOString() });
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(ok ? { group: post[1], ...triage.get(post[1]) } : { error: { code: 'unauthorized', message: 'a project token is required (Authorization: Bearer <token>)' } }));
  }
  if (url.pathname.startsWith('/api/')) {
    const [status, body] = api(url.pathname, url.searchParams);
    res.writeHead(status, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(body));
  }
  const file = normalize(join(dist, url.pathname));
  try {
    if (!file.startsWith(dist) || !extname(file)) throw new Error('spa');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    if (extname(url.pathname)) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'content-type': types['.html'] });
    res.end(await readFile(join(dist, 'index.html')));
  }
}).listen(port, '127.0.0.1', () => console.log(`mock perfgate on http://127.0.0.1:${port}`));
