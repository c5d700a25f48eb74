// Builds a 2,000-benchmark project for the browser tests: Google-Benchmark-shaped
// JSON files (the shape `./bench --benchmark_format=json --benchmark_repetitions=3`
// writes, iteration rows only) for several commits on main, ingested with the real
// `perfgate ingest`. Known benchmarks take step changes: at the head (the last
// commit) `regressed` get 40 % slower and `improved` 30 % faster, so the overview
// (head against its parent) shows them; at commit `stepAt`, well inside the history,
// `stepped` get 40 % slower, so the history holds a change point the alerts group
// under that commit. The rest only jitter (±1 %).
//
// Usage: node tests/generate-project.mjs <perfgate> <db> [benchmarks]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const kProject = 'big';
export const kTestbed = 'ci-runner';
const kFamilies = ['BM_Parse', 'BM_Sort', 'BM_Hash', 'BM_Encode', 'BM_Decode', 'BM_Copy', 'BM_Find', 'BM_Insert', 'BM_Erase', 'BM_Scan'];
const kCommits = 18;
const kStepAt = 7; // `stepped` change here: 7 commits before and 11 after pass the detector (rank test p < 0.001, confirmed over 3 commits); `regressed`/`improved` change at the last
const kRepetitions = 5;

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same project. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The project's benchmark names and which of them change: {names, regressed, improved, stepped, commits, stepAt, sha(i)}. */
export function projectPlan(count = 2000) {
  const names = [];
  for (let i = 0; names.length < count; i++) {
    const family = kFamilies[i % kFamilies.length];
    const param = 8 << Math.floor(i / kFamilies.length) % 12;
    names.push(`${family}/${param}/${Math.floor(i / (kFamilies.length * 12))}`);
  }
  // Spread the changed ones through the list, so "first" on the page cannot be by accident.
  const regressed = names.filter((_, i) => i % 97 === 13).slice(0, 12);
  const improved = names.filter((_, i) => i % 89 === 7 && !regressed.includes(names[i])).slice(0, 6);
  const stepped = names.filter((_, i) => i % 101 === 50 && !regressed.includes(names[i]) && !improved.includes(names[i])).slice(0, 10);
  return { names, regressed, improved, stepped, commits: kCommits, stepAt: kStepAt, sha: (i) => `${(0xa0 + i).toString(16)}${'5e'.repeat(19)}` };
}

function resultsFile(plan, commit, rand) {
  const rows = [];
  plan.names.forEach((name, index) => {
    let base = 100 + (index % 50) * 37;
    if (commit === kCommits - 1 && plan.regressed.includes(name)) base *= 1.4;
    if (commit === kCommits - 1 && plan.improved.includes(name)) base *= 0.7;
    if (commit >= kStepAt && plan.stepped.includes(name)) base *= 1.4;
    for (let r = 0; r < kRepetitions; r++) {
      const real = base * (1 + (rand() - 0.5) * 0.02);
      rows.push({
        name,
        family_index: index,
        per_family_instance_index: 0,
        run_name: name,
        run_type: 'iteration',
        repetitions: kRepetitions,
        repetition_index: r,
        threads: 1,
        iterations: 1000,
        real_time: real,
        cpu_time: real * 0.98,
        time_unit: 'ns',
      });
    }
  });
  return {
    context: { date: new Date(Date.UTC(2026, 10, 1 + commit)).toISOString(), host_name: 'generator', executable: './bench', num_cpus: 2, mhz_per_cpu: 2000, cpu_scaling_enabled: false, caches: [], library_build_type: 'release' },
    benchmarks: rows,
  };
}

/** Writes and ingests every commit into `db`. Returns the plan. */
export function generateProject(bin, db, count = 2000) {
  const plan = projectPlan(count);
  const rand = random(14);
  const dir = mkdtempSync(join(tmpdir(), 'perfgate-big-'));
  try {
    for (let c = 0; c < kCommits; c++) {
      const file = join(dir, `commit${c}.json`);
      writeFileSync(file, JSON.stringify(resultsFile(plan, c, rand)));
      const args = ['ingest', file, '--db', db, '--project', kProject, '--commit', plan.sha(c), '--branch', 'main', '--testbed', kTestbed, '--time', new Date(Date.UTC(2026, 10, 1 + c)).toISOString()];
      if (c > 0) args.push('--parent', plan.sha(c - 1));
      execFileSync(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return plan;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [bin, db, count] = process.argv.slice(2);
  const started = Date.now();
  const plan = generateProject(bin, db, count ? Number(count) : 2000);
  console.log(`${plan.names.length} benchmarks × ${plan.commits} commits in ${((Date.now() - started) / 1000).toFixed(1)} s; regressed at the head: ${plan.regressed.join(', ')}; stepped at commit ${plan.stepAt}: ${plan.stepped.join(', ')}`);
}
