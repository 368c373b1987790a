"""The sources file: strict validation with entry names and line numbers; comment-safe edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sources.errors import RegistryError
from sources.registry import add_source, describe, load_registry

GOOD = """# sources for a test
sources:
  # first entry
  - name: alpha
    path: docs/alpha.txt
    publisher: Alpha Press
    trust: press
  - name: beta
    url: https://example.org/beta.html
    publisher: Beta Ministry
    trust: official
    lang: de
    published: '2025-03-04'
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_loads_with_resolved_paths(tmp_path):
    specs = load_registry(write(tmp_path, GOOD))
    assert [s.name for s in specs] == ["alpha", "beta"]
    assert specs[0].path == (tmp_path / "docs" / "alpha.txt").resolve()
    assert specs[1].published == date(2025, 3, 4) and specs[1].lang == "de"
    info = describe(specs[0])
    assert info["kind"] == "text" and info["exists"] is False and info["from"] == "path"
    assert describe(specs[1])["kind"] == "html" and describe(specs[1])["exists"] is None


BAD_ENTRIES = [
    ("unknown key", "  - name: gamma\n    path: g.txt\n    publisher: P\n    trust: press\n"
                    "    colour: red\n", "gamma", 10, "unknown key 'colour'"),
    ("missing name", "  - path: g.txt\n    publisher: P\n    trust: press\n", "#2", 6,
     "missing required key 'name'"),
    ("missing publisher", "  - name: gamma\n    path: g.txt\n    trust: press\n", "gamma", 6,
     "'publisher'"),
    ("missing trust", "  - name: gamma\n    path: g.txt\n    publisher: P\n", "gamma", 6, "'trust'"),
    ("both url and path", "  - name: gamma\n    path: g.txt\n    url: https://x.org/\n"
                          "    publisher: P\n    trust: press\n", "gamma", 6, "exactly one"),
    ("neither url nor path", "  - name: gamma\n    publisher: P\n    trust: press\n", "gamma", 6,
     "exactly one"),
    ("duplicate name", "  - name: alpha\n    path: g.txt\n    publisher: P\n    trust: press\n",
     "alpha", 6, "duplicate name"),
    ("unknown trust", "  - name: gamma\n    path: g.txt\n    publisher: P\n    trust: gossip\n",
     "gamma", 9, "unknown trust tier 'gossip'"),
    ("unknown kind", "  - name: gamma\n    path: g.txt\n    kind: docx\n    publisher: P\n"
                     "    trust: press\n", "gamma", 8, "unknown kind 'docx'"),
    ("file url", "  - name: gamma\n    url: file:///etc/passwd\n    publisher: P\n"
                 "    trust: press\n", "gamma", 7, "only http and https"),
    ("path escape", "  - name: gamma\n    path: ../../etc/passwd\n    publisher: P\n"
                    "    trust: press\n", "gamma", 7, "leads outside"),
    ("bad date", "  - name: gamma\n    path: g.txt\n    publisher: P\n    trust: press\n"
                 "    published: last week\n", "gamma", 10, "not a date"),
]


@pytest.mark.parametrize("label,entry,name,line,problem", BAD_ENTRIES,
                         ids=[b[0] for b in BAD_ENTRIES])
def test_bad_entry_names_entry_and_line(tmp_path, label, entry, name, line, problem):
    text = "sources:\n  - name: alpha\n    path: a.txt\n    publisher: P\n    trust: press\n" + entry
    with pytest.raises(RegistryError) as err:
        load_registry(write(tmp_path, text))
    assert err.value.entry == name and err.value.line == line, str(err.value)
    assert problem in str(err.value) and f"entry {name!r}" in str(err.value)
    assert str(tmp_path / "sources.yaml") in str(err.value)


def test_invalid_yaml_gives_line(tmp_path):
    with pytest.raises(RegistryError) as err:
        load_registry(write(tmp_path, "sources:\n  - name: a\n    publisher: [unclosed\n"
                                      "    trust: press\n"))
    assert "invalid YAML" in str(err.value) and err.value.line is not None


def test_path_outside_allowed_on_request(tmp_path):
    text = "sources:\n  - name: up\n    path: ../elsewhere.txt\n    publisher: P\n    trust: press\n"
    specs = load_registry(write(tmp_path, text), allow_outside=True)
    assert specs[0].path == (tmp_path.parent / "elsewhere.txt").resolve()


def test_add_source_keeps_comments_and_reloads(tmp_path):
    path = write(tmp_path, GOOD)
    spec = add_source(path, name="gamma", url="https://example.org/g.pdf", publisher="Gamma",
                      trust="secondary", published=date(2024, 12, 10))
    text = path.read_text(encoding="utf-8")
    assert "# sources for a test" in text and "# first entry" in text
    assert text.index("alpha") < text.index("beta") < text.index("gamma")
    assert [s.name for s in load_registry(path)] == ["alpha", "beta", "gamma"]
    assert spec.published == date(2024, 12, 10) and describe(spec)["kind"] == "pdf"


def test_add_source_validates_before_writing(tmp_path):
    path = write(tmp_path, GOOD)
    with pytest.raises(RegistryError):
        add_source(path, name="alpha", path="x.txt", publisher="P", trust="press")
    with pytest.raises(RegistryError):
        add_source(path, name="delta", url="ftp://example.org/x", publisher="P", trust="press")
    assert path.read_text(encoding="utf-8") == GOOD


def test_add_source_creates_missing_file(tmp_path):
    path = tmp_path / "new" / "sources.yaml"
    add_source(path, name="first", path="first.txt", publisher="P", trust="official", lang="fr")
    specs = load_registry(path)
    assert specs[0].name == "first" and specs[0].lang == "fr"


def test_the_fast_parser_and_the_round_trip_parser_read_the_same_entries(tmp_path: Path) -> None:
    """Large files are read by PyYAML's C parser; YAML 1.1 words such as `no` (Norwegian)
    must still come out as ruamel (YAML 1.2) reads them, and errors keep their line."""
    from sources import registry

    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n"
                    "  - {name: one, path: a.txt, publisher: P, trust: press, published: 2025-03-01}\n"
                    "  - {name: two, path: a.txt, publisher: Q, trust: official, lang: no}\n", encoding="utf-8")
    fast = registry._read_fast(path)
    assert fast["sources"][1]["lang"] is False  # what YAML 1.1 makes of it
    specs = load_registry(path)
    assert [(s.name, s.lang, s.published) for s in specs] == [("one", None, date(2025, 3, 1)), ("two", "no", None)]
    round_trip = registry._validate(registry._entries(registry._read(path), str(path)), path, False,
                                    registry._root(registry._read(path), path))
    assert specs == round_trip
    path.write_text("sources:\n  - {name: one, path: a.txt, publisher: P, trust: press}\n"
                    "  - {name: two, path: a.txt, publisher: P, trust: rumour}\n", encoding="utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert err.value.line == 3 and "rumour" in str(err.value)
