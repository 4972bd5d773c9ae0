"""Which rows a user may see: the query-scoping half of access control."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from .models import Role, User


def region_within(column: ColumnElement, codes: list[str]) -> ColumnElement[bool]:
    """SQL condition: ``column`` holds one of ``codes`` or a region below one of them."""
    if not codes:
        return false()
    return or_(*[or_(column == code, column.startswith(code + ".")) for code in codes])


def user_area_filter(user: User, column: ColumnElement) -> ColumnElement[bool]:
    """Restrict a region-code column to ``user``'s assigned area (the admin sees everything)."""
    if user.role == Role.ADMIN:
        return true()
    return region_within(column, user.area_codes)


def code_within(code: str | None, areas: list[str]) -> bool:
    """Python twin of :func:`region_within` for a single code."""
    if not code:
        return False
    return any(code == area or code.startswith(area + ".") for area in areas)
