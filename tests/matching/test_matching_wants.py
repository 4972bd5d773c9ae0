"""What she wants and what she has: interest over incidental words, means for would-be owners, training vs jobs."""

from __future__ import annotations

from helpers import household, offer

from matchmaker.matching import MatchRanker

NEXT_DESA = "32.01.16.2001"  # same kecamatan as the helpers' default desa


def _order(offers, hh, **weights):
    return [m.offer_id for m in MatchRanker(weights=weights or None).fit(offers).rank_offers(hh, 10)]


def test_her_stated_interest_beats_an_incidental_word_match():
    """A cook who wants to sell cakes through warungs would see sugar weighing first because it says "warung"."""
    offers = [
        offer("KUE", kind="supplier", title="Terima titipan kue basah buat warung", home_based=True,
              description="Kue basah dititip tiap pagi ke warung2, bagi hasil.", skills=["bikin kue basah"],
              village_code=NEXT_DESA),
        offer("GULA", kind="job", title="Borongan timbang & bungkus gula pasir",
              description="Timbang gula buat warung & hajatan, dibayar per kg. Masak ga perlu.",
              skills=["timbang", "bungkus rapi"]),
    ]
    cook = household("H", skills="biasa masak buat hajatan tetangga", interests="pengen jualan kue dititip ke warung2",
                     experience="bantu masak hajatan", work_preference="any", assets=[])
    assert _order(offers, cook) == ["KUE", "GULA"]
    # Where her own desa pulls harder, the interest term is what still puts her wish first.
    assert _order(offers, cook, desa=1.6) == ["KUE", "GULA"]
    assert _order(offers, cook, desa=1.6, interest=0.0) == ["GULA", "KUE"]


def test_capital_ranks_well_for_a_would_be_owner_without_the_means():
    """A woman who wants her own goats but has none would be shown wage work in a pen first."""
    offers = [
        offer("MODAL", kind="capital", title="Titip kambing sistem bagi hasil", provider="KUB",
              description="Kambing dari kami, dirawat ibu, anak dibagi dua.", skills=["ngurus kambing"]),
        offer("KANDANG", kind="job", title="Anak kandang peternakan kambing", provider="Peternakan",
              description="Kasih pakan & bersihin kandang kambing.", skills=["ngurus kambing"]),
    ]
    owner = household("H", skills="ngarit & ngurus kambing tetangga", interests="pengen punya kambing sendiri",
                      experience="", work_preference="own_business", assets=[])
    assert _order(offers, owner)[0] == "MODAL"
    waged = household("W", skills="ngarit & ngurus kambing tetangga", interests="kerja di peternakan", experience="",
                      work_preference="wage", assets=[])
    assert _order(offers, waged)[0] == "KANDANG"


def test_beginner_training_ranks_below_a_job_for_a_woman_who_has_the_skill():
    """A skilled seamstress would be sent to a beginners' sewing course before a sewing job."""
    offers = [
        offer("KURSUS", kind="training", provider="Pemdes", provider_type="village_office",
              title="Pelatihan jahit baju pake mesin (dasar)", description="Belajar jahit baju dari nol.",
              skills=["jahit baju"], hours_per_week=None),
        offer("KERJA", kind="job", title="Penjahit borongan gamis", description="Jahit gamis dibayar per potong.",
              skills=["jahit gamis"]),
    ]
    skilled = household("S", skills="bisa jahit baju pake mesin", interests="nerima jahitan",
                        experience="5 thn jahit di konveksi", assets=["mesin jahit"])
    assert _order(offers, skilled) == ["KERJA", "KURSUS"]
    assert _order(offers, skilled, trained=0.0) == ["KURSUS", "KERJA"]  # the course mirrors her words
    # A woman who only wishes to sew ("blm bisa", "pengen belajar") asks for the course: the same
    # term lifts it for her.
    novice = household("N", skills="blm bisa jahit", interests="pengen belajar jahit", experience="", assets=[])

    def course_score(**weights):
        ranked = MatchRanker(weights=weights or None).fit(offers).rank_offers(novice, 10)
        return next(m.score for m in ranked if m.offer_id == "KURSUS")

    assert course_score() > course_score(trained=0.0)
    assert _order(offers, novice)[0] == "KURSUS"
