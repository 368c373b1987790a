"""Whether a name found in a text is a factory's proper name.

A factory row may come from a name only when the name is a proper name: not a phrase of
common words ("Získání AI Factory" is Czech for "obtaining an AI Factory", "Poland Launches
AI Factory" a headline, "Slovenian AI Factory" a description) and not several factories
("AI Factories"). Common words are the ones of well-kept word lists, not of ours: spaCy's
stop words and wordfreq's frequencies in each corpus language (policy.yaml
`identity.name_check`). A coined word (a digit, a symbol, capitals inside or throughout:
"IT4LIA", "BRAIN++", "HammerHAI", "GAIA") is a proper name whatever the lists say.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common import yaml_files
from common.text import fold_words

_TOKEN = re.compile(r"\S+")
_EDGE = re.compile(r"^[^\w+]+|[^\w+]+$")


@lru_cache(maxsize=64)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words of a language (empty when spaCy has none for it)."""
    try:
        module = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    except ModuleNotFoundError:
        return frozenset()
    return frozenset(w.casefold() for w in getattr(module, "STOP_WORDS", ()))


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages  # loads its index: imported when a name is first checked
    return frozenset(available_languages(wordlist="small"))


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """wordfreq's Zipf frequency of `word` in `lang` (0 for a language it does not know)."""
    if lang not in _wordfreq_languages():
        return 0.0
    from wordfreq import zipf_frequency
    return float(zipf_frequency(word, lang, wordlist="small"))


@lru_cache(maxsize=4)
def place_words(lexicon_dir: Path, languages: tuple[str, ...]) -> frozenset[str]:
    """Folded words of country names (CLDR, through babel, in each language) and of the
    other country names and demonyms of configs/lexicon/places/*.yaml: "Slovenian AI
    Factory" describes a factory by its country, it does not name it. Built when a name is
    first checked: a run with nothing new to reconcile never needs them."""
    from babel import Locale, UnknownLocaleError

    words: set[str] = set()
    for lang in languages:
        try:
            names = Locale.parse(lang).territories
        except (UnknownLocaleError, ValueError):
            continue
        for code, name in names.items():
            if len(code) == 2 and code.isalpha():
                words.update(fold_words(name).split())
    for path in sorted(lexicon_dir.glob("*.yaml")):
        data = yaml_files.parse(path.read_text(encoding="utf-8")) or {}
        for key in ("countries", "demonyms"):
            for forms in (data.get(key) or {}).values():
                for form in forms or ():
                    words.update(fold_words(str(form)).split())
    return frozenset(w for w in words if len(w) > 2)


@dataclass(frozen=True)
class NameCheck:
    languages: tuple[str, ...]
    common_zipf_own: float     # this frequent in the text's own language: a common word
    common_zipf_any: float     # this frequent in any corpus language: a common word
    plural_heads: frozenset[str]
    generic_words: frozenset[str]
    places_dir: Path | None = None  # configs/lexicon/places

    @property
    def place_words(self) -> frozenset[str]:
        return place_words(self.places_dir, self.languages) if self.places_dir is not None else frozenset()

    def common(self, word: str, lang: str | None) -> str | None:
        """Why `word` is a common word (which list says so), or None."""
        w = word.casefold()
        if fold_words(w) in self.place_words:
            return "a country's name or adjective (CLDR, configs/lexicon/places)"
        for code in ([lang] if lang else []) + [c for c in self.languages if c != lang]:
            if w in stop_words(code):
                return f"a {code} stop word"
        if lang and zipf(w, lang) >= self.common_zipf_own:
            return f"a common {lang} word (wordfreq {zipf(w, lang):.1f})"
        best = max(((zipf(w, c), c) for c in self.languages), default=(0.0, ""))
        if best[0] >= self.common_zipf_any:
            return f"a common {best[1]} word (wordfreq {best[0]:.1f})"
        return None

    def verdict(self, name: str, lang: str | None = None) -> str | None:
        """None when `name` is a proper name; else why it is not one."""
        tokens = [t for t in (_EDGE.sub("", t) for t in _TOKEN.findall(name)) if t]
        plural = [t for t in tokens if fold_words(t) in self.plural_heads]
        if plural:
            return f"{name!r} speaks of several factories ({plural[0]!r}), it is no one factory's name"
        core = [t for t in tokens if fold_words(t) and fold_words(t) not in self.generic_words]
        if not core:
            return f"{name!r} has only generic words"
        shouted = all(not any(c.islower() for c in t) for t in tokens if any(c.isalpha() for c in t))
        whys = []
        for t in core:
            if _coined(t, shouted):
                return None
            why = self.common(t, lang)
            if why is None:
                return None
            whys.append(f"{t!r} is {why}")
        return f"{name!r} is a phrase of common words, not a proper name: " + "; ".join(whys)


def _coined(token: str, shouted: bool) -> bool:
    """A made-up word: digits or symbols in it, a capital after a small letter, or four or
    more capitals while the rest of the name is not shouted (a short one, "EU", "GPU",
    is judged by the word lists like any word)."""
    if any(c.isdigit() for c in token) or "+" in token:
        return True
    letters = [c for c in token if c.isalpha()]
    if any(a.islower() and b.isupper() for a, b in zip(token, token[1:])):
        return True
    return not shouted and len(letters) >= 4 and all(c.isupper() for c in letters)
