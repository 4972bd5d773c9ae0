"""Lookups cached for a whole file: desa/region names and skills."""

from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import (
    Region,
    RegionLevel,
    Skill,
    User,
)
from ...reference.regions import normalize_code
from ...scoping import code_within
from .columns import squash

_NUMERAL_WORDS = {"satu": "I", "dua": "II", "tiga": "III", "empat": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}


def _roman_numeral(name: str) -> str:
    """A village name whose last word is a numeral ("Satu", "2") with the Roman numeral registers use."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _NUMERAL_WORDS:
        return " ".join([*words[:-1], _NUMERAL_WORDS[words[-1].casefold()]])
    return name


class RegionLookup:
    """Resolve the desa of each row from a code or from names, with the kecamatan and kabupaten as context.

    Sheets repeat the same few dozen villages thousands of times, so results are cached.
    """

    def __init__(self, facilitator: User) -> None:
        self.areas = facilitator.area_codes
        self._cache: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
        self._areas: dict[tuple[str, str, str | None], str | None] = {}
        self._names_in: dict[str, dict[str, list[str]]] = {}

    def resolve(self, desa: str, kecamatan: str, kabupaten: str) -> tuple[str | None, str | None]:
        """``(desa code, None)`` or ``(None, error code)``; "Cibatok Satu" and "Cibatok 1" are tried as "Cibatok I"."""
        key = (squash(desa), squash(kecamatan), squash(kabupaten))
        if key not in self._cache:
            found = self._resolve(desa, kecamatan, kabupaten)
            roman = _roman_numeral(desa)
            if found[1] == "desa.unknown" and roman != desa:
                found = self._resolve(roman, kecamatan, kabupaten)
            self._cache[key] = found
        return self._cache[key]

    def _resolve(self, desa: str, kecamatan: str, kabupaten: str) -> tuple[str | None, str | None]:
        code = normalize_code(desa.replace(" ", "")) if any(ch.isdigit() for ch in desa) else None
        if code is not None:
            region = db.session.get(Region, code)
            if region is None:
                return None, "desa.unknown"
            if region.level != RegionLevel.VILLAGE:
                return None, "desa.not_village"
        else:
            code = self._by_name(desa, kecamatan, kabupaten)
            if code is None:
                return None, "desa.unknown"
        if not code_within(code, self.areas):
            return None, "desa.outside_area"
        return code, None

    def _area(self, text: str, level: str, within: str | None, context: list[str] | None) -> str | None:
        """A kecamatan or kabupaten named in its column: a few dozen names repeated on every row."""
        from ...reference.resolver import resolve_region

        key = (squash(text), level, within)
        if key not in self._areas:
            found = resolve_region(text, level=level, within=within, context=context)
            self._areas[key] = found.code if found else None
        return self._areas[key]

    def _exact(self, desa: str, scope: str) -> str | None:
        """The one desa under ``scope`` whose name is exactly ``desa`` (ignoring case and spacing)."""
        if scope not in self._names_in:
            names: dict[str, list[str]] = {}
            rows = db.session.execute(
                select(Region.code, Region.name).where(
                    Region.level == RegionLevel.VILLAGE, Region.code.startswith(scope + ".")
                )
            )
            for code, name in rows:
                names.setdefault(squash(name), []).append(code)
            self._names_in[scope] = names
        codes = self._names_in[scope].get(squash(desa), [])
        return codes[0] if len(codes) == 1 else None

    def _by_name(self, desa: str, kecamatan: str, kabupaten: str) -> str | None:
        from ...reference.resolver import resolve_region

        context = [part for part in (kecamatan, kabupaten) if part]
        kabupaten_code = self._area(kabupaten, RegionLevel.DISTRICT, None, None) if kabupaten else None
        scopes: list[str] = []
        if kecamatan:
            area_context = [kabupaten] if kabupaten else None
            found = self._area(kecamatan, RegionLevel.SUBDISTRICT, kabupaten_code, area_context)
            if found is not None:
                scopes.append(found)
        # Without a usable kecamatan (or no such desa in it), her own area is where her
        # households live; then the kabupaten named.
        scopes += [area for area in self.areas if area not in scopes]
        if kabupaten_code and kabupaten_code not in scopes:
            scopes.append(kabupaten_code)
        # Most sheets spell most villages right: an exact name needs no fuzzy search.
        for scope in scopes:
            code = self._exact(desa, scope)
            if code is not None:
                return code
        for scope in scopes:
            match = resolve_region(desa, level=RegionLevel.VILLAGE, within=scope, context=context or None)
            if match is not None:
                return match.code
        return None


class SkillLookup:
    """Canonical skill slugs suggested for a skills text, cached by text."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}
        self._known: set[str] | None = None

    def slugs(self, text: str) -> list[str]:
        """The slugs of the canonical skills resolved from ``text`` that exist in the database."""
        if not text:
            return []
        key = " ".join(text.casefold().split())
        if key not in self._cache:
            from ...reference.skill_resolver import resolve_skills

            if self._known is None:
                self._known = set(db.session.scalars(select(Skill.slug)))
            resolution = resolve_skills(text)
            self._cache[key] = [s.slug for s in resolution.skills if s.slug in self._known]
        return self._cache[key]
