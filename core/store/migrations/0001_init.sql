-- perfgate results store, schema version 1.
-- A series is (project, benchmark, metric, testbed, branch); a measurement is one
-- metric of one benchmark in one run. Measurements carry their run's testbed,
-- branch and commit time so that one series over the newest N commits is a range
-- scan of measurements_series.

CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE commits (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  sha TEXT NOT NULL,
  parent_sha TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT '',
  time INTEGER NOT NULL,
  pull_request INTEGER,
  UNIQUE (project_id, sha)
);
CREATE INDEX commits_branch ON commits(project_id, branch, time);

CREATE TABLE testbeds (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  commit_id INTEGER NOT NULL REFERENCES commits(id),
  testbed_id INTEGER NOT NULL REFERENCES testbeds(id),
  content_digest TEXT NOT NULL,
  format TEXT NOT NULL,
  context TEXT NOT NULL DEFAULT '{}',
  received_at INTEGER NOT NULL,
  UNIQUE (commit_id, testbed_id, content_digest)
);

CREATE TABLE benchmarks (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  UNIQUE (project_id, name)
);

CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
  name TEXT NOT NULL,
  unit TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('lower_is_better', 'higher_is_better')),
  UNIQUE (benchmark_id, name)
);

CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  metric_id INTEGER NOT NULL REFERENCES metrics(id),
  testbed_id INTEGER NOT NULL,
  branch TEXT NOT NULL,
  commit_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  -- The raw samples in measured order: sample_count IEEE-754 doubles, little-endian
  -- (NaN kept as such). One row per measurement instead of per sample keeps
  -- ingest to a few statements per benchmark.
  samples BLOB NOT NULL DEFAULT x''
);
CREATE INDEX measurements_series ON measurements(metric_id, testbed_id, time, commit_id);
CREATE INDEX measurements_branch_series ON measurements(metric_id, testbed_id, branch, time, commit_id);
CREATE INDEX measurements_run ON measurements(run_id);

CREATE TABLE aggregates (
  measurement_id INTEGER NOT NULL REFERENCES measurements(id),
  name TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (measurement_id, name)
) WITHOUT ROWID;

CREATE TABLE errors (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
  message TEXT NOT NULL,
  skipped INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, benchmark_id)
) WITHOUT ROWID;

CREATE TABLE fits (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
  metric TEXT NOT NULL,
  complexity TEXT NOT NULL,
  coefficient REAL,
  unit TEXT NOT NULL,
  rms REAL,
  PRIMARY KEY (run_id, benchmark_id, metric)
) WITHOUT ROWID;

CREATE TABLE labels (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
  label TEXT NOT NULL,
  PRIMARY KEY (run_id, benchmark_id)
) WITHOUT ROWID;

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
