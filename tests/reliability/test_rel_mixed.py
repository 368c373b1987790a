"""One refresh, from the command line, with a hostile source of each kind among the good
ones (issue 27, "what it must show" 2): exit 1 (a partial run), the good sources loaded,
each failing source an error row that names it and its problem, the harmless-but-odd ones
(a number of 310 digits, a paragraph of a million characters) loaded, all in bounded time.

The per-kind tests beside this one each check one kind alone; this one checks that they
do not add up to a run that stops or hangs."""

from __future__ import annotations

import gzip
import subprocess
import time
from pathlib import Path

import pytest

from tests.reliability.conftest import AIFACTS, ROOT, entry, outcome, write_sources
from tests.reliability.hostile import Trickler, bit_flipped, bomb_pdf, noise, text_pdf

pytestmark = pytest.mark.usefixtures("prefect_harness")

PARAS = ["A test consortium opened a new computing centre for artificial intelligence research "
         "in the northern district, with room for two hundred engineers."]

# name -> (file name, bytes, words its error must contain); None: it must load
FILES = {
    "flipped_pdf": ("flipped.pdf", lambda: bit_flipped(text_pdf(PARAS)), ["damaged", "page 1"]),
    "garbled_pdf": ("garbled.pdf", lambda: b"%PDF-1.7\n" + noise(20_000, seed=11), ["pdf"]),
    "locked_pdf": ("locked.pdf", lambda: text_pdf(PARAS, encrypt=True), ["encrypted"]),
    "bomb_pdf": ("bomb.pdf", lambda: bomb_pdf(600), ["decompression bomb"]),
    "empty_txt": ("empty.txt", lambda: b"", ["empty"]),
    "noise_txt": ("noise.txt", lambda: noise(30_000, seed=5), ["text"]),
    "digits_txt": ("digits.txt", lambda: ("A note\n\nThe centre costs 1" + "0" * 310 + " euros.\n").encode(), None),
    "giant_txt": ("giant.txt", lambda: ("A giant page\n\n" + " ".join(
        f"The new centre {i} in the north will open for {i % 97} researchers next year."
        for i in range(13_000)) + "\n").encode(), None),
}


def test_one_hostile_source_of_each_kind_among_good_ones(env: Path, src: Path, tmp_path: Path, httpserver,
                                                         harness_env):
    extra = []
    for name, (filename, make, _) in FILES.items():
        (src / filename).write_bytes(make())
        extra.append(entry(name, path=filename, lang="en"))
    extra.append(entry("missing_file", path="not-there.pdf"))
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/zip").respond_with_data(
        gzip.compress(b"<p>" + b" " * (60 * 2**20) + b"</p>", 9), content_type="text/html",
        headers={"Content-Encoding": "gzip"})
    extra += [entry("http_404", url=httpserver.url_for("/gone")), entry("gzip_bomb", url=httpserver.url_for("/zip"))]
    trickler = Trickler()
    extra.append(entry("trickler", url=trickler.url))
    sources, wh = write_sources(src, extra), tmp_path / "w.duckdb"
    started = time.monotonic()
    try:
        proc = subprocess.run([*AIFACTS, "refresh", "--sources", str(sources), "--warehouse", str(wh), "--quiet"],
                              capture_output=True, text=True, cwd=ROOT, timeout=600,
                              env={**harness_env, "AIFACTS_CONFIG_DIR": str(env)})
    finally:
        trickler.close()
    took = time.monotonic() - started
    print(f"\nrefresh with {len(extra)} hostile sources and 2 good ones: {took:.1f} s, exit {proc.returncode}")
    assert proc.returncode == 1, (proc.stdout, proc.stderr[-3000:])
    out = outcome(wh)
    out.assert_good_loaded()
    expected = {name: words for name, (_, _, words) in FILES.items()}
    expected.update(missing_file=["not found"], http_404=["404"], gzip_bomb=["limit"],
                    trickler=["allowed for the whole fetch"])
    for name, words in expected.items():
        if words is None:
            assert out.documents[name][0] == "ok", (name, out.documents[name])
            continue
        error = out.error(name).lower()
        assert all(w.lower() in error for w in words), (name, error)
        assert name in proc.stderr, f"the run's messages do not name {name}"
    assert took < 240, f"the run took {took:.0f} s"
