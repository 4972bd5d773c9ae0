"""What she wants and what she has: interest over incidental words, means for would-be owners, training vs jobs."""

from __future__ import annotations

from helpers import household, offer

from matchmaker.matching import MatchRanker
from matchmaker.matching.terms import FEATURE_NAMES

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
    # Where her own desa pulls much harder, the interest term is what still puts her wish first.
    assert _order(offers, cook, desa=2.3) == ["KUE", "GULA"]
    assert _order(offers, cook, desa=2.3, interest=0.0) == ["GULA", "KUE"]


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


def test_a_blank_profile_gets_open_work_in_reach_before_word_accidents():
    """A woman whose profile says "-" would be shown whatever a stray word matched, not work that takes anyone."""
    same = dict(title="Borongan lipat kardus kue", skills=["lipat kardus"],
                description="Lipat kardus, dibayar per ikat.")
    offers = [
        offer("SETOR", kind="supplier", **same),
        offer("HARIAN", kind="job", **same),
        offer("PKTD", kind="padat_karya", title="PKTD perbaikan saluran desa", skills=["angkut material"],
              description="Kerja harian dibayar tunai."),
        offer("KURSUS", kind="training", title="Pelatihan salon & rias", skills=["rias wajah"],
              description="Belajar rias."),
    ]

    def scores(hh):
        return {m.offer_id: m.score for m in MatchRanker().fit(offers).rank_offers(hh, 10)}

    blank = household("B", skills="-", interests="-", experience="-", work_preference="any", assets=[])
    got = scores(blank)
    assert got["HARIAN"] > got["SETOR"] and got["PKTD"] > got["KURSUS"]
    # "Karajo apo sajo" (any work will do) is read the same way, in any language.
    anything = household("A", skills="alun ado", interests="karajo apo sajo nan halal", experience="IRT",
                         work_preference="any", assets=[])
    got = scores(anything)
    assert got["HARIAN"] > got["SETOR"]
    # A woman who named her trade is not pushed towards open work.
    skilled = household("S", skills="bisa lipat kardus", interests="kerja borongan di rumah", experience="",
                        work_preference="any", assets=[])
    _ids, X, _feasible, _incomplete = MatchRanker().fit(offers).pair_features(skilled)
    assert not X[:, FEATURE_NAMES.index("entry")].any()


def test_a_programme_that_names_capital_counts_as_capital_for_a_would_be_owner():
    """A fish seller who wants capital would see a village programme "bantuan modal" below unrelated offers."""
    offers = [
        offer("PENA", kind="other_program", title="PENA: bantuan modal + pendampingan usaha",
              skills=["usaha mikro"], description="Program pemerintah untuk KPM."),
        offer("RESELLER", kind="other_program", title="Gabung reseller tanpa modal", skills=["usaha mikro"],
              description="Program pemerintah untuk KPM."),
    ]
    seller = household("S", skills="dagang ikan di pasar", interests="pengen nambah modal dagang ikan",
                       experience="jualan ikan 6 thn", work_preference="own_business", assets=["timbangan"])
    assert _order(offers, seller) == ["PENA", "RESELLER"]
    from matchmaker.matching.terms import offer_brings
    assert offer_brings("other_program", "bantu modal damping usaha".split()) == (True, True)
    assert offer_brings("other_program", "reseller tanpa modal".split()) == (False, False)


def test_a_wish_to_grow_her_flock_is_a_need_for_means():
    """A woman with ten hens who wants more would not see capital for her business."""
    from matchmaker.matching.skills import read_profile
    grow = household("G", skills="baternak ayam kampuang saketek", interests="nio tambah ternak",
                     experience="", work_preference="own_business", assets=["kandang ayam"])
    assert read_profile(grow)[1]
    content = household("C", skills="baternak ayam kampuang", interests="karajo di rumah", experience="",
                        work_preference="own_business", assets=["kandang ayam"])
    assert not read_profile(content)[1]


def test_online_offers_are_a_hardship_without_a_smartphone():
    """A woman with no smartphone would be sent to a Zoom course she cannot join."""
    offers = [
        offer("ZOOM", kind="training", title="Pelatihan jualan kue online via zoom", skills=["jualan online"],
              description="Belajar jualan kue lewat marketplace."),
        offer("TITIP", kind="supplier", title="Titip kue kering ke toko oleh-oleh", skills=["bikin kue kering"],
              description="Kue kering dititip, bagi hasil."),
    ]
    base = dict(skills="bikin kue kering", interests="pengen jualan kue", experience="",
                work_preference="own_business", assets=["kompor"])
    without = household("N", constraints=["no_smartphone"], **base)
    assert _order(offers, without)[0] == "TITIP"
    scores = {m.offer_id: m.score for m in MatchRanker().fit(offers).rank_offers(without, 10)}
    with_phone = {m.offer_id: m.score
                  for m in MatchRanker().fit(offers).rank_offers(household("P", **base), 10)}
    assert scores["ZOOM"] < with_phone["ZOOM"]


def test_livelihood_words_of_other_regions_are_concepts():
    """A woman who wants to raise ducks would not see the duck programme, "itik" being no livelihood word."""
    offers = [
        offer("ITIK", kind="capital", title="Bantuan itik petelur + pakan", skills=["beternak itik"],
              description="Itik dari dinas untuk KPM."),
        offer("MODAL", kind="capital", title="Bantuan modal usaha mikro", skills=["usaha mikro"],
              description="Modal usaha untuk KPM."),
    ]
    novice = household("D", skills="balum ada, bingung", interests="handak bausaha bebek / itik",
                       experience="bantu laki bahuma", work_preference="own_business", assets=[])
    assert _order(offers, novice)[0] == "ITIK"


def test_clauses_that_say_nothing_match_no_offer_by_accident():
    """A woman who answered "don't know" would be shown tofu work, and "any lawful work" halal-certificate coaching."""
    from matchmaker.matching.text import open_to_any_work, said

    assert said("kada tahu") == "" and said("ndeq taok") == ""
    assert said("apa saja yg penting halal") == "" and open_to_any_work("apa saja yg penting halal")
    assert said("bisa masak, apa saja yg penting halal") == "bisa masak"
    assert not open_to_any_work("jual apa saja di pasar")  # selling anything is still trade
    offers = [
        offer("TAHU", kind="supplier", title="Cari pemasok tahu & tempe", description="Tahu goreng buat warung.",
              skills=["bikin tahu"]),
        offer("HALAL", kind="mentoring", title="Pendampingan sertifikat halal & PIRT", description="Urus halal.",
              skills=["urus halal"]),
        offer("BURUH", kind="job", title="Buruh petik sayur harian", description="Petik & ikat sayur.", skills=[]),
    ]
    unsure = household("U", skills="kadada", interests="kada tahu", experience="", assets=[])
    assert _order(offers, unsure)[0] == "BURUH"
    anything = household("A", skills="-", interests="apa saja yg penting halal", experience="", assets=[])
    assert _order(offers, anything)[0] == "BURUH"


def test_a_job_in_a_trade_she_only_wants_to_learn_ranks_below_the_course():
    """A woman who cannot sew yet would be sent to a tailor's job before the beginners' course she asked for."""
    offers = [
        offer("KURSUS", kind="training", title="Pelatihan menjahit dasar (pemula)", skills=["jahit dasar"],
              description="Belajar jahit dari nol."),
        offer("PENJAHIT", kind="job", title="Penjahit di tempat (seragam & kebaya)", skills=["jahit seragam"],
              description="Jahit seragam di konveksi."),
        offer("MAGANG", kind="apprenticeship", title="Magang menjahit di konveksi", skills=["jahit baju"],
              description="Belajar sambil kerja."),
    ]
    novice = household("N", skills="blm bisa apa2, tp mau belajar jahit", interests="mau jadi penjahit",
                       experience="-", assets=[])
    assert _order(offers, novice)[-1] == "PENJAHIT"
    ids, X, _feasible, _incomplete = MatchRanker().fit(offers).pair_features(novice)
    gap = dict(zip(ids, X[:, FEATURE_NAMES.index("trained")], strict=True))
    assert gap == {"KURSUS": -1.0, "PENJAHIT": 1.0, "MAGANG": -1.0}  # she lacks the skill the job pays for
    # A seamstress of ten years is shown the job first and the apprenticeship last.
    skilled = household("S", skills="jahit baju & kebaya", interests="kerja jahit", experience="10 thn di konveksi",
                        assets=["mesin jahit"])
    assert _order(offers, skilled)[0] == "PENJAHIT"


def test_capital_for_another_trade_is_no_means_for_her():
    """A chip maker who wants to grow would see a sewing machine on credit as the means she needs."""
    offers = [
        offer("MESIN", kind="capital", title="Kredit mesin jahit & obras, cicilan mingguan", skills=["jahit"],
              description="Mesin jahit dicicil."),
        offer("MODAL", kind="capital", title="Modal usaha mikro tanpa agunan", skills=[],
              description="Pinjaman modal untuk usaha ibu2."),
    ]
    maker = household("K", skills="bikin keripik singkong, dijual ke warung", interests="pengen produksi lebih banyak",
                      experience="usaha keripik 3 thn", work_preference="own_business", assets=["kompor", "wajan"])
    assert _order(offers, maker) == ["MODAL", "MESIN"]
    from matchmaker.matching.skills import read_profile
    assert read_profile(maker)[1]  # to sell or make more is to grow: she needs the means


def test_a_blank_profile_is_not_sent_to_a_trade_apprenticeship_next_door():
    """A woman who wrote "-" would be offered a salon apprenticeship in her desa before work that takes anyone."""
    offers = [
        offer("MAGANG", kind="apprenticeship", title="Magang salon: potong rambut & rias", skills=["rias"],
              description="Belajar salon."),
        offer("HARIAN", kind="job", title="Bantu jemur padi & isi karung di penggilingan", skills=["angkat karung"],
              description="Dibayar harian.", village_code=NEXT_DESA),
    ]
    blank = household("B", skills="-", interests="belum ada", experience="IRT", work_preference="any",
                      travel="kecamatan", assets=[])
    assert _order(offers, blank) == ["HARIAN", "MAGANG"]
    # The same woman, once she says she wants to learn hairdressing, is shown the apprenticeship first.
    keen = household("K", skills="-", interests="pengen belajar salon & rias", experience="IRT",
                     work_preference="any", travel="kecamatan", assets=[])
    assert _order(offers, keen)[0] == "MAGANG"
