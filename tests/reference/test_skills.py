"""Tests for the skills vocabulary (``matchmaker.reference.skills``).

Self-contained like ``test_regions.py``: a bare Flask app with only the database
extension; ``TEST_DATABASE_URL`` selects PostgreSQL instead of in-memory SQLite
(except in the suite's SQLite pass, ``MATCHMAKER_TEST_BACKEND=sqlite``).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.extensions import db
from matchmaker.models import Skill
from matchmaker.reference.skills import (
    SKILLS_JSON,
    VocabularyError,
    load_skills,
    normalize_term,
    read_vocabulary,
)


def _database_url() -> str:
    """PostgreSQL when ``TEST_DATABASE_URL`` is set, unless the suite's SQLite pass asks for SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url and os.environ.get("MATCHMAKER_TEST_BACKEND") != "sqlite":
        return url
    return "sqlite://"


def _drop_all() -> None:
    """Drop every table, hiding SQLite's warning about the user/organization foreign-key cycle.

    SQLite cannot ALTER constraints, so SQLAlchemy warns that it cannot order that cycle;
    dropping still works. (The cycle itself belongs to ``models.py``.)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Can't sort tables for DROP")
        db.drop_all()


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """A minimal app bound to the test database, inside an app context."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    db.init_app(app)
    with app.app_context():
        yield app
        # Leave empty tables behind, not none: the shared conftest creates the PostgreSQL
        # schema once per session and only truncates it afterwards.
        db.session.remove()
        _drop_all()
        db.create_all()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session on freshly created, empty tables."""
    db.session.remove()
    _drop_all()
    db.create_all()
    yield db.session
    db.session.remove()


@pytest.fixture(scope="module")
def raw() -> dict:
    """The skills file exactly as stored, without the loader's validation."""
    return json.loads(SKILLS_JSON.read_text(encoding="utf-8"))


def test_at_least_150_skills(raw: dict) -> None:
    """If this breaks, facilitators cannot find common skills in the picker and matches are missed."""
    assert len(raw["skills"]) >= 150
    assert len(read_vocabulary().skills) == len(raw["skills"])


def test_categories_labelled_and_used(raw: dict) -> None:
    """If this breaks, the skill picker shows unlabelled or empty groups, or skills in no group."""
    categories = {category["slug"]: category for category in raw["categories"]}
    assert len(categories) >= 10
    assert all(category["name_id"] and category["name_en"] for category in categories.values())
    used = Counter(skill["category"] for skill in raw["skills"])
    assert set(used) == set(categories)


def test_every_skill_has_labels_and_synonyms(raw: dict) -> None:
    """If this breaks, a skill shows without its English name or can never be recognised in notes."""
    for skill in raw["skills"]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", skill["slug"]), skill["slug"]
        assert skill["name_id"].strip() and skill["name_en"].strip(), skill["slug"]
        assert any(term.strip() for term in skill["synonyms"]), skill["slug"]
    slugs = Counter(skill["slug"] for skill in raw["skills"])
    assert [slug for slug, count in slugs.items() if count > 1] == []


def test_no_term_shared_between_skills(raw: dict) -> None:
    """If this breaks, the same words in a household's notes count toward two different skills."""
    owners: dict[str, set[str]] = {}
    for skill in raw["skills"]:
        terms = {normalize_term(term) for term in skill["synonyms"]} | {normalize_term(skill["name_id"])}
        for term in terms:
            owners.setdefault(term, set()).add(skill["slug"])
    shared = {term: slugs for term, slugs in owners.items() if len(slugs) > 1}
    assert shared == {}


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("ngaput", "menjahit"),
        ("Jait", "menjahit"),
        ("vermak levis", "permak"),
        ("olshop", "jualan-online"),
        ("jualan di WA", "jualan-online"),
        ("dropship", "jualan-online"),
        ("bikin kue", "membuat-kue"),
        ("kue basah", "membuat-kue-basah"),
        ("nyeuseuh", "laundry"),
        ("momong", "mengasuh-anak"),
        ("ngarit", "domba-kambing"),
        ("servis HP", "servis-hp-elektronik"),
    ],
)
def test_colloquial_forms_are_recognised(written: str, slug: str) -> None:
    """If this breaks, notes written the way facilitators write them no longer match the skill."""
    assert read_vocabulary().term_index()[normalize_term(written)] == slug


def test_load_skills_is_idempotent(session: Session) -> None:
    """If this breaks, re-running the seed command duplicates skills or reports phantom changes."""
    total = len(read_vocabulary().skills)
    assert load_skills(session) == (total, 0)
    assert load_skills(session) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Skill)) == total
    skill = session.scalar(select(Skill).where(Skill.slug == "menjahit"))
    assert skill.category == "jahit-tekstil"
    assert "ngaput" in skill.synonyms
    assert skill.label("en") == "Sewing clothes"


def test_load_skills_updates_changed_rows_in_place(session: Session) -> None:
    """If this breaks, corrected skill names never reach users, or households lose their skills."""
    load_skills(session)
    skill = session.scalar(select(Skill).where(Skill.slug == "menjahit"))
    skill_id = skill.id
    skill.name_en = "Old label"
    skill.synonyms = ["jahit"]
    session.commit()
    assert load_skills(session) == (0, 1)
    session.expire_all()
    skill = session.get(Skill, skill_id)
    assert skill.name_en == "Sewing clothes"
    assert "ngaput" in skill.synonyms


def test_validator_rejects_bad_files(raw: dict, tmp_path: Path) -> None:
    """If this breaks, a broken vocabulary edit is loaded and silently confuses matching."""
    broken = json.loads(json.dumps(raw))
    broken["skills"][1]["synonyms"].append(" JAHIT ")  # already a synonym of "menjahit"
    broken["skills"][2]["category"] = "tidak-ada"
    broken["skills"].append(dict(broken["skills"][0]))
    path = tmp_path / "skills.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(VocabularyError) as error:
        read_vocabulary(path)
    message = str(error.value)
    assert "'jahit' belongs to both" in message
    assert "unknown category 'tidak-ada'" in message
    assert "listed twice" in message
