"""Honest reasons: skills that match and skills she lacks come only from the canonical vocabulary."""

from __future__ import annotations

from helpers import household, offer

from matchmaker.matching import MatchRanker


def _reasons(vocabulary, the_offer, hh):
    ranked = MatchRanker(skill_vocabulary=vocabulary).fit([the_offer]).rank_offers(hh, 1)
    assert ranked, "the offer should be feasible for her"
    return ranked[0]


def _skill_reasons(match) -> list[str]:
    return [r for r in match.reasons if r.startswith(("keterampilan cocok", "belum bisa"))]


def test_traits_are_never_skills_she_lacks(skill_vocabulary):
    """A facilitator would read "belum bisa: cepet, supel, bangun subuh" as if those were skills to learn."""
    stall = offer("KUE", kind="supplier", title="Terima titipan kue basah", skills=["cepet", "supel", "bangun subuh",
                                                                                    "kue basah"])
    match = _reasons(skill_vocabulary, stall, household("H", skills="bisa masak", interests="", experience=""))
    text = " ".join(match.reasons)
    for word in ("cepet", "supel", "bangun subuh"):
        assert word not in text
    assert match.missing_skills == ["Membuat kue basah & jajanan pasar"]


def test_an_asset_is_never_a_skill(skill_vocabulary):
    """An offer asking for a stove would show "belum bisa: kompor" (or a look-alike skill) instead of a need."""
    catering = offer("MASAK", kind="job", title="Bantu masak katering", skills=["masak", "punya kompor gas"])
    match = _reasons(skill_vocabulary, catering, household("H", skills="jago masak", interests="", experience="",
                                                           assets=[]))
    assert match.missing_skills == []
    assert not any("kompor" in r or "Kompos" in r for r in _skill_reasons(match))
    assert "perlu: kompor (belum punya)" in match.reasons  # stated as a need, not a skill


def test_a_skill_she_is_recognised_as_having_is_never_lacking(skill_vocabulary):
    """A woman tagged "Berdagang" would be told "belum bisa: dagang"."""
    shop = offer("WARUNG", kind="supplier", title="Kemitraan warung", skills=["dagang", "hitung HPP"])
    trader = household("H", skills="buka lapak", interests="", experience="", canonical_skills=["berdagang"])
    match = _reasons(skill_vocabulary, shop, trader)
    assert "Berdagang" not in match.missing_skills
    assert "keterampilan cocok: Berdagang" in match.reasons


def test_a_wish_is_not_a_skill_she_has(skill_vocabulary):
    """"pengen punya obras" would count as the overlocking skill she has."""
    job = offer("OBRAS", title="Operator obras konveksi", skills=["obras"])
    dreamer = household("H", skills="bisa jahit tangan, pengen punya obras", interests="pengen bisa obras",
                        experience="")
    match = _reasons(skill_vocabulary, job, dreamer)
    assert match.missing_skills == ["Mengobras"]
    assert not any(r.startswith("keterampilan cocok") for r in match.reasons)
    lacks = household("H2", skills="jahit bisa, blm bisa obras", interests="", experience="")
    assert _reasons(skill_vocabulary, job, lacks).missing_skills == ["Mengobras"]


def test_without_a_vocabulary_no_skill_is_named():
    """Without the vocabulary the engine would fall back to the free words an offer was written with."""
    stall = offer("KUE", kind="supplier", title="Terima titipan kue basah", skills=["cepet", "kue basah"])
    match = MatchRanker().fit([stall]).rank_offers(household("H", skills="bisa masak"), 1)[0]
    assert match.missing_skills == [] and _skill_reasons(match) == []
