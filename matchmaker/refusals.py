"""What services raise when they refuse a request: the one shape every view, API route and CLI reads.

A refusal carries a message ``code`` (a key of the domain's message table, so the words are chosen
in the user's language where they are shown), optionally the ``field`` of the form it concerns and
``params`` for the message. Validation that fails on several fields at once raises
:class:`InvalidFields` with one code per field. Domain classes subclass these so that callers can
still catch one domain's refusals; classes that were ``ValueError`` before stay ``ValueError``.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A request a service refused: ``code`` says why, ``field`` which input, ``params`` fill the message."""

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class InvalidFields(ValueError):
    """Input that cannot be written: ``errors`` maps a field name (or ``""``) to an error code."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(f"{name}: {code}" for name, code in errors.items()))
        self.errors = errors
