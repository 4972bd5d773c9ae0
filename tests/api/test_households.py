"""``/api/v1/households``: scoping, masking, the form's validation, cursors, ETag/If-Match, audit, errors."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households.nik import mask_nik
from matchmaker.models import AuditEvent, Household, HouseholdEvent
from tests.api.helpers import NEW_HOUSEHOLD, call, token_for
from tests.conftest import DRAMAGA, make_household, make_user

DRAMAGA_DESA = "32.01.30.2001"


def _pair():
    """Facilitator A (Cibungbulang) and B (Dramaga), one household each, and A's write token."""
    fac_a, fac_b = make_user("facilitator"), make_user("facilitator", areas=[DRAMAGA])
    mine = make_household(fac_a, phone="+6281311110001", kk_number="3201160101000011")
    theirs = make_household(fac_b, desa_code=DRAMAGA_DESA)
    return fac_a, fac_b, mine, theirs, token_for(fac_a)


def test_facilitator_cannot_read_or_update_another_facilitators_household(client):
    """Facilitator A could read B's households (or learn they exist) or change them through the API."""
    fac_a, _fac_b, mine, theirs, secret = _pair()
    listing = call(client, "GET", "/api/v1/households", secret).get_json()
    assert [item["id"] for item in listing["items"]] == [mine.id]
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"address": "x"}, "headers": {"If-Match": '"x"'}})):
        response = call(client, method, f"/api/v1/households/{theirs.id}", secret, **kwargs)
        assert response.status_code == 404, method
        assert theirs.full_name not in response.get_data(as_text=True)
    missing = call(client, "GET", "/api/v1/households/999999", secret)
    assert missing.status_code == 404 and missing.get_json()["title"] == "Tidak ditemukan"
    assert db.session.get(Household, theirs.id).address is None


def test_coordinator_reads_the_district_but_cannot_write(client):
    """The coordinator would miss households of her district, or change profiles she may only read."""
    _fac_a, _fac_b, mine, theirs, _secret = _pair()
    coordinator = make_user("coordinator")
    secret = token_for(coordinator)
    ids = {item["id"] for item in call(client, "GET", "/api/v1/households", secret).get_json()["items"]}
    assert ids == {mine.id, theirs.id}
    assert call(client, "GET", f"/api/v1/households/{theirs.id}", secret).status_code == 200
    assert call(client, "POST", "/api/v1/households", secret, json=NEW_HOUSEHOLD).status_code == 403
    etag = call(client, "GET", f"/api/v1/households/{mine.id}", secret).headers["ETag"]
    response = call(client, "PATCH", f"/api/v1/households/{mine.id}", secret, json={"address": "x"},
                    headers={"If-Match": etag})
    assert response.status_code == 403


def test_partners_and_admin_get_403_as_on_the_caseload_page(client):
    """A business or the admin could list households through the API that their pages refuse them."""
    for role in ("business", "admin"):
        user = make_user(role)
        response = call(client, "GET", "/api/v1/households", token_for(user))
        assert response.status_code == 403, role
        assert response.content_type == "application/problem+json"


def test_list_masks_the_nik_and_the_detail_shows_identity_to_the_owner_audited(client):
    """The list would show full NIKs the caseload page masks, or the full NIK would be shown unaudited."""
    fac_a, _fac_b, mine, _theirs, secret = _pair()
    listing = call(client, "GET", "/api/v1/households", secret)
    assert mine.nik not in listing.get_data(as_text=True)
    assert listing.get_json()["items"][0]["nik_masked"] == mask_nik(mine.nik)
    detail = call(client, "GET", f"/api/v1/households/{mine.id}", secret).get_json()
    assert detail["identity_shown"] is True and detail["nik"] == mine.nik and detail["phone"] == "+6281311110001"
    shown = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "household.nik_shown"))
    assert shown.actor_id == fac_a.id and shown.target_id == mine.id


def test_every_request_is_audited_without_personal_data(client):
    """An API read would leave no trace of who looked, or the trail itself would hold NIKs and names."""
    fac_a, _fac_b, mine, _theirs, secret = _pair()
    call(client, "GET", f"/api/v1/households?q={mine.nik[-6:]}", secret)
    call(client, "GET", f"/api/v1/households/{mine.id}", secret)
    call(client, "GET", "/api/v1/households/999999", secret)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.request")
                                     .order_by(AuditEvent.id)))
    assert [(e.detail["status"], e.target_id) for e in events] == [(200, None), (200, mine.id), (404, None)]
    assert all(e.actor_id == fac_a.id and e.detail["token"] for e in events)
    assert events[0].detail["count"] == 1
    text = " ".join(str(e.detail) for e in events)
    assert mine.nik not in text and mine.nik[-6:] not in text and mine.full_name not in text


def test_create_validates_like_the_form_in_the_callers_language(client):
    """A script could register a household the form would refuse, or read errors nobody understands."""
    fac_a = make_user("facilitator")
    secret = token_for(fac_a)
    bad = {**NEW_HOUSEHOLD, "nik": "3201165203850000", "desa_code": DRAMAGA_DESA, "phone": "12"}
    response = call(client, "POST", "/api/v1/households", secret, json=bad)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "urn:mitra-graduasi:problem:validation" and body["status"] == 422
    assert set(body["errors"]) == {"nik", "desa_code", "phone"}
    assert body["errors"]["nik"] == ["Empat digit terakhir NIK tidak mungkin 0000."]
    english = call(client, "POST", "/api/v1/households", secret, json=bad, language="en").get_json()
    assert english["errors"]["nik"] == ["The last four digits of a NIK are never 0000."]
    assert english["title"] == "Some fields are not valid" and body["title"] != english["title"]
    typed = call(client, "POST", "/api/v1/households", secret, json={**NEW_HOUSEHOLD, "hours_per_week": "lots",
                                                                       "colour": "red"}).get_json()
    assert typed["errors"] == {"hours_per_week": ["Masukkan bilangan bulat."], "colour": ["Kolom tidak dikenal."]}
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0


def test_create_and_the_duplicate_nik_refusal_use_the_services(client):
    """An API household would skip the history, or a NIK of her own caseload could be registered twice."""
    fac_a = make_user("facilitator")
    secret = token_for(fac_a)
    created = call(client, "POST", "/api/v1/households", secret, json=NEW_HOUSEHOLD)
    assert created.status_code == 201 and created.headers["ETag"]
    household_id = created.get_json()["id"]
    assert created.headers["Location"].endswith(f"/api/v1/households/{household_id}")
    assert created.get_json()["components"] == {"anak_sd": 2}
    events = select(HouseholdEvent.action).where(HouseholdEvent.household_id == household_id)
    assert db.session.scalar(events) == "created"
    again = call(client, "POST", "/api/v1/households", secret, json=NEW_HOUSEHOLD, language="en")
    assert again.status_code == 422
    assert again.get_json()["errors"] == {"nik": ["A household with this NIK is already registered."]}


def test_update_needs_the_current_etag(client):
    """Two people editing the same profile would silently overwrite each other's changes."""
    _fac_a, _fac_b, _mine, _theirs, secret = _pair()
    created = call(client, "POST", "/api/v1/households", secret, json=NEW_HOUSEHOLD)
    url = f"/api/v1/households/{created.get_json()['id']}"
    etag = call(client, "GET", url, secret).headers["ETag"]
    assert etag == created.headers["ETag"]
    missing = call(client, "PATCH", url, secret, json={"address": "Kp. Cibeureum"})
    assert missing.status_code == 428 and missing.get_json()["type"].endswith("precondition-required")
    star = call(client, "PATCH", url, secret, json={"address": "Kp. Cibeureum"}, headers={"If-Match": "*"})
    assert star.status_code == 428
    first = call(client, "PATCH", url, secret, json={"address": "Kp. Cibeureum"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.get_json()["address"] == "Kp. Cibeureum"
    assert first.headers["ETag"] != etag
    stale = call(client, "PATCH", url, secret, json={"address": "Kp. Lain"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert call(client, "GET", url, secret).get_json()["address"] == "Kp. Cibeureum"
    fresh = call(client, "PATCH", url, secret, json={"skills": ["menjahit"], "components": {"lansia": 1}},
                 headers={"If-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert fresh.get_json()["components"] == {"anak_sd": 2, "lansia": 1}


def test_update_refuses_what_the_form_refuses_and_keeps_the_workflow_status(client):
    """A PATCH could move a household out of her area or graduate her by hand."""
    fac_a = make_user("facilitator")
    secret = token_for(fac_a)
    created = call(client, "POST", "/api/v1/households", secret, json=NEW_HOUSEHOLD)
    url = f"/api/v1/households/{created.get_json()['id']}"
    etag = created.headers["ETag"]
    moved = call(client, "PATCH", url, secret, json={"desa_code": DRAMAGA_DESA}, headers={"If-Match": etag})
    assert moved.status_code == 422 and "desa_code" in moved.get_json()["errors"]
    graduated = call(client, "PATCH", url, secret, json={"status": "graduated"}, headers={"If-Match": etag})
    assert graduated.status_code == 422 and "status" in graduated.get_json()["errors"]
    assert call(client, "GET", url, secret).headers["ETag"] == etag


def test_cursor_pagination_walks_the_whole_caseload_once(client):
    """A script paging through the caseload would miss or repeat households, or follow a forged cursor."""
    fac_a = make_user("facilitator")
    made = {make_household(fac_a).id for _ in range(7)}
    secret = token_for(fac_a)
    seen: list[int] = []
    url = "/api/v1/households?limit=3"
    pages = 0
    while url:
        body = call(client, "GET", url, secret).get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        url = f"/api/v1/households?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert pages == 3 and seen == sorted(made)
    first = call(client, "GET", "/api/v1/households?limit=3", secret).get_json()
    foreign = call(client, "GET", f"/api/v1/households?limit=3&status=active&cursor={first['next_cursor']}", secret)
    assert foreign.status_code == 422 and "cursor" in foreign.get_json()["errors"]
    forged = call(client, "GET", "/api/v1/households?cursor=eyJwIjp7ImFmdGVyIjo1fX0", secret)
    assert forged.status_code == 422
    too_many = call(client, "GET", "/api/v1/households?limit=1000", secret, language="en")
    assert too_many.get_json()["errors"] == {"limit": ["Ask for 1 to 100 results."]}


def test_name_search_pages_with_cursors_like_the_caseload_search(client):
    """A name search through the API would find other women than the caseload page's search, or lose some."""
    fac_a = make_user("facilitator")
    aminahs = {make_household(fac_a, full_name=f"Aminah Binti {name}").id for name in ("Ujang", "Dadang", "Asep")}
    make_household(fac_a, full_name="Yati Suryati")
    secret = token_for(fac_a)
    first = call(client, "GET", "/api/v1/households?q=Aminnah&limit=2", secret).get_json()
    second = call(client, "GET", f"/api/v1/households?q=Aminnah&limit=2&cursor={first['next_cursor']}",
                  secret).get_json()
    assert second["next_cursor"] is None
    assert {item["id"] for item in first["items"] + second["items"]} == aminahs


def test_rate_limit_per_token_answers_429_problem(client):
    """One runaway script could flood the app, or its limit would also block every other token."""
    from tests.conftest import make_app

    application = make_app(API_RATE_LIMIT="3 per minute")
    with application.app_context():
        if client.application.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
            from matchmaker.reference.regions import load_regions_subset
            from tests.conftest import TEST_DISTRICT

            db.create_all()
            load_regions_subset(db.session, [TEST_DISTRICT])
            db.session.commit()
        fac_a, fac_b = make_user("facilitator"), make_user("facilitator")
        busy, calm = token_for(fac_a), token_for(fac_b)
        limited = application.test_client()
        statuses = [call(limited, "GET", "/api/v1/households", busy).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = call(limited, "GET", "/api/v1/households", busy, language="en")
        assert refused.content_type == "application/problem+json" and int(refused.headers["Retry-After"]) >= 1
        assert "Too many requests for this token" in refused.get_json()["detail"]
        assert call(limited, "GET", "/api/v1/households", calm).status_code == 200
        db.session.remove()
        db.engine.dispose()


def test_hostile_ids_and_search_text_get_answers_not_errors(client):
    """An id past the database's integer range or a NUL in a text would crash the API (a 500)."""
    fac_a = make_user("facilitator")
    secret = token_for(fac_a)
    assert call(client, "GET", "/api/v1/households/9223372036854775808", secret).status_code == 404
    assert call(client, "GET", "/api/v1/households/2147483648", secret).status_code == 404
    response = call(client, "GET", "/api/v1/households?q=32%0001&desa=%00", secret)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"q", "desa"}
    body = call(client, "POST", "/api/v1/households", secret, json={**NEW_HOUSEHOLD, "address": "Kp.\x00"})
    assert body.status_code == 422 and list(body.get_json()["errors"]) == ["address"]
