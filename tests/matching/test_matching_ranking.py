"""Ranking behaviour: text understanding, reasons, fairness, updates."""

from __future__ import annotations

from helpers import household, offer
from sklearn.base import clone

from matchmaker.matching import IndonesianNormalizer, MatchRanker
from matchmaker.matching.text import TokenStemmer


def _catalogue():
    return [
        offer("SEW", title="Mitra penjahit rumahan", skills=["menjahit baju", "obras"], home_based=True),
        offer("CAKE", title="Titipan kue basah", description="Terima titipan kue basah tiap pagi.",
              skills=["kue basah", "punya oven"], kind="supplier"),
        offer("SHOP", title="Reseller hijab online", description="Jualan online hijab lewat WA & marketplace.",
              skills=["jualan online", "HP android"], kind="supplier", home_based=True),
        offer("FARM", title="Buruh kebun sayur", description="Tanam & panen sayur.",
              skills=["tanam sayur"], kind="job"),
    ]


def test_normalizer_maps_colloquial_and_sundanese():
    """Slang or Sundanese profiles ("ngejahit", "imah") would not match standard offer text."""
    norm = IndonesianNormalizer().fit([])
    assert norm.transform(["ngejahit di imah"]) == ["jahit rumah"]
    assert "jual" in norm.tokens("olshop") and "online" in norm.tokens("olshop")
    assert norm.tokens("hoyong ngurus budak") == ["urus", "anak"]
    # Meaningful everyday verbs are kept, not treated as stopwords.
    assert norm.tokens("bisa kerja buat kue") == ["bisa", "kerja", "buat", "kue"]


def test_stemmer_exceptions_and_cache():
    """Sastrawi's known errors would merge 'kerajinan' (crafts) with 'rajin' (diligent)."""
    stem = TokenStemmer()
    assert stem("kerajinan") == "kerajinan"
    assert stem("peternakan") == "ternak"
    assert stem("menjahit") == "jahit"
    stem("menjahit")
    assert set(stem.cache) == {"kerajinan", "peternakan", "menjahit"}


def test_colloquial_and_misspelled_skills_find_the_right_offer():
    """A woman writing "ngejahit", "jait" or "olshop" would not see sewing or reselling first."""
    ranker = MatchRanker().fit(_catalogue())
    for text, expected in (("bisa ngejahit", "SEW"), ("biasa jait baju", "SEW"), ("pengen olshop", "SHOP")):
        hh = household("H", skills=text, interests="", experience="", assets=[])
        assert ranker.rank_offers(hh, 1)[0].offer_id == expected, text


def test_empty_profile_gets_low_score_and_reason():
    """An empty profile would look like a perfect match and hide the missing data."""
    ranker = MatchRanker().fit(_catalogue())
    empty = household("E", skills="", interests="", experience="-", assets=[])
    full = household("F", skills="bisa ngejahit baju, obras", assets=["mesin jahit"])
    empty_top = ranker.rank_offers(empty, 1)[0]
    full_top = ranker.rank_offers(full, 1)[0]
    assert "profil belum lengkap" in empty_top.reasons
    assert "profil belum lengkap" not in full_top.reasons
    assert empty_top.score < 0.5 < full_top.score
    assert "profile incomplete" in ranker.rank_offers(empty, 1, lang="en")[0].reasons


def test_deterministic_order_and_id_tiebreak():
    """The same inputs would give different orders between page loads."""
    offers = [offer(f"X{i}", provider=f"P{i}") for i in (3, 1, 2)]
    ranker = MatchRanker().fit(offers)
    first = [m.offer_id for m in ranker.rank_offers(household("H"), 3)]
    again = [m.offer_id for m in MatchRanker().fit(list(reversed(offers))).rank_offers(household("H"), 3)]
    assert first == again == ["X1", "X2", "X3"]


def test_provider_cap_in_top_ten():
    """One big partner would fill the whole top 10 and starve the others."""
    offers = [offer(f"BIG{i:02d}", provider="Konveksi Besar") for i in range(8)]
    offers += [offer(f"SMALL{i}", provider=f"Usaha {i}", skills=["tanam sayur"], title="Buruh kebun",
                     description="Kerja di kebun sayur.") for i in range(8)]
    ranker = MatchRanker().fit(offers)
    uncapped = MatchRanker(max_per_provider=10).fit(offers).rank_offers(household("H"), 10)
    assert sum(m.offer_id.startswith("BIG") for m in uncapped) == 8  # the cap is what limits it
    top = ranker.rank_offers(household("H"), 10)
    assert len(top) == 10
    assert sum(m.offer_id.startswith("BIG") for m in top) == 3
    relaxed = MatchRanker(max_per_provider=5).fit(offers).rank_offers(household("H"), 10)
    assert sum(m.offer_id.startswith("BIG") for m in relaxed) == 5


def test_pending_proposals_down_weight_gently():
    """A partner already flooded with proposals would keep getting more at the same rank."""
    twins = [offer("A", provider="P1"), offer("B", provider="P2", pending_proposals=20)]
    ranker = MatchRanker().fit(twins)
    ranked = ranker.rank_offers(household("H"), 2)
    assert [m.offer_id for m in ranked] == ["A", "B"]
    assert ranked[1].score > 0.5 * ranked[0].score  # down-weighted, not removed
    calm = MatchRanker().fit([offer("A", provider="P1"), offer("B", provider="P2")]).rank_offers(household("H"), 2)
    assert calm[1].score > ranked[1].score


def test_reasons_in_indonesian_and_english(skill_vocabulary):
    """Facilitators would see no explanation, or the wrong language."""
    ranker = MatchRanker(skill_vocabulary=skill_vocabulary).fit(
        [offer("SEW", home_based=True, village_code="32.01.16.2001")])
    hh = household("H", skills="bisa ngejahit baju")
    idr = ranker.rank_offers(hh, 1)[0].reasons
    en = ranker.rank_offers(hh, 1, lang="en")[0].reasons
    assert any(r.startswith("keterampilan cocok: Menjahit pakaian") for r in idr)
    assert "satu kecamatan" in idr and "bisa dari rumah" in idr
    assert any(r.startswith("matching skills: Sewing clothes") for r in en)
    assert "same sub-district" in en and "can be done from home" in en


def test_missing_skills_and_suggested_training(skill_vocabulary):
    """She would not learn which skill she lacks nor which village course teaches it."""
    offers = [
        offer("JOB", skills=["jahit baju", "obras", "rapi"]),
        offer("COURSE", kind="training", provider="Pemdes", provider_type="village_office",
              title="Pelatihan obras dan jahit dasar", skills=["obras"]),
        offer("FARCOURSE", kind="training", provider="Pemdes Jauh", provider_type="village_office",
              title="Pelatihan obras", skills=["obras"], village_code="32.09.01.2001", reach="kecamatan"),
    ]
    hh = household("H", skills="bisa jahit baju", interests="", experience="")
    top = {m.offer_id: m for m in MatchRanker(skill_vocabulary=skill_vocabulary).fit(offers).rank_offers(hh, 5)}
    job = top["JOB"]
    assert job.missing_skills == ["Mengobras"]  # "rapi" is a trait, not a skill to learn
    assert job.suggested_training is not None and job.suggested_training.offer_id == "COURSE"
    assert job.suggested_training.title == "Pelatihan obras dan jahit dasar"
    assert any("Pelatihan obras dan jahit dasar" in r for r in job.reasons)


def test_rank_households_direction():
    """A partner would not find the women who fit the offer best."""
    hhs = [
        household("SEWER", skills="bisa ngejahit & obras"),
        household("COOK", skills="jago masak", interests="kerja di dapur", experience="", assets=[]),
    ]
    ranker = MatchRanker().fit(_catalogue(), hhs)
    got = ranker.rank_households(_catalogue()[0], 2)
    assert [m.household_id for m in got] == ["SEWER", "COOK"]
    assert got[0].offer_id == "SEW"


def test_partial_update_without_refit():
    """Adding one offer would trigger an expensive refit or be ignored by ranking."""
    ranker = MatchRanker().fit(_catalogue())
    vectorizer = ranker.text_vectorizer_
    new = offer("SEW2", title="Mitra penjahit gamis", skills=["menjahit baju"], provider="Baru")
    refit = ranker.partial_update([new])
    assert refit is False and ranker.text_vectorizer_ is vectorizer and ranker.n_refits_ == 0
    ids = [m.offer_id for m in ranker.rank_offers(household("H"), 10)]
    assert "SEW2" in ids
    # Changing an offer replaces it: closing it removes it from the ranking.
    ranker.partial_update([offer("SEW2", status="closed", title="Mitra penjahit gamis", provider="Baru")])
    assert "SEW2" not in [m.offer_id for m in ranker.rank_offers(household("H"), 10)]


def test_partial_update_drift_triggers_refit():
    """A wave of offers in new vocabulary would be ranked with a stale vocabulary."""
    ranker = MatchRanker(drift_threshold=0.3).fit(_catalogue())
    alien = offer("NEW", title="Servis komputer laptop printer", description="Reparasi motherboard elektronik",
                  skills=["solder"])
    assert ranker.partial_update([alien]) is True
    assert ranker.n_refits_ == 1
    assert "komputer" in ranker.vocabulary_


def test_estimator_conventions():
    """The ranker would not compose with scikit-learn tooling (clone, get_params)."""
    ranker = MatchRanker(max_per_provider=2)
    assert clone(ranker).get_params()["max_per_provider"] == 2
    assert ranker.fit(_catalogue()) is ranker
    assert hasattr(ranker, "offers_") and not hasattr(clone(ranker), "offers_")


def test_fast_query_vector_equals_pipeline_transform(dev_set):
    """The latency fast path would silently score differently from the fitted pipeline."""
    import numpy as np

    from matchmaker.matching.features import household_core_text, household_text
    from matchmaker.matching.ranker import _two_columns

    ranker = MatchRanker().fit(dev_set.offers)
    for hh in dev_set.households[:8]:
        full = ranker._norm(household_text(hh))
        core = ranker._norm(household_core_text(hh))
        heads = ranker._norm(hh.skills + " . " + hh.interests)
        text = ranker.text_vectorizer_.transform(_two_columns([full], [core]))
        concepts = ranker.concept_vectorizer_.transform([heads]) + 0.5 * ranker.concept_vectorizer_.transform([full])
        concepts = concepts / max(np.sqrt(concepts.multiply(concepts).sum()), 1e-12)
        expected = ranker._combine(text, concepts).toarray().ravel()
        idx, val = ranker._query_vector(full, core, [(heads, 1.0), (full, 0.5)])
        got = np.zeros_like(expected)
        got[idx] = val
        assert np.allclose(got, expected, atol=1e-6), hh.id


def test_records_defaults_and_loader(dev_set):
    """Load balancing would group offers wrongly when the app gives no provider id."""
    first = dev_set.offers[0]
    assert first.provider_id == first.provider and first.pending_proposals == 0
    assert first.canonical_skills == [] and dev_set.households[0].canonical_skills == []
    assert len(dev_set.offers) == 100 and len(dev_set.households) == 36


def test_kind_and_distance_filters_are_part_of_the_query():
    """A filtered list would be cut from the unfiltered head and come back empty while offers of that kind exist."""
    offers = [offer(f"SEW{i}", provider=f"P{i}") for i in range(6)]
    offers.append(offer("COURSE", kind="training", provider="Pemdes", provider_type="village_office",
                        title="Pelatihan budidaya lele", description="Kolam terpal.", skills=["budidaya lele"],
                        village_code="32.01.16.2001", reach="kecamatan"))
    ranker = MatchRanker(pool_size=2).fit(offers)
    hh = household("H")
    assert "COURSE" not in [m.offer_id for m in ranker.rank_offers(hh, 3)]
    assert [m.offer_id for m in ranker.rank_offers(hh, 3, kinds=["training"])] == ["COURSE"]
    assert [m.offer_id for m in ranker.rank_offers(hh, 3, tiers=["kecamatan"])] == ["COURSE"]
    assert ranker.rank_offers(hh, 3, kinds=["training"], tiers=["desa"]) == []
