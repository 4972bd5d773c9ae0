"""``/api/v1/regions``, ``/api/v1/skills``, ``/api/v1/vocabularies``: read-only reference data for any token."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Region, RegionLevel, Role
from matchmaker.reference import vocabulary as vocabularies
from matchmaker.reference.skills import vocabulary
from matchmaker.reference.vocabulary import DATA_FILE
from tests.api.helpers import call, token_for
from tests.conftest import CIBUNGBULANG, SUKAMAJU, TEST_DISTRICT, make_organization, make_user


def _walk(client, url: str, secret: str) -> list[dict]:
    """Every item of a paged list, following its cursors."""
    items: list[dict] = []
    separator = "&" if "?" in url else "?"
    next_url: str | None = url
    while next_url:
        body = call(client, "GET", next_url, secret).get_json()
        items += body["items"]
        next_url = f"{url}{separator}cursor={body['next_cursor']}" if body["next_cursor"] else None
    return items


def test_any_valid_token_reads_the_reference_data_and_nobody_without_one(client):
    """A partner's script could not look up a desa code, or anyone could read the API without a token."""
    partner = make_user(Role.BUSINESS, organization=make_organization())
    secret = token_for(partner, "read")
    for url in ("/api/v1/regions?q=Sukamaju", f"/api/v1/regions/{SUKAMAJU}", f"/api/v1/regions/{CIBUNGBULANG}/children",
                "/api/v1/skills", "/api/v1/skills/menjahit", "/api/v1/skills/categories", "/api/v1/vocabularies",
                "/api/v1/vocabularies/asset"):
        assert call(client, "GET", url, secret).status_code == 200, url
        anonymous = call(client, "GET", url, None)
        assert anonymous.status_code == 401 and anonymous.content_type == "application/problem+json", url
    assert call(client, "POST", "/api/v1/skills", secret).status_code == 405


def test_a_region_is_found_by_name_despite_typos_and_by_code(client):
    """A script would not find "Sukamaju, Cibungbulang" from how people write it, or a code without dots."""
    secret = token_for(make_user(Role.FACILITATOR))
    found = call(client, "GET", f"/api/v1/regions?q=Soekamadjoe,+Cibung&level=desa&within={TEST_DISTRICT}",
                 secret).get_json()["items"]
    assert found[0]["code"] == SUKAMAJU and found[0]["score"] > 80
    assert found[0]["path"] == "Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat"
    region = call(client, "GET", "/api/v1/regions/3201162013", secret).get_json()
    assert region == {"code": SUKAMAJU, "name": "Sukamaju", "level": "desa", "parent_code": CIBUNGBULANG,
                      "path": "Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat", "score": None}
    for missing in ("99.99", "kota-bogor", "3" * 40, "32.01.16.9999"):
        response = call(client, "GET", f"/api/v1/regions/{missing}", secret)
        assert response.status_code == 404 and response.content_type == "application/problem+json", missing


def test_children_and_listings_walk_every_region_once_in_code_order(client):
    """A village system listing a kecamatan's desa page by page would miss or repeat some."""
    secret = token_for(make_user(Role.FACILITATOR), "read")
    desa = _walk(client, f"/api/v1/regions/{CIBUNGBULANG}/children?limit=4", secret)
    expected = list(db.session.scalars(select(Region.code).where(Region.parent_code == CIBUNGBULANG)
                                       .order_by(Region.code)))
    assert len(expected) > 8 and [item["code"] for item in desa] == expected
    assert all(item["level"] == "desa" and item["parent_code"] == CIBUNGBULANG for item in desa)
    kecamatan = _walk(client, f"/api/v1/regions?level=kecamatan&within={TEST_DISTRICT}&limit=10", secret)
    count = db.session.scalar(select(func.count()).select_from(Region).where(
        Region.level == RegionLevel.SUBDISTRICT, Region.parent_code == TEST_DISTRICT))
    assert len(kecamatan) == count and len({item["code"] for item in kecamatan}) == count
    searched = _walk(client, "/api/v1/regions?q=suka&level=desa&limit=7", secret)
    assert 7 < len(searched) <= 50 and len({item["code"] for item in searched}) == len(searched)
    assert call(client, "GET", "/api/v1/regions/99/children", secret).status_code == 404


def test_bad_region_parameters_are_named_in_the_callers_language(client):
    """A wrong level or area would give an empty list or a server error instead of a clear 422."""
    secret = token_for(make_user(Role.COORDINATOR))
    response = call(client, "GET", "/api/v1/regions?q=suka&level=village&within=bogor", secret)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"level", "within"}
    english = call(client, "GET", "/api/v1/regions?q=suka&within=99.99", secret, language="en").get_json()
    assert english["errors"] == {"within": ["There is no region with this code."]}
    indonesian = call(client, "GET", "/api/v1/regions?q=suka&within=99.99", secret).get_json()
    assert indonesian["errors"]["within"] != english["errors"]["within"]


def test_skills_are_listed_searched_and_narrowed_by_category(client):
    """A partner's system could not map its own skill words to the canonical skills profiles and offers use."""
    secret = token_for(make_user(Role.VILLAGE_OFFICE, organization=make_organization("village_office")))
    listed = _walk(client, "/api/v1/skills?limit=40", secret)
    assert [item["slug"] for item in listed] == sorted(skill.slug for skill in vocabulary().skills)
    found = call(client, "GET", "/api/v1/skills?q=ngejait", secret).get_json()["items"]
    assert found[0]["slug"] == "menjahit" and found[0]["name"] == "Menjahit pakaian" and found[0]["score"]
    english = call(client, "GET", "/api/v1/skills/menjahit", secret, language="en").get_json()
    assert english["name"] == english["name_en"] and english["score"] is None and english["synonyms"]
    category = found[0]["category"]
    narrowed = _walk(client, f"/api/v1/skills?category={category}", secret)
    assert narrowed and all(item["category"] == category for item in narrowed)
    categories = call(client, "GET", "/api/v1/skills/categories", secret).get_json()["items"]
    assert {item["slug"] for item in categories} == {category.slug for category in vocabulary().categories}
    assert sum(item["skill_count"] for item in categories) == len(listed)
    bad = call(client, "GET", "/api/v1/skills?category=memasak-enak", secret, language="en")
    assert bad.status_code == 422 and bad.get_json()["errors"] == {"category": ["Not a valid choice."]}
    assert call(client, "GET", "/api/v1/skills/terbang", secret).status_code == 404


def test_vocabularies_are_read_from_their_one_data_file(client):
    """An integration would send asset or offer-kind codes the app does not know, or read labels that differ."""
    secret = token_for(make_user(Role.ADMIN), "read")
    names = call(client, "GET", "/api/v1/vocabularies", secret).get_json()["items"]
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert [item["name"] for item in names] == [name for name in raw if not name.startswith("_")]
    assert {"pkh_component", "constraint", "asset", "offer_kind", "work_preference"} <= {i["name"] for i in names}
    kinds = call(client, "GET", "/api/v1/vocabularies/offer_kind", secret, language="en").get_json()
    assert [entry["code"] for entry in kinds["entries"]] == [entry["code"] for entry in raw["offer_kind"]]
    assert kinds["entries"][0]["label"] == raw["offer_kind"][0]["en"]
    constraints = call(client, "GET", "/api/v1/vocabularies/constraint", secret).get_json()["entries"]
    assert constraints[0]["label"] == vocabularies.entries("constraint")[0].label_id
    assert any(entry["lacks"] for entry in constraints)
    assert call(client, "GET", "/api/v1/vocabularies/_comment", secret).status_code == 404
