"""The skills vocabulary: canonical skills, their categories, and the words people write for them.

``data/skills.json`` holds the categories (slug, Indonesian and English labels) and the
skills (slug, labels, category slug, synonyms). Synonyms are the colloquial forms that
facilitators, partners and the women themselves write (``ngaput``, ``olshop``, ``bikin
kue``), in Indonesian and the regional words common in our districts.

Every term (a synonym, a skill's Indonesian name or its slug), once normalised, belongs to
exactly one skill: there is no precedence rule, a term claimed twice is a data error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Skill

SKILLS_JSON = Path(__file__).resolve().parent / "data" / "skills.json"
FORMAT = "matchmaker-skills/1"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLUMN_LIMITS = {
    "slug": Skill.__table__.c.slug.type.length,
    "name_id": Skill.__table__.c.name_id.type.length,
    "name_en": Skill.__table__.c.name_en.type.length,
    "category": Skill.__table__.c.category.type.length,
}


class VocabularyError(ValueError):
    """Raised when the skills file is inconsistent; the message lists every problem found."""


@dataclass(frozen=True)
class Category:
    """A group of skills, with its labels."""

    slug: str
    name_id: str
    name_en: str

    def label(self, locale: str) -> str:
        """The category's name in ``locale`` (Indonesian unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_id


@dataclass(frozen=True)
class SkillEntry:
    """A canonical skill as the vocabulary file defines it."""

    slug: str
    name_id: str
    name_en: str
    category: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The validated contents of the skills file."""

    categories: tuple[Category, ...]
    skills: tuple[SkillEntry, ...]

    def category(self, slug: str) -> Category | None:
        """The category with this slug, if any."""
        return next((category for category in self.categories if category.slug == slug), None)

    def term_index(self) -> dict[str, str]:
        """Map every normalised term (synonym, Indonesian name, slug) to its skill's slug."""
        index: dict[str, str] = {}
        for skill in self.skills:
            for term in _terms(skill):
                index[term] = skill.slug
        return index


def normalize_term(text: str) -> str:
    """The form in which terms are compared: lower case, single spaces, trimmed."""
    return " ".join(text.casefold().split())


def read_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Read and validate the skills file.

    Checks that slugs are well-formed and unique, every skill has both labels and at least
    one synonym, every category is known and used, and no term belongs to two skills.
    Synonyms are normalised (:func:`normalize_term`) and de-duplicated within a skill.
    Raises :class:`VocabularyError` listing every problem at once.
    """
    source = Path(path) if path else SKILLS_JSON
    with source.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(f"format is {data.get('format')!r}, expected {FORMAT!r}")

    categories: list[Category] = []
    for raw in data.get("categories", []):
        category = Category(
            slug=str(raw.get("slug", "")), name_id=str(raw.get("name_id", "")).strip(),
            name_en=str(raw.get("name_en", "")).strip(),
        )
        if not _SLUG.fullmatch(category.slug) or len(category.slug) > _COLUMN_LIMITS["category"]:
            problems.append(f"category slug {category.slug!r} is not a short lower-case ascii slug")
        if not category.name_id or not category.name_en:
            problems.append(f"category {category.slug!r} lacks an Indonesian or English label")
        categories.append(category)
    category_slugs = [category.slug for category in categories]
    problems += [f"category {slug!r} is listed twice" for slug in _duplicates(category_slugs)]

    skills: list[SkillEntry] = []
    for raw in data.get("skills", []):
        synonyms = tuple(dict.fromkeys(normalize_term(str(term)) for term in raw.get("synonyms", [])))
        skill = SkillEntry(
            slug=str(raw.get("slug", "")), name_id=str(raw.get("name_id", "")).strip(),
            name_en=str(raw.get("name_en", "")).strip(), category=str(raw.get("category", "")),
            synonyms=tuple(term for term in synonyms if term),
        )
        if not _SLUG.fullmatch(skill.slug):
            problems.append(f"skill slug {skill.slug!r} is not a lower-case ascii slug")
        for field, limit in _COLUMN_LIMITS.items():
            if limit and len(getattr(skill, field)) > limit:
                problems.append(f"skill {skill.slug!r}: {field} is longer than {limit}")
        if not skill.name_id or not skill.name_en:
            problems.append(f"skill {skill.slug!r} lacks an Indonesian or English name")
        if skill.category not in category_slugs:
            problems.append(f"skill {skill.slug!r} has unknown category {skill.category!r}")
        if not skill.synonyms:
            problems.append(f"skill {skill.slug!r} has no synonyms")
        skills.append(skill)
    problems += [f"skill slug {slug!r} is listed twice" for slug in _duplicates(s.slug for s in skills)]

    used = {skill.category for skill in skills}
    problems += [f"category {slug!r} has no skills" for slug in category_slugs if slug not in used]

    owners: dict[str, str] = {}
    for skill in skills:
        for term in _terms(skill):
            owner = owners.setdefault(term, skill.slug)
            if owner != skill.slug:
                problems.append(f"term {term!r} belongs to both {owner!r} and {skill.slug!r}")

    if problems:
        raise VocabularyError(f"{source.name}: " + "; ".join(problems))
    return Vocabulary(tuple(categories), tuple(skills))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, read once per process (for labels and term look-ups)."""
    return read_vocabulary()


def load_skills(session: Session, path: str | Path | None = None, *, commit: bool = True) -> tuple[int, int]:
    """Upsert the vocabulary into the ``skill`` table by slug; return ``(inserted, updated)``.

    Idempotent: a second run returns ``(0, 0)``. A skill whose labels, category or synonyms
    changed in the file is updated in place, keeping its id (households and offers refer
    to it). Skills that the file no longer lists are left alone for the same reason.
    Commits unless ``commit`` is false.
    """
    vocab = read_vocabulary(path)
    existing = {skill.slug: skill for skill in session.scalars(select(Skill))}
    inserted = updated = 0
    try:
        for entry in vocab.skills:
            values = {
                "name_id": entry.name_id,
                "name_en": entry.name_en,
                "category": entry.category,
                "synonyms": list(entry.synonyms),
            }
            row = existing.get(entry.slug)
            if row is None:
                session.add(Skill(slug=entry.slug, **values))
                inserted += 1
            elif any(getattr(row, key) != value for key, value in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                updated += 1
        if commit:
            session.commit()
        else:
            session.flush()
    except Exception:
        session.rollback()
        raise
    return inserted, updated


def _terms(skill: SkillEntry) -> list[str]:
    """Every normalised term that names ``skill``: its synonyms, Indonesian name and slug."""
    terms = dict.fromkeys([*skill.synonyms, normalize_term(skill.name_id), skill.slug.replace("-", " ")])
    return list(terms)


def _duplicates(values: Any) -> list[str]:
    """Values that occur more than once, in first-seen order."""
    seen: set[str] = set()
    repeated: dict[str, None] = {}
    for value in values:
        if value in seen:
            repeated[value] = None
        seen.add(value)
    return list(repeated)
