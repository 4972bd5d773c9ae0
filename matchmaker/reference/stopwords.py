"""Words that carry no signal, from one data file (``data/stopwords.json``) for every text comparison.

The file groups the words by why they are noise; each use (the ranking engine, the skill
resolver, the partner search) names the groups it ignores, because a word can be noise in one
place and signal in another ("bisa" in a search query vs "belum bisa jahit" in a profile).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

DATA_FILE = Path(__file__).with_name("data") / "stopwords.json"
FORMAT = "matchmaker-stopwords/1"


@functools.cache
def _document() -> dict:
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if document.get("format") != FORMAT:
        raise ValueError(f"{DATA_FILE.name}: expected format {FORMAT!r}")
    return document


def uses() -> list[str]:
    """The names of the uses the data file defines (``ranking``, ``skills``, ``search``)."""
    return list(_document()["uses"])


@functools.cache
def stopwords(use: str) -> frozenset[str]:
    """The words ``use`` ignores: the union of the groups the data file names for it."""
    document = _document()
    try:
        group_names = document["uses"][use]["groups"]
    except KeyError:
        raise KeyError(f"no stop-word use named {use!r} in {DATA_FILE.name}") from None
    return frozenset(word for name in group_names for word in document["groups"][name]["words"])
