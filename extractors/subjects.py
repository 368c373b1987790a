"""A factory as one document refers to it: its surface forms, its knowledge-base key,
or only its country when the text does not name it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Subject:
    """One factory as a document refers to it (all its surface forms)."""

    text: str
    key: str | None = None
    forms: list[str] = field(default_factory=list)
    generic_country: str | None = None  # "the Polish AI Factory": a country, not a name
    wave: int | None = None  # for unnamed factories: the selection round the text is about
    guessed: bool = False  # the one country of a text that names no factory (see `subject_from_country`)

    @property
    def is_generic(self) -> bool:
        return self.key is None and self.generic_country is not None and len(self.forms) <= 1
