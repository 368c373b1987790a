"""Prefect flows, schedule and the `aifacts` command line."""
