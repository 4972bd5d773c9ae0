"""Turning what a woman says she can do into canonical skills, without losing what matches none."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Skill
from matchmaker.reference.skill_resolver import SkillResolution, resolve_skills, search_skills
from matchmaker.reference.skills import load_skills


def _slugs(resolution: SkillResolution) -> set[str]:
    return {skill.slug for skill in resolution.skills}


def test_colloquial_sentence_gives_the_canonical_skills():
    """"bisa ngejahit, bikin kue basah, jualan di WA" would not become sewing, traditional cakes and online selling."""
    result = resolve_skills("bisa ngejahit, bikin kue basah, jualan di WA")
    assert _slugs(result) == {"menjahit", "membuat-kue-basah", "jualan-online"}
    assert result.unmatched == []
    phrases = {skill.slug: skill.phrase for skill in result.skills}
    assert phrases == {"menjahit": "ngejahit", "membuat-kue-basah": "kue basah", "jualan-online": "jualan di WA"}
    sewing = next(skill for skill in result.skills if skill.slug == "menjahit")
    assert (sewing.name_id, sewing.category, sewing.score) == ("Menjahit pakaian", "jahit-tekstil", 100.0)


def test_slang_and_typos_are_recognised():
    """Words like "olshop", "jait" or a typed slip would not be recognised as skills."""
    assert _slugs(resolve_skills("olshop")) == {"jualan-online"}
    assert _slugs(resolve_skills("jait")) == {"menjahit"}
    slipped = resolve_skills("saya bisa menjaiht")
    assert _slugs(slipped) == {"menjahit"} and slipped.skills[0].score < 100
    assert _slugs(resolve_skills("Ngejait gamis. Bikin kripik singkong!")) >= {"menjahit", "keripik-camilan"}
    assert _slugs(resolve_skills("ngobras")) == {"mengobras"}


def test_phrases_matching_nothing_are_kept_as_free_text():
    """Something she said she can do would vanish because the vocabulary lacks it."""
    result = resolve_skills("bisa jahit, main catur, dan nyanyi dangdut")
    assert "menjahit" in _slugs(result)
    assert "main catur" in result.unmatched
    assert "dangdut" in result.unmatched
    assert resolve_skills("merangkai bunga kering xyz").unmatched  # nothing silently dropped


def test_filler_is_neither_matched_nor_kept():
    """Words like "saya bisa" would be reported as an unknown skill or as a wrong one."""
    assert resolve_skills("saya bisa, dan juga") == SkillResolution(skills=[], unmatched=[])
    assert resolve_skills("") == SkillResolution(skills=[], unmatched=[])
    reading = resolve_skills("baca")  # one letter from "bata" (bricks): short words are not guessed
    assert reading.skills == [] and reading.unmatched == ["baca"]


def test_several_skills_in_one_phrase_and_longest_wins():
    """"jahit baju anak2 dan ternak ayam kampung" would lose a skill or pick the vaguer one."""
    result = resolve_skills("jahit baju anak2 dan ternak ayam kampung")
    assert _slugs(result) == {"menjahit", "ayam-kampung"}
    assert _slugs(resolve_skills("bikin kue")) == {"membuat-kue"}
    assert _slugs(resolve_skills("bikin kue basah")) == {"membuat-kue-basah"}


def test_search_skills_for_the_type_ahead():
    """The skill picker would not suggest sewing for "jah", or would repeat a skill."""
    results = search_skills("jah", limit=5)
    assert results[0].slug == "menjahit"
    assert len(results) == len({r.slug for r in results}) == 5
    assert search_skills("olshop")[0].slug == "jualan-online"
    assert search_skills("sewing")[0].slug == "menjahit"  # English names, for the English interface
    assert search_skills("jiat")[0].slug == "menjahit"
    assert search_skills("   ") == []
    assert len(search_skills("a", limit=500)) <= 50


def test_suggested_slugs_exist_in_the_skill_table(app):
    """A suggestion could name a skill that the database does not have."""
    load_skills(db.session)
    known = set(db.session.scalars(select(Skill.slug)))
    text = "bisa ngejahit, bikin kue basah, jualan di WA, ngasuh anak, bersih2 rumah, buruh tani, nyangkul sawah"
    found = _slugs(resolve_skills(text)) | {s.slug for s in search_skills("ternak", limit=20)}
    assert len(found) > 10 and found <= known
