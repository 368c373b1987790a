"""DuckDB warehouse: migrations, load, reconcile, marts, contracts."""
