"""Versions of chosen values across runs (`factory_history`).

A chosen value that differs from the open version closes it (`valid_to_run`) and opens
a new one; a value no longer chosen closes its version. The marts are rebuilt each run,
the history is only ever extended.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa

from warehouse.tables import insert_rows


@dataclass(frozen=True, slots=True)
class ValueChange:
    factory_id: str
    attribute: str
    old: str | None  # value_json
    new: str | None


def update_history(con: duckdb.DuckDBPyConnection, run_id: int,
                   chosen: dict[tuple[str, str], str]) -> list[ValueChange]:
    open_rows = {(f, a): v for f, a, v in con.execute(
        "SELECT factory_id, attribute, value_json FROM factory_history WHERE valid_to_run IS NULL").fetchall()}
    changes = []
    for key in sorted(set(open_rows) | set(chosen)):
        old, new = open_rows.get(key), chosen.get(key)
        if old != new:
            changes.append(ValueChange(key[0], key[1], old, new))
    closing = [(c.factory_id, c.attribute) for c in changes if c.old is not None]
    if closing:
        con.register("_closing", pa.table({"factory_id": [k[0] for k in closing],
                                           "attribute": [k[1] for k in closing]}))
        try:
            con.execute("""UPDATE factory_history h SET valid_to_run = ?
                           FROM _closing c WHERE h.factory_id = c.factory_id AND h.attribute = c.attribute
                             AND h.valid_to_run IS NULL""", [run_id])
        finally:
            con.unregister("_closing")
    insert_rows(con, "factory_history", ["factory_id", "attribute", "value_json", "valid_from_run", "valid_to_run"],
                [(c.factory_id, c.attribute, c.new, run_id, None) for c in changes if c.new is not None],
                {"valid_from_run": pa.int32(), "valid_to_run": pa.int32()})
    return changes
