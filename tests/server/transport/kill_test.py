"""SIGKILL during uploads, and backup/restore, against the real binary.
Uploads run from 4 threads while the server is SIGKILLed 5 times and
restarted on the same database; afterwards every acknowledged (2xx) upload is
stored exactly once and the database passes integrity_check. Then
`perfgate backup` copies the database while uploads continue, and the copy is
restored and served. Usage: kill_test.py PERFGATE"""

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

from serve import Checks, Serve, create_token, gbench, request

perfgate = sys.argv[1]
checks = Checks()
expect = checks.expect
random.seed(12)

server = Serve(perfgate, ["--writes-per-minute", "0"])
server.start()
token = create_token(perfgate, server.db, "proj")
acknowledged = {}  # commit -> status
lock = threading.Lock()
stop = threading.Event()
counter = [0]


def uploader():
    while not stop.is_set():
        with lock:
            counter[0] += 1
            commit = "%040x" % counter[0]
        port = server.port
        try:
            status = request(port, "POST", "/api/v1/projects/proj/runs?branch=main&commit=" + commit,
                             {"Authorization": "Bearer " + token}, gbench(50, counter[0]), timeout=10)[0]
        except OSError:
            status = 0
            time.sleep(0.05)
        if 200 <= status < 300:
            with lock:
                acknowledged[commit] = status


threads = [threading.Thread(target=uploader) for _ in range(4)]
for thread in threads:
    thread.start()
for kill in range(5):
    time.sleep(random.uniform(0.5, 1.5))
    server.kill()
    server.start()
time.sleep(0.5)
stop.set()
for thread in threads:
    thread.join()

db = sqlite3.connect(server.db)
stored = {}
for sha, runs in db.execute("SELECT c.sha, COUNT(r.id) FROM commits c JOIN runs r ON r.commit_id = c.id GROUP BY c.sha"):
    stored[sha] = runs
integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
db.close()
lost = [commit for commit in acknowledged if commit not in stored]
doubled = [commit for commit, runs in stored.items() if runs != 1]
print("      %d uploads acknowledged, %d commits stored, 5 SIGKILLs" % (len(acknowledged), len(stored)))
expect(len(acknowledged) > 20, "uploads were acknowledged between kills (%d)" % len(acknowledged))
expect(not lost, "no acknowledged upload lost (%d lost)" % len(lost))
expect(not doubled, "every stored upload stored once (%d doubled)" % len(doubled))
expect(integrity == "ok", "integrity_check: %s" % integrity)

# --- backup while serving and uploading, then restore ------------------------------
stop.clear()
threads = [threading.Thread(target=uploader) for _ in range(2)]
for thread in threads:
    thread.start()
time.sleep(0.5)
backup = os.path.join(server.dir, "backup.db")
# Uploads go on until the backup ends: a backup that restarts on every commit
# never would (it spun until CTest's timeout once). 60 s is far more than it needs.
try:
    result = subprocess.run([perfgate, "backup", "--db", server.db, "--to", backup], capture_output=True,
                            text=True, timeout=60)
    expect(result.returncode == 0, "perfgate backup while serving: exit %d %s" % (result.returncode, result.stderr.strip()))
except subprocess.TimeoutExpired:
    expect(False, "perfgate backup while serving ends (still copying after 60 s)")
time.sleep(0.3)
stop.set()
for thread in threads:
    thread.join()
copy = sqlite3.connect(backup)
expect(copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "the backup passes integrity_check")
in_backup = {sha for (sha,) in copy.execute("SELECT sha FROM commits")}
copy.close()
expect(not os.path.exists(backup + "-wal"), "the backup is one file (no -wal beside it)")
expect(len(in_backup) >= len(stored), "the backup holds every upload from before it (%d >= %d)" % (len(in_backup), len(stored)))

# Restore: stop the server, put the copy in place of the database, start again.
server.stop()
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(server.db + suffix):
        os.remove(server.db + suffix)
shutil.copyfile(backup, server.db)
server.start()
status, _, text, _ = request(server.port, "GET", "/api/v1/projects/proj/benchmarks")
expect(status == 200 and b"BM_49" in text, "the restored database is served (%d)" % status)
status = request(server.port, "POST", "/api/v1/projects/proj/runs?commit=" + "f" * 40,
                 {"Authorization": "Bearer " + token}, gbench(3))[0]
expect(status == 201, "the restored database takes uploads with the old token (%d)" % status)
server.stop()

bad = subprocess.run([perfgate, "backup", "--db", os.path.join(server.dir, "missing.db"), "--to", backup],
                     capture_output=True, text=True)
expect(bad.returncode == 3 and "missing.db" in bad.stderr, "backup of a missing database: exit 3 naming it")
checks.exit()
