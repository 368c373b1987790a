"""`aifacts query` cannot write, attach, copy out, or load code: exit 1, warehouse unchanged."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


from tests.reliability.conftest import AIFACTS


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_query_refuses_writes_files_and_extensions(good_warehouse: Path, tmp_path: Path, harness_env):
    leak = tmp_path / "leak.csv"
    other = tmp_path / "other.duckdb"
    attempts = {
        "drop": "DROP TABLE factories",
        "insert": "INSERT INTO runs (run_id, status) VALUES (999, 'ok')",
        "delete": "DELETE FROM statements",
        "attach": f"ATTACH '{other}' AS o",
        "copy_to": f"COPY (SELECT * FROM factories) TO '{leak}'",
        "read_file": "SELECT * FROM read_csv('/etc/passwd')",
        "install": "INSTALL httpfs",
        "load": "LOAD httpfs",
        "unlock": "SET enable_external_access = true",
    }
    digest = _digest(good_warehouse)
    procs = {name: subprocess.Popen([*AIFACTS, "query", sql, "-w", str(good_warehouse)], env=harness_env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name, sql in attempts.items()}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 1, (name, out[-500:], err[-1000:])
        assert "refused or failed" in " ".join(err.split()), (name, err[-1000:])
    assert _digest(good_warehouse) == digest
    assert not leak.exists() and not other.exists()
    ok = subprocess.run([*AIFACTS, "query", "SELECT count(*) AS n FROM factories", "-w", str(good_warehouse),
                         "--format", "csv"], env=harness_env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and int(ok.stdout.split()[-1]) > 0, ok.stderr
