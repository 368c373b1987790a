"""`make bench`: how fast and how flat a refresh is as the corpus grows.

Figures come from here, never from timed tests. For each scale the dev corpus is copied
that many times, every copy after the first rewritten into a new document of its kind
(`flows/bench_corpus.py`: new names, numbers, dates, wording and sentence order), so the
warehouse sees new documents and the extractors new blocks, not the block cache; then a
fresh subprocess runs a full refresh and a no-change refresh on it, so the peak RSS it
reports belongs to that scale alone.

The refresh is the plain functions of `flows/steps.py` sequenced as `run_refresh` does,
without Prefect: the flow adds a constant start-up (the API server) that says nothing
about scale, and the hot path must not depend on it (no task per document).

    python -m flows.bench --out data/bench.json --scales 1,10,100,1000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import psutil

from flows import steps
from flows.bench_corpus import build_corpus
from flows.settings import Settings
from sources.document import Document

ROOT = Path(__file__).resolve().parents[1]
DEV_CORPUS = ROOT / ".." / "shared" / "corpus" / "dev"
REQUIRED = ("docs", "extract_docs_per_s", "extract_chars_per_s", "ceiling_docs_per_s",
            "full_refresh_s", "nochange_refresh_s", "peak_rss_mb")


class BenchError(RuntimeError):
    """A benchmark could not run; the message names the scale or file and the problem."""


# ---------------------------------------------------------------- one measured refresh

@dataclass
class RefreshTiming:
    wall_s: float = 0.0
    read_s: float = 0.0
    warmup_s: float = 0.0
    extract_s: float = 0.0
    write_s: float = 0.0
    ceiling_s: float = 0.0
    extract_wall_s: float = 0.0
    ceiling_wall_s: float = 0.0
    docs: int = 0
    chars: int = 0
    statements: int = 0
    block_hits: int = 0
    block_misses: int = 0
    worker_rss_mb: float = 0.0
    fetched: int = 0
    unchanged: int = 0


def _block_texts(documents: list[Document]) -> Iterator[tuple[str, str]]:
    for d in documents:
        for b in d.blocks:
            if b.text.strip():
                yield d.lang or "en", b.text


class Ceiling:
    """Bare `spacy.blank(lang)` tokenisation: the speed no rule pipeline can beat."""

    def __init__(self) -> None:
        self._nlp: dict[str, Any] = {}

    def _blank(self, lang: str) -> Any:
        import spacy
        if lang not in self._nlp:
            try:
                self._nlp[lang] = spacy.blank(lang)
            except (ImportError, KeyError, ValueError):
                self._nlp[lang] = spacy.blank("xx")
        return self._nlp[lang]

    def time_batch(self, documents: list[Document]) -> tuple[float, float]:
        """(CPU seconds, wall seconds) of tokenising the documents' blocks."""
        by_lang: dict[str, list[str]] = {}
        for lang, text in _block_texts(documents):
            by_lang.setdefault(lang, []).append(text)
        for lang in by_lang:
            self._blank(lang)  # building is not tokenising
        from extractors.collections_policy import fewer_collections
        with fewer_collections():  # the collector as extraction has it: the same process, the same rules
            t, c = time.perf_counter(), time.process_time()
            for lang, texts in by_lang.items():
                for _ in self._blank(lang).pipe(texts, batch_size=64):
                    pass
            return time.process_time() - c, time.perf_counter() - t


def _warm_up(documents: list[Document], ceiling: Ceiling | None) -> None:
    """One document per language through its pipeline (and the ceiling's tokenizer), so
    lazily built patterns are paid once here and not charged to either rate."""
    seen: dict[str, Document] = {}
    for d in documents:
        seen.setdefault(d.lang or "en", d)
    sample = [replace(d, blocks=d.blocks[:3]) for d in seen.values()]
    steps.extract_batch(sample)
    if ceiling is not None:
        ceiling.time_batch(sample)


@dataclass
class ChunkResult:
    """What one worker returns for a chunk of sources: reads, statements and its clocks."""

    reads: list
    statements: dict
    read_s: float = 0.0
    warmup_s: float = 0.0
    extract_s: float = 0.0
    ceiling_s: float = 0.0
    extract_wall_s: float = 0.0
    ceiling_wall_s: float = 0.0
    docs: int = 0
    chars: int = 0
    block_hits: int = 0
    block_misses: int = 0
    rss_mb: float = 0.0


_WORKER: dict[str, Any] = {}


def read_and_extract(specs: list, cache_dir: Path, previous: list, with_ceiling: bool) -> ChunkResult:
    """Parse then extract one chunk of sources, as the flow's read tasks and extract
    batch do. The first chunk in a process pays the pipeline build (`warmup_s`)."""
    t = time.perf_counter()
    reads = steps.read_batch(specs, cache_dir, previous)
    out = ChunkResult(reads=reads, statements={}, read_s=time.perf_counter() - t)
    documents = [r.document for r in reads if r.document is not None]
    if not documents:
        return out
    ceiling = _WORKER.setdefault("ceiling", Ceiling()) if with_ceiling else None
    if not _WORKER.get("warm"):
        w = time.perf_counter()
        _warm_up(documents, ceiling)
        out.warmup_s = time.perf_counter() - w
        _WORKER["warm"] = True
    from extractors.extract import block_cache
    cache = block_cache()
    hits, misses = cache.hits, cache.misses
    # extraction and its ceiling are clocked in CPU time of this process (wall time beside
    # it): with two workers and the writer on two cores a process also waits for a core,
    # and what it waits for is no part of either cost (at 100x, 7 % of extraction's wall time)
    e, c = time.perf_counter(), time.process_time()
    failures: dict[str, str] = {}
    out.statements = steps.extract_batch(documents, failures)
    out.extract_s, out.extract_wall_s = time.process_time() - c, time.perf_counter() - e
    out.reads = steps.failed_extractions(reads, failures)
    out.block_hits, out.block_misses = cache.hits - hits, cache.misses - misses
    if ceiling is not None:
        out.ceiling_s, out.ceiling_wall_s = ceiling.time_batch(documents)
    out.docs = len(documents)
    # the process's size now, not its ru_maxrss: a spawned worker's ru_maxrss starts at
    # its parent's size at the fork, which for the no-change run is the writer's peak
    out.rss_mb = psutil.Process().memory_info().rss / 2**20
    out.chars = sum(len(text) for _, text in _block_texts(documents))
    return out


def timed_refresh(settings: Settings, workers: int = 1, with_ceiling: bool = False) -> RefreshTiming:
    """`flows.refresh.run_refresh` step for step, with clocks around each stage: chunks of
    `settings.batch_docs` sources are read, extracted and spilled one after the other
    (memory holds one chunk), then the single writer loads the spilled files.

    With `workers` > 1, chunks are read and extracted in that many processes (what a
    process-based task runner would do) and the writer stays here. Per-stage times are
    then summed over workers (CPU-side), `wall_s` is the real elapsed time.
    """
    t = RefreshTiming()
    start = time.perf_counter()
    specs = steps.load_sources(settings)
    previous = steps.previous_state(settings, specs)
    prev = [None if settings.full else previous.get(s.name) for s in specs]
    chunks = [(list(a), list(b)) for a, b in zip(steps.batches(specs, settings.batch_docs),
                                                  steps.batches(prev, settings.batch_docs))]
    with steps.staging(settings) as staging:
        collected = steps.Collector(staging)

        def take(chunk_specs: list, r: ChunkResult) -> None:
            collected.add(chunk_specs, r.reads, r.statements)
            t.read_s += r.read_s
            t.warmup_s += r.warmup_s
            t.extract_s += r.extract_s
            t.ceiling_s += r.ceiling_s
            t.extract_wall_s += r.extract_wall_s
            t.ceiling_wall_s += r.ceiling_wall_s
            t.docs += r.docs
            t.chars += r.chars
            t.statements += sum(len(v) for v in r.statements.values())
            t.block_hits += r.block_hits
            t.block_misses += r.block_misses
            t.worker_rss_mb = max(t.worker_rss_mb, r.rss_mb)

        if workers <= 1:
            for a, b in chunks:
                take(a, read_and_extract(a, settings.cache_dir, b, with_ceiling))
        else:
            from concurrent.futures import ProcessPoolExecutor
            import multiprocessing

            from extractors import native
            # at most two chunks per worker submitted ahead: `pool.map` would queue every chunk,
            # and results the writer side has not taken yet would pile up in memory
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                     initializer=native.install) as pool:
                pending: deque = deque()
                for a, b in chunks:
                    pending.append((a, pool.submit(read_and_extract, a, settings.cache_dir, b, with_ceiling)))
                    if len(pending) >= 2 * workers:
                        done_specs, future = pending.popleft()
                        take(done_specs, future.result())
                while pending:
                    done_specs, future = pending.popleft()
                    take(done_specs, future.result())
        w = time.perf_counter()
        result = steps.write_collected(settings, collected, None)
        t.write_s = time.perf_counter() - w
    t.wall_s = time.perf_counter() - start
    if workers <= 1:
        t.wall_s -= t.ceiling_wall_s  # the ceiling ran inline; in workers it overlaps and is reported apart
    t.fetched, t.unchanged = result.summary.fetched, result.summary.unchanged
    return t


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_scale(scale: int, work: Path, workers: int = 1, profile_out: Path | None = None,
                  corpus: Path = DEV_CORPUS) -> dict:
    """Runs full then no-change refresh on the scaled corpus (built here unless the driver
    built it already, so its memory is not charged to the refresh), returns one report row."""
    sources = work / "corpus" / "sources.yaml"
    b = time.perf_counter()
    if not sources.exists():
        sources = build_corpus(corpus.resolve(), work / "corpus", scale)
    build_s = time.perf_counter() - b
    settings = Settings.resolve(sources=sources, warehouse=work / "bench.duckdb", cache_dir=work / "raw",
                                lock_wait_s=0)
    profiler = None
    if profile_out is not None:
        try:
            from pyinstrument import Profiler  # dev dependency, only for --profile
        except ImportError as exc:
            raise BenchError("--profile needs pyinstrument in the venv (a dev dependency)") from exc
        profiler = Profiler(interval=0.005)
        profiler.start()
    full = timed_refresh(settings, workers, with_ceiling=True)
    if profiler is not None:
        profiler.stop()
        profile_out.write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    rss_full = _rss_mb()
    nochange = timed_refresh(settings, workers)
    if full.fetched != full.docs or nochange.fetched:
        raise BenchError(f"scale {scale}: expected {full.docs} fetched then 0, got {full.fetched} then "
                         f"{nochange.fetched} (unchanged {nochange.unchanged})")
    return {
        "scale": scale,
        "workers": workers,
        "docs": full.docs,
        "chars": full.chars,
        "statements": full.statements,
        "extract_docs_per_s": round(full.docs / full.extract_s, 2),
        "extract_chars_per_s": round(full.chars / full.extract_s),
        "ceiling_docs_per_s": round(full.docs / full.ceiling_s, 2),
        "ceiling_chars_per_s": round(full.chars / full.ceiling_s),
        "extract_share_of_ceiling": round(full.ceiling_s / full.extract_s, 4),
        # the same two clocked in wall time (waiting for a core included)
        "extract_wall_docs_per_s": round(full.docs / full.extract_wall_s, 2),
        "ceiling_wall_docs_per_s": round(full.docs / full.ceiling_wall_s, 2),
        "extract_share_of_ceiling_wall": round(full.ceiling_wall_s / full.extract_wall_s, 4),
        # blocks served from the block cache (text seen before in the same worker): the copies
        # are rewritten block by block, so what it serves is mostly the tables' header rows
        "block_cache_hit_rate": round(full.block_hits / max(1, full.block_hits + full.block_misses), 4),
        "full_refresh_s": round(full.wall_s, 3),
        "full_read_s": round(full.read_s, 3),
        "full_warmup_s": round(full.warmup_s, 3),
        "full_extract_s": round(full.extract_s, 3),
        "full_write_s": round(full.write_s, 3),
        "nochange_refresh_s": round(nochange.wall_s, 3),
        "nochange_share_of_full": round(nochange.wall_s / full.wall_s, 4),
        "peak_rss_full_mb": round(rss_full, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
        # largest size a reading-and-extracting process had after one of its chunks
        "workers_rss_mb": round(max(full.worker_rss_mb, nochange.worker_rss_mb), 1),
        "corpus_build_s": round(build_s, 2),
    }


def machine() -> dict:
    import duckdb
    import prefect
    import spacy

    from extractors import native
    cpu = platform.processor()
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {"platform": platform.platform(), "python": platform.python_version(), "cpu": cpu,
            "cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "spacy": spacy.__version__, "duckdb": duckdb.__version__, "prefect": prefect.__version__,
            "compiled_rules": native.active(),  # the relation rules built with mypyc (extractors/native.py)
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


# ---------------------------------------------------------------- what a user waits for

READ_KINDS = {".pdf": "pdf", ".html": "html", ".htm": "html", ".txt": "text", ".md": "text"}


def read_costs(dirs: list[Path], repeats: int = 3) -> dict:
    """Parsing cost per PDF page (both PDF readers: pdfium, and pdfminer the reference),
    per HTML page and per text, over every such file in `dirs`: the best of `repeats`
    passes, CPU time of this process (the machine may be shared)."""
    from sources.html import parse_html
    from sources.pdf import parse_pdf
    from sources.text import parse_text

    files: dict[str, list[bytes]] = {"pdf": [], "html": [], "text": []}
    for directory in dirs:
        for path in sorted(directory.iterdir()):
            kind = READ_KINDS.get(path.suffix.lower())
            if kind:
                files[kind].append(path.read_bytes())
    pages = 0
    if files["pdf"]:
        import pypdfium2

        for content in files["pdf"]:
            doc = pypdfium2.PdfDocument(content)
            pages += len(doc)
            doc.close()
    parsers = {"pdf_page_pdfium": (files["pdf"], lambda c: parse_pdf(c, source_name="bench"), pages),
               "pdf_page_pdfminer": (files["pdf"], lambda c: parse_pdf(c, source_name="bench",
                                                                       reader="pdfminer"), pages),
               "html_page": (files["html"], lambda c: parse_html(c, source_name="bench"),
                             len(files["html"])),
               "text": (files["text"], lambda c: parse_text(c, source_name="bench"), len(files["text"]))}
    out: dict[str, Any] = {"pdf_files": len(files["pdf"]), "pdf_pages": pages,
                           "html_files": len(files["html"]), "text_files": len(files["text"])}
    for name, (contents, parse, units) in parsers.items():
        if not contents:
            continue
        for content in contents:  # first use: word lists, month names, imports
            parse(content)
        best = float("inf")
        for _ in range(repeats):
            t = time.process_time()
            for content in contents:
                parse(content)
            best = min(best, time.process_time() - t)
        out[f"read_ms_per_{name}"] = round(best / units * 1000, 2)
    if "read_ms_per_pdf_page_pdfium" in out:
        out["pdf_speedup"] = round(out["read_ms_per_pdf_page_pdfminer"] /
                                   max(out["read_ms_per_pdf_page_pdfium"], 1e-9), 2)
    return out


def cli_refresh(sources: Path, runs: int, work: Path) -> dict:
    """`aifacts refresh` as a user runs it: a new process on an empty warehouse (cold), then
    again on the same warehouse (no change); wall seconds of each run and their medians.
    The first cold run may also start the local Prefect server the later ones reuse
    (flows/local_server.py); its time is kept apart."""
    import statistics

    cold: list[float] = []
    nochange: list[float] = []
    env = {k: v for k, v in os.environ.items() if k != "AIFACTS_PREFECT_SERVER"}
    for run in range(runs + 1):
        warehouse = work / f"cli{run}" / "w.duckdb"
        for into in (cold, nochange):
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "flows.cli", "refresh", "--quiet",
                                   "--sources", str(sources), "--warehouse", str(warehouse)],
                                  cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, check=False)
            into.append(round(time.perf_counter() - t, 2))
            if proc.returncode != 0:
                raise BenchError(f"aifacts refresh of {sources} failed ({proc.returncode}): "
                                 f"{proc.stderr.strip()[-300:]}")
    return {"sources": str(sources), "first_cold_s": cold[0], "cold_s": cold[1:],
            "nochange_s": nochange, "cold_median_s": statistics.median(cold[1:]),
            "nochange_median_s": statistics.median(nochange)}


# ---------------------------------------------------------------- driver

def run_in_subprocess(scale: int, work: Path, workers: int = 1, profile_out: Path | None = None,
                      corpus: Path = DEV_CORPUS) -> dict:
    b = time.perf_counter()
    build_corpus(corpus.resolve(), work / "corpus", scale)  # here: building is not refreshing
    build_s = time.perf_counter() - b
    cmd = [sys.executable, "-m", "flows.bench", "--one-scale", str(scale), "--work", str(work),
           "--workers", str(workers), "--corpus", str(corpus)]
    if profile_out is not None:
        cmd += ["--profile", str(profile_out)]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if proc.returncode != 0:
        raise BenchError(f"scale {scale}: benchmark subprocess failed with exit code {proc.returncode}")
    try:
        return {**json.loads(proc.stdout.strip().splitlines()[-1]), "corpus_build_s": round(build_s, 2)}
    except (IndexError, json.JSONDecodeError) as exc:
        raise BenchError(f"scale {scale}: benchmark subprocess printed no result line") from exc


def table(rows: list[dict]) -> str:
    cols = [("docs", "docs", "{:d}"), ("extract_docs_per_s", "ext doc/s", "{:.1f}"),
            ("extract_chars_per_s", "ext char/s", "{:,}"), ("ceiling_docs_per_s", "ceil doc/s", "{:.1f}"),
            ("extract_share_of_ceiling", "of ceil", "{:.1%}"), ("full_refresh_s", "full s", "{:.1f}"),
            ("nochange_refresh_s", "nochg s", "{:.2f}"), ("nochange_share_of_full", "nochg/full", "{:.1%}"),
            ("peak_rss_mb", "peak MB", "{:.0f}")]
    cells = [[h for _, h, _ in cols]] + [[f.format(r[k]) for k, _, f in cols] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(cols))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m flows.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=Path("data/bench.json"), help="where to write the JSON report")
    p.add_argument("--scales", default="1,10,100", help="comma-separated copies of the dev corpus")
    p.add_argument("--profile", type=Path, help="write a pyinstrument profile of the full refresh "
                                                "(with --one-scale) or of the largest scale")
    p.add_argument("--workers", type=int, default=1,
                   help="processes that read and extract (default 1: the flow's in-process shape)")
    p.add_argument("--corpus", type=Path, default=DEV_CORPUS,
                   help="directory with the sources.yaml to scale (default: the shared dev corpus)")
    p.add_argument("--keep", action="store_true", help="keep the generated corpora and warehouses")
    p.add_argument("--cli-runs", type=int, default=3,
                   help="cold and no-change `aifacts refresh` runs of dev and dev2 (0: none)")
    p.add_argument("--one-scale", type=int, help=argparse.SUPPRESS)
    p.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from extractors import native

    native.install()  # the compiled rules or their sources, decided before any rule module loads
    if args.one_scale is not None:
        print(json.dumps(measure_scale(args.one_scale, args.work, args.workers, args.profile, args.corpus)))
        return 0
    try:
        scales = [int(s) for s in args.scales.split(",") if s.strip()]
    except ValueError as exc:
        raise BenchError(f"--scales {args.scales!r}: expected integers such as 1,10,100") from exc
    root = Path(tempfile.mkdtemp(prefix="aifacts-bench-"))
    rows = []
    shared = args.corpus.resolve().parent
    user: dict[str, Any] = {"read": read_costs([d for d in (shared / "dev", shared / "dev2") if d.is_dir()])}
    print(f"read: {user['read']}", file=sys.stderr)
    try:
        for name in ("dev", "dev2"):
            if args.cli_runs > 0 and (shared / name / "sources.yaml").exists():
                user[f"cli_refresh_{name}"] = cli_refresh(shared / name / "sources.yaml", args.cli_runs,
                                                          root / f"cli-{name}")
                print(f"cli refresh {name}: {user[f'cli_refresh_{name}']}", file=sys.stderr)
        for scale in scales:
            prof = args.profile if (args.profile and scale == max(scales)) else None
            rows.append(run_in_subprocess(scale, root / f"x{scale}", args.workers, prof, args.corpus))
            print(f"scale {scale}: {rows[-1]['docs']} docs, full {rows[-1]['full_refresh_s']:.1f} s", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    report = {"scales": rows, "user_waits": user, "machine": machine()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(rows))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
