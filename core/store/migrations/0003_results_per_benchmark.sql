-- One row per benchmark per run instead of one per metric, and a benchmark's
-- metrics in its own row instead of a table of their own: a fresh run of
-- 100,000 benchmarks with two metrics each was 500,000 rows and 1.1 million
-- index entries, it is now 200,000 rows and 300,000 entries, mostly appended.
-- The encodings of metric_sets.metrics and results.data are in
-- src/sqlite_layout.hpp. The store's migration step copies metrics,
-- measurements and aggregates into them and then drops those three tables
-- (SqliteStore::MoveToResultsPerBenchmark).

-- A benchmark's metrics as one catalog BLOB; benchmarks with the same metrics
-- (most of a suite: real_time and cpu_time in ns) share one row.
CREATE TABLE metric_sets (
  id INTEGER PRIMARY KEY,
  metrics BLOB NOT NULL UNIQUE
);
INSERT INTO metric_sets (id, metrics) VALUES (0, x'');
ALTER TABLE benchmarks ADD COLUMN metric_set INTEGER NOT NULL DEFAULT 0;  -- metric_sets(id)

CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  benchmark_id INTEGER NOT NULL REFERENCES benchmarks(id),
  position INTEGER NOT NULL,      -- the benchmark's place in its run's file
  testbed_id INTEGER NOT NULL,
  branch TEXT NOT NULL,
  commit_id INTEGER NOT NULL,
  time INTEGER NOT NULL,
  metric_count INTEGER NOT NULL,
  sample_count INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, benchmark_id)
) WITHOUT ROWID;
-- A series, newest first, with or without a branch (the branch is read from
-- the index, so rows of other branches are skipped without a table lookup).
CREATE INDEX results_series ON results(benchmark_id, testbed_id, time, commit_id, branch);
