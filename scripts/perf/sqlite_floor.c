/* The physical floor of ingest: insert ROWS indexed rows (run, metric, value)
 * into a fresh SQLite file in WAL mode, one transaction, one prepared
 * statement: what any store of that many samples must at least pay. Prints the
 * rows per second. Built and run by scripts/perf/side-by-side.sh.
 *   sqlite_floor PATH ROWS */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int check(int code, sqlite3 *db, const char *what) {
  if (code != SQLITE_OK && code != SQLITE_DONE) {
    fprintf(stderr, "sqlite_floor: %s: %s\n", what, sqlite3_errmsg(db));
    exit(3);
  }
  return code;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sqlite_floor PATH ROWS\n");
    return 2;
  }
  const long long rows = atoll(argv[2]);
  sqlite3 *db = NULL;
  check(sqlite3_open(argv[1], &db), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "CREATE TABLE samples (id INTEGER PRIMARY KEY, run_id INTEGER, metric_id INTEGER, value REAL);"
                     "CREATE INDEX samples_metric ON samples(metric_id, run_id);",
                     NULL, NULL, NULL),
        db, "schema");
  struct timespec start, stop;
  clock_gettime(CLOCK_MONOTONIC, &start);
  check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), db, "begin");
  sqlite3_stmt *insert = NULL;
  check(sqlite3_prepare_v2(db, "INSERT INTO samples (run_id, metric_id, value) VALUES (1, ?1, ?2)", -1, &insert, NULL),
        db, "prepare");
  for (long long row = 0; row < rows; ++row) {
    sqlite3_bind_int64(insert, 1, row / 2);
    sqlite3_bind_double(insert, 2, 100.0 + (double)row);
    check(sqlite3_step(insert), db, "insert");
    sqlite3_reset(insert);
  }
  sqlite3_finalize(insert);
  check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
  clock_gettime(CLOCK_MONOTONIC, &stop);
  sqlite3_close(db);
  const double seconds = (double)(stop.tv_sec - start.tv_sec) + (double)(stop.tv_nsec - start.tv_nsec) / 1e9;
  printf("%lld rows in %.3f s: %.0f rows/s\n", rows, seconds, (double)rows / seconds);
  return 0;
}
