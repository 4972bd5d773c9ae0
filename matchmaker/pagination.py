"""Paging of long lists: one page number read from the query string, one page count, one slice.

The caseload, the offer search and the import preview page the same way; this is the one place
that says how.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def page_count(total: int, per_page: int) -> int:
    """The number of pages that ``total`` items fill (at least one, so an empty list has page 1)."""
    return max(1, -(-total // per_page))


def clamp_page(page: int, total: int, per_page: int) -> int:
    """``page`` brought within 1 … the last page."""
    return min(max(1, page), page_count(total, per_page))


def page_slice(items: Sequence[T], page: int, per_page: int) -> Sequence[T]:
    """The items of page ``page`` (counted from 1)."""
    return items[(page - 1) * per_page : page * per_page]


def page_arg() -> int:
    """The page asked for in the query string (``?page=``); 1 when missing or not a number."""
    from flask import request

    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1
