"""Warehouse exception types: each message names the table, file or source at fault."""

from __future__ import annotations


class WarehouseError(RuntimeError):
    """A refresh could not be written; the previous marts are intact."""


class MigrationError(WarehouseError):
    """A migration file is malformed or failed to apply."""


class ContractError(WarehouseError):
    """A curated table broke a data contract (names the table and the rule)."""

    def __init__(self, table: str, rule: str, detail: str) -> None:
        super().__init__(f"contract broken on table {table!r}, rule {rule}: {detail}")
        self.table = table
        self.rule = rule


class ConfigError(WarehouseError):
    """A warehouse config (policy, overrides, knowledge base) is invalid."""


class WarehouseBusy(WarehouseError):
    """The warehouse file stayed locked by a writer longer than the reader would wait."""


class QueryError(WarehouseError):
    """A user query was refused (a write, ATTACH, COPY, INSTALL) or failed."""


class ExplainError(WarehouseError):
    """`explain` was asked about a factory or attribute the warehouse does not hold."""
