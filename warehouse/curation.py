"""What a refresh brought that a curator should see without writing SQL.

- the factories that no knowledge-base entry gave (found from a proper name, or from a
  country and a round), with the run that first had them: a new round's factories;
- the mentions that were linked to no factory, with the names they gave and why;
- the reconciliation inputs (configs/policy.yaml, overrides.yaml, knowledge/*.yaml) that
  changed since the previous reconcile, so a refresh that ran with other knowledge or
  overrides than the last one says so.

`record` runs inside the refresh's transaction, at the end of every reconcile; the rest
reads a warehouse.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

INPUTS = ("policy.yaml", "overrides.yaml")  # besides knowledge/*.yaml


def input_files(directory: str | Path) -> dict[str, str]:
    """sha256 of each file reconciliation reads, by its path relative to the config directory."""
    base = Path(directory)
    paths = [base / n for n in INPUTS] + sorted((base / "knowledge").glob("*.yaml"))
    return {p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def current_run(con: duckdb.DuckDBPyConnection) -> int | None:
    return con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0]


def record(con: duckdb.DuckDBPyConnection, config_directory: str | None) -> None:
    """After the marts are rebuilt: note the factories seen for the first time, and which
    input files differ from the ones the previous reconcile read."""
    run = current_run(con)
    con.execute("""INSERT INTO factory_first_seen
                   SELECT factory_id, origin, ? FROM factory_registry
                   WHERE factory_id NOT IN (SELECT factory_id FROM factory_first_seen)""", [run])
    if config_directory is None:
        return
    now = input_files(config_directory)
    before = dict(con.execute("SELECT file, sha256 FROM reconcile_inputs").fetchall())
    first = not before  # the first reconcile of this warehouse changes nothing
    for file in sorted(set(now) | set(before)):
        if now.get(file) == before.get(file):
            continue
        changed = None if first else run
        if file not in now:
            con.execute("UPDATE reconcile_inputs SET sha256 = '(removed)', changed_run = ? WHERE file = ?",
                        [changed, file])
        elif file in before:
            con.execute("UPDATE reconcile_inputs SET sha256 = ?, changed_run = ? WHERE file = ?",
                        [now[file], changed, file])
        else:
            con.execute("INSERT INTO reconcile_inputs VALUES (?, ?, ?)", [file, now[file], changed])


def changed_inputs(con: duckdb.DuckDBPyConnection, run_id: int) -> list[str]:
    return [f for (f,) in con.execute("SELECT file FROM reconcile_inputs WHERE changed_run = ? ORDER BY file",
                                      [run_id]).fetchall()]


NEW_COLUMNS = ["factory_id", "origin", "first_run", "wave", "name", "country_code", "n_sources", "how"]
UNLINKED_COLUMNS = ["mention", "names", "sources", "reason"]


def new_factories(con: duckdb.DuckDBPyConnection, run_id: int | None = None) -> list[tuple]:
    """Factories not in the knowledge base (all, or those first seen in `run_id`)."""
    where = "" if run_id is None else "AND s.first_run = ?"
    return con.execute(f"""
        SELECT r.factory_id, r.origin, s.first_run, f.wave, f.name, f.country_code, f.n_sources,
               (SELECT min(l.reason) FROM mention_links l
                WHERE l.factory_id = r.factory_id AND l.method IN ('new', 'new_country_round')) AS how
        FROM factory_registry r
        JOIN factories f USING (factory_id)
        LEFT JOIN factory_first_seen s USING (factory_id)
        WHERE r.origin <> 'knowledge_base' {where}
        ORDER BY s.first_run DESC NULLS LAST, r.factory_id""", [] if run_id is None else [run_id]).fetchall()


def unlinked_mentions(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Mentions of a factory that no factory took: what they were called, where, and why."""
    return con.execute("""
        WITH m AS (
            SELECT l.doc_id, l.subject_text, l.subject_key, l.reason, d.source_name
            FROM mention_links l JOIN documents d USING (doc_id)
            WHERE l.factory_id IS NULL AND l.method = 'unlinked' AND l.subject_text IS NOT NULL),
        named AS (
            SELECT m.subject_text, m.source_name, m.reason,
                   list(DISTINCT json_extract_string(s.value_json, '$')) FILTER (WHERE s.attribute = 'name') AS names
            FROM m LEFT JOIN v_current_statements s
              ON s.doc_id = m.doc_id AND s.subject_text = m.subject_text AND s.scope = 'factory'
            GROUP BY ALL)
        SELECT subject_text, list_sort(flatten(list(names))), list_sort(list(DISTINCT source_name)), min(reason)
        FROM named GROUP BY subject_text ORDER BY subject_text""").fetchall()


def run_notes(con: duckdb.DuckDBPyConnection, run_id: int, limit: int = 10) -> list[str]:
    """Lines for a refresh's summary: changed inputs, new factories, unlinked mentions."""
    lines = []
    changed = changed_inputs(con, run_id)
    if changed:
        lines.append(f"this run reconciled with other knowledge, policy or overrides than the last one: "
                     f"{', '.join(changed)} changed")
    new = new_factories(con, run_id)
    if new:
        lines.append(f"{len(new)} new factor{'y' if len(new) == 1 else 'ies'} not in the knowledge base "
                     f"(configs/knowledge/factories.yaml):")
        lines += [f"  + {fid} ({origin}, {cc or '?'}, round {wave or '?'}): {name}"
                  for fid, origin, _, wave, name, cc, _, _ in new[:limit]]
    unlinked = unlinked_mentions(con)
    if unlinked:
        lines.append(f"{len(unlinked)} mention{'' if len(unlinked) == 1 else 's'} linked to no factory:")
        lines += [f"  ? {mention} ({', '.join(sources[:3])}{', ...' if len(sources) > 3 else ''}): {reason}"
                  for mention, _, sources, reason in unlinked[:limit]]
    if len(new) > limit or len(unlinked) > limit:
        lines.append("  ... all of them: aifacts factories --new")
    return lines
