"""Data contracts of the curated tables, checked inside the refresh transaction.

Each contract is a query that returns the offending rows; any row breaks the contract,
raises `ContractError` naming the table and the rule, and the caller rolls back so the
previous marts stay in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.errors import ContractError

QUALIFIERS = ("exact", "about", "at_least", "more_than", "up_to", "less_than", "range")


@dataclass(frozen=True, slots=True)
class Contract:
    table: str
    rule: str
    sql: str  # returns offending rows


def _unique(table: str, cols: str) -> Contract:
    return Contract(table, f"unique({cols})",
                    f"SELECT {cols}, count(*) FROM {table} GROUP BY ALL HAVING count(*) > 1")


def _not_null(table: str, col: str) -> Contract:
    return Contract(table, f"not_null({col})", f"SELECT * FROM {table} WHERE {col} IS NULL")


def _accepted(table: str, col: str, values: tuple[str, ...]) -> Contract:
    listed = ", ".join(f"'{v}'" for v in values)
    return Contract(table, f"accepted_values({col})",
                    f"SELECT {col} FROM {table} WHERE {col} IS NOT NULL AND {col} NOT IN ({listed})")


def _related(table: str, col: str, parent: str, parent_col: str) -> Contract:
    return Contract(table, f"relationship({col} -> {parent}.{parent_col})",
                    f"SELECT t.{col} FROM {table} t WHERE t.{col} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {parent} p WHERE p.{parent_col} = t.{col})")


def contracts(trust_tiers: tuple[str, ...]) -> list[Contract]:
    return [
        _unique("documents", "doc_id"),
        _accepted("documents", "trust", trust_tiers),
        _accepted("documents", "status", ("ok", "error")),
        _unique("statements", "statement_id"),
        _accepted("statements", "scope", ("factory", "programme")),
        _unique("factories", "factory_id"),
        _not_null("factories", "factory_id"),
        _not_null("factories", "name"),
        Contract("factories", "accepted_values(country_code: two capital letters)",
                 "SELECT country_code FROM factories WHERE country_code IS NOT NULL "
                 "AND NOT regexp_full_match(country_code, '[A-Z]{2}')"),
        _accepted("factories", "deployment", ("new", "upgrade")),
        _accepted("factories", "budget_total_qualifier", QUALIFIERS),
        _unique("factory_values", "factory_id, attribute, value_json"),
        _not_null("factory_values", "reason"),
        Contract("factory_values", "at_most_one_chosen(factory_id, attribute)",
                 "SELECT factory_id, attribute FROM factory_values WHERE chosen GROUP BY ALL HAVING count(*) > 1"),
        _related("factory_values", "factory_id", "factories", "factory_id"),
        _unique("conflicts", "conflict_id"),
        _not_null("conflicts", "reason"),
        _accepted("conflicts", "status", ("open", "resolved")),
        _related("conflicts", "factory_id", "factories", "factory_id"),
        _unique("events", "event_id"),
        _accepted("events", "kind", ("selection", "operation")),
        _related("events", "factory_id", "factories", "factory_id"),
        Contract("programme_facts", "at_most_one_chosen(attribute, wave)",
                 "SELECT attribute, wave FROM programme_facts WHERE chosen GROUP BY ALL HAVING count(*) > 1"),
        Contract("factory_history", "at_most_one_open_version(factory_id, attribute)",
                 "SELECT factory_id, attribute FROM factory_history WHERE valid_to_run IS NULL "
                 "GROUP BY ALL HAVING count(*) > 1"),
        _related("mention_links", "factory_id", "factories", "factory_id"),
    ]


def check_contracts(con: duckdb.DuckDBPyConnection, trust_tiers: tuple[str, ...]) -> int:
    """Raise on the first broken contract; returns how many were checked."""
    checks = contracts(trust_tiers)
    for c in checks:
        rows = con.execute(f"SELECT * FROM ({c.sql}) LIMIT 3").fetchall()
        if rows:
            raise ContractError(c.table, c.rule, f"offending rows (up to 3): {rows}")
    return len(checks)
