"""Text folding shared by every look-up: one definition of "the same letters".

Pure Python (no Flask, no database), so the importer, the resolvers, the vocabularies and the
partner search can all use it.
"""

from __future__ import annotations

import unicodedata


def fold_accents(text: str) -> str:
    """Lower case with accents dropped (``Cianjúr`` → ``cianjur``): the first step of every comparison."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
