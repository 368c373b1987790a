"""Sentence starts the rule sentencizer gets wrong in most of the EU's languages.

spaCy's sentencizer ends a sentence at every full stop, and Czech, Slovak, Croatian,
Finnish, Estonian, Latvian and Lithuanian write a stop after ordinal numbers and short
words inside dates: "10. prosince 2024", "12. ožujka 2025.", "2024. gada 10. decembrī",
"2024 m. gruodžio 10 d.". Cut there, a date falls into two sentences and is lost to the
relation rules, which read a mention only inside one sentence. A sentence of these texts
never opens with a lower-case word, so such a word continues the sentence before it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("aifacts_sentence_starts")
def join_lower_case_starts(doc: Doc) -> Doc:
    for tok in doc[1:]:
        if tok.is_sent_start and tok.text[:1].islower():
            tok.is_sent_start = False
    return doc
