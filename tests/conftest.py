"""Shared fixtures: paths to the shared corpus, one Prefect test harness per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Set before Prefect is imported anywhere: the harness's server then starts faster and
# runs no services the tests do not need.
os.environ.setdefault("PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Flow runs outside the harness use Prefect's temporary server, not the shared local one
# (flows/local_server.py), so that the suite leaves no server running.
os.environ.setdefault("AIFACTS_PREFECT_SERVER", "ephemeral")

# The suite's entry point: whether the compiled rules or their sources run is decided
# before any test module imports a rule module (extractors/native.py).
from extractors import native  # noqa: E402

native.install()

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.fail(f"../shared is missing beside the project ({SHARED}); CI provides it")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test server for the whole session (it takes seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def corpus_warehouse(corpus_dir: Path, tmp_path_factory) -> Path:
    """The seed and the whole dev corpus refreshed into one warehouse (plain steps, no
    Prefect: the flow itself is tested in tests/flows). Built once per session."""
    from tests.extractors.corpus_run import extract_corpus
    from tests.warehouse.expected_match import combined_sources

    tmp = tmp_path_factory.mktemp("corpus")
    sources = combined_sources(corpus_dir, tmp / "sources.yaml")
    extract_corpus(sources, tmp / "corpus.duckdb", tmp / "raw")
    return tmp / "corpus.duckdb"


@pytest.fixture(scope="session")
def dev2_warehouse(corpus_dir: Path, tmp_path_factory) -> Path:
    """The second development corpus (dev2) refreshed alone (plain steps, no Prefect), for its
    quality floors. Built once per session."""
    from tests.extractors.corpus_run import extract_corpus

    tmp = tmp_path_factory.mktemp("dev2")
    extract_corpus(corpus_dir / "dev2" / "sources.yaml", tmp / "dev2.duckdb", tmp / "raw")
    return tmp / "dev2.duckdb"
