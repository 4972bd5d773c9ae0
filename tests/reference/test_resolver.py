"""Finding villages from names as facilitators write them: prefixes, kecamatan, spacing, numerals, spellings, typos."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Region, RegionLevel
from matchmaker.reference.regions import load_regions
from matchmaker.reference.resolver import (
    RegionMatch,
    describe_region,
    fold_name,
    resolve_region,
    resolve_region_detail,
    resolve_region_field,
    search_regions,
)
from tests.conftest import CIBUNGBULANG, SUKAMAJU, TEST_DISTRICT
from tests.reference.region_variants import build_cases, measure, numeral_variant, old_spelling

CIBATOK_I = "32.01.16.2004"
CIBATOK_II = "32.01.16.2012"
SITU_UDIK = "32.01.16.2001"
SUKAMAJU_JONGGOL = "32.01.06.2001"
JATISARI = "32.01.07.2006"
WARUJAYA = "32.01.10.2007"
KARADENAN = "32.01.01.1002"
CIJUJUNG_CIBUNGBULANG = "32.01.16.2010"


def _code(text: str, **kwargs: object) -> str | None:
    match = resolve_region(text, **kwargs)  # type: ignore[arg-type]
    return match.code if match else None


@pytest.mark.parametrize(
    "text",
    ["Ds. Cibatok I", "Desa Cibatok I", "DESA CIBATOK I", "desa cibatok i", "Kel. Cibatok I", "Kelurahan Cibatok I",
     "  ds.cibatok i  "],
)
def test_prefixes_and_case_are_ignored(app, text):
    """A village written with "Ds."/"Desa"/"Kel."/"Kelurahan" or in capitals would not be found."""
    assert _code(text, within=TEST_DISTRICT) == CIBATOK_I


def test_kelurahan_is_found_with_its_prefix(app):
    """A kelurahan typed as "Kelurahan Karadenan" would not be found."""
    assert _code("Kelurahan Karadenan", within=TEST_DISTRICT) == KARADENAN
    assert _code("kel karadenan") == KARADENAN


def test_kecamatan_after_a_comma_picks_among_same_named_villages(app):
    """A household of Sukamaju in Cibungbulang would land in another Sukamaju of the district."""
    assert resolve_region("Sukamaju", within=TEST_DISTRICT) is None  # four Sukamaju: no guessing
    assert _code("Sukamaju, Kec. Cibungbulang") == SUKAMAJU
    assert _code("Sukamaju, Kecamatan Cibungbulang, Kab. Bogor") == SUKAMAJU
    assert _code("Sukamaju, Jonggol") == SUKAMAJU_JONGGOL
    assert _code("Desa Sukamaju Kec. Cibungbulang") == SUKAMAJU  # no comma
    assert _code("Sukamaju", context=["Cibungbulang", "Kabupaten Bogor"]) == SUKAMAJU
    assert _code("Sukamaju, Cibung") == SUKAMAJU  # the start of the kecamatan is enough


def test_ambiguous_name_reports_its_candidates(app):
    """The CLI and forms could not tell the user which villages share the name."""
    outcome = resolve_region_detail("Sukamaju", within=TEST_DISTRICT)
    assert outcome.match is None and outcome.ambiguous
    assert {candidate.code for candidate in outcome.candidates} >= {SUKAMAJU, SUKAMAJU_JONGGOL}


@pytest.mark.parametrize(
    ("text", "code"),
    [("Suka Maju, Cibungbulang", SUKAMAJU), ("Situudik", SITU_UDIK), ("situ  udik", SITU_UDIK),
     ("Situ-Udik", SITU_UDIK)],
)
def test_spacing_does_not_matter(app, text, code):
    """"Suka Maju" and "Sukamaju" (or "Situudik") would be treated as different villages."""
    assert _code(text, within=TEST_DISTRICT) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Cibatok 1", CIBATOK_I), ("Cibatok 2", CIBATOK_II), ("cibatok ii", CIBATOK_II), ("Cibatok1", CIBATOK_I),
     ("CIBATOK II", CIBATOK_II)],
)
def test_roman_and_arabic_numerals_are_the_same(app, text, code):
    """"Cibatok 1" would not find Cibatok I, or would find Cibatok II."""
    assert _code(text, within=TEST_DISTRICT) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Soekamadjoe, Tjiboengboelang", SUKAMAJU), ("Tjibatok I", CIBATOK_I), ("Djatisari", JATISARI),
     ("Warudjaja", WARUJAYA), ("Tjidjoedjoeng, Kec. Tjiboengboelang", CIJUJUNG_CIBUNGBULANG)],
)
def test_old_spellings_are_read_as_modern(app, text, code):
    """Names in the pre-1972 spelling (oe, dj, tj, j for y) from old documents would not be found."""
    assert _code(text, within=TEST_DISTRICT) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("Cibatik I", CIBATOK_I), ("Cibtaok II", CIBATOK_II), ("Sukamajuu, Cibungbulang", SUKAMAJU),
     ("Sukmaju, Cibungbulang", SUKAMAJU), ("Jatisary", JATISARI), ("Warujya", WARUJAYA), ("Karadnean", KARADENAN)],
)
def test_one_or_two_typos_are_forgiven(app, text, code):
    """A village name with a slip of the finger would not be found."""
    assert _code(text, within=TEST_DISTRICT) == code


@pytest.mark.parametrize("text", ["", "   ", "qwerty zxcv", "xxxx", "12345", "Jakarta Selatan", "-,-"])
def test_garbage_has_no_confident_match(app, text):
    """Rubbish in a spreadsheet cell would be filed under some real village."""
    assert resolve_region(text, within=TEST_DISTRICT) is None
    assert resolve_region(text) is None


def test_within_limits_and_validates_the_scope(app):
    """A resolution limited to one kecamatan could return a village elsewhere, or accept a bad code."""
    assert _code("Sukamaju", within=CIBUNGBULANG) == SUKAMAJU
    assert resolve_region("Cibatok I", within="32.01.30") is None
    assert _code("Cibatok I", within="320116") == CIBATOK_I  # undotted code accepted
    with pytest.raises(ValueError, match="malformed"):
        resolve_region("Cibatok I", within="bogor")
    with pytest.raises(ValueError, match="level"):
        resolve_region("Cibatok I", level="dusun")


def test_other_levels_resolve_too(app):
    """A kecamatan or kabupaten column could not be resolved on its own."""
    assert _code("Kec. Cibungbulang", level=RegionLevel.SUBDISTRICT) == CIBUNGBULANG
    assert _code("Kabupaten Bogor", level=RegionLevel.DISTRICT) == TEST_DISTRICT
    assert _code("Tjiboengboelang", level=RegionLevel.SUBDISTRICT) == CIBUNGBULANG


def test_match_carries_the_readable_path(app):
    """The picker and the import would show a bare code or an upper-case path."""
    match = resolve_region("Sukamaju, Cibungbulang")
    assert match == RegionMatch(
        code=SUKAMAJU, name="Sukamaju", level=RegionLevel.VILLAGE,
        path="Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat", score=match.score,
    )
    assert 95 <= match.score <= 100
    assert describe_region(SUKAMAJU).path == match.path
    assert describe_region("99.99") is None


def test_search_is_prefix_friendly_and_ranked(app):
    """The type-ahead would not offer the village being typed, or bury it under look-alikes."""
    results = search_regions("Cibat", level=RegionLevel.VILLAGE, within=TEST_DISTRICT)
    assert [r.code for r in results[:2]] == [CIBATOK_I, CIBATOK_II]
    assert all(r.path.endswith("Kab. Bogor, Jawa Barat") for r in results)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    exact = search_regions("sukamaju", level=RegionLevel.VILLAGE, within=TEST_DISTRICT)
    assert {r.code for r in exact[:4]} >= {SUKAMAJU, SUKAMAJU_JONGGOL}
    assert exact[0].score == 100
    assert search_regions("udik", within=CIBUNGBULANG)[0].code in {SITU_UDIK, "32.01.16.2005"}  # a later word


def test_search_forgives_typos_spellings_and_takes_a_kecamatan(app):
    """Typing a slip, an old spelling or "name, kecamatan" in the picker would show nothing useful."""
    assert search_regions("Sukmaju, Cibung", level=RegionLevel.VILLAGE)[0].code == SUKAMAJU
    assert search_regions("Soekamadjoe, Tjiboengboelang", level=RegionLevel.VILLAGE)[0].code == SUKAMAJU
    assert search_regions("Cibatok 2", level=RegionLevel.VILLAGE)[0].code == CIBATOK_II
    assert search_regions("qxzwv", level=RegionLevel.VILLAGE) == []
    assert search_regions("   ") == []


def test_search_limits_levels_and_codes(app):
    """The type-ahead could return too many rows, other levels, or miss a region typed by code."""
    assert len(search_regions("ci", limit=3)) == 3
    assert len(search_regions("ci", limit=500)) == 50
    assert all(r.level == RegionLevel.SUBDISTRICT for r in search_regions("ci", level=RegionLevel.SUBDISTRICT))
    by_code = search_regions("32.01.16", level=RegionLevel.VILLAGE, limit=20)
    assert len(by_code) == 15 and all(r.code.startswith("32.01.16.") for r in by_code)
    assert search_regions("32.01.16")[0].code == CIBUNGBULANG
    with pytest.raises(ValueError):
        search_regions("ci", level="village")


def test_index_follows_new_regions(app):
    """A region added after the first search would stay invisible until a restart."""
    assert search_regions("Kampung Contoh Baru", within=CIBUNGBULANG) == []
    db.session.add(Region(code="32.01.16.2999", name="Kampung Contoh Baru", level=RegionLevel.VILLAGE,
                          parent_code=CIBUNGBULANG))
    db.session.commit()
    assert search_regions("Kampung Contoh Baru", within=CIBUNGBULANG)[0].code == "32.01.16.2999"
    assert _code("Kampung Contoh Baru") == "32.01.16.2999"


def test_resolve_region_field_prefers_the_picked_code(app):
    """A form would ignore the village picked in the list, accept a code outside the district, or
    fail without JavaScript."""
    assert resolve_region_field("anything", SUKAMAJU, TEST_DISTRICT) == SUKAMAJU
    assert resolve_region_field("Sukamaju, Cibungbulang", "", TEST_DISTRICT) == SUKAMAJU
    assert resolve_region_field("Sukamaju, Cibungbulang", "11.01.01.2001", TEST_DISTRICT) == SUKAMAJU
    assert resolve_region_field("Sukamaju", None, TEST_DISTRICT) is None
    assert resolve_region_field(None, CIBUNGBULANG, TEST_DISTRICT) is None  # a kecamatan is not a desa
    assert resolve_region_field("", "", TEST_DISTRICT) is None


def test_variant_builder_writes_names_as_people_do():
    """The accuracy figures would be measured on variants that do not resemble real writing."""
    assert numeral_variant("Cibatok I") == "Cibatok 1"
    assert numeral_variant("Blok 15") == "Blok XV"
    assert numeral_variant("Sukamaju") is None
    assert old_spelling("Sukamaju") == "Soekamadjoe"
    assert old_spelling("Cijujung") == "Tjidjoedjoeng"
    assert fold_name("Ds. Soekamadjoe") == fold_name("Suka Maju")
    first = build_cases(within=CIBUNGBULANG)
    assert first == build_cases(within=CIBUNGBULANG)  # deterministic
    kinds = {case.kind for case in first}
    assert {"case", "prefix", "spacing", "numeral", "old_spelling", "typo1", "typo2", "kecamatan"} <= kinds


def test_accuracy_within_kabupaten_bogor(app):
    """Names written as people write them would too often fail to find their village in Kab. Bogor."""
    report = measure(build_cases(within=TEST_DISTRICT), within=TEST_DISTRICT)
    print("\n".join(report.lines()))
    assert report.total > 2000
    assert report.accuracy >= 0.97
    assert report.wrong <= 0.01 * report.total  # a wrong village is worse than no answer


@pytest.mark.slow
def test_accuracy_in_other_kabupaten_and_nationally(app):
    """The resolver would only work for Kab. Bogor, or fail across the country with kecamatan and kabupaten given."""
    load_regions(db.session)
    for district in ("33.10", "11.08"):  # Kab. Klaten (Javanese names), Kab. Aceh Utara (many "Meunasah …")
        report = measure(build_cases(within=district), within=district)
        print("\n".join(report.lines()))
        assert report.accuracy >= 0.97, district
        assert report.wrong <= 0.01 * report.total, district
    national = measure(build_cases(every=400, national=True), scope="national sample")
    print("\n".join(national.lines()))
    assert national.total > 1000
    assert national.accuracy >= 0.97
