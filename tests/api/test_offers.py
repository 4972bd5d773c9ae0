"""``/api/v1/offers``: scoping as on the partner pages, the offer form's validation, cursors, If-Match, status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Offer, OfferKind, OfferStatus, OrgKind, OrgStatus, Role
from matchmaker.reference.skills import load_skills
from tests.api.helpers import call, token_for
from tests.conftest import CIBUNGBULANG, DRAMAGA, SUKAMAJU, make_organization, make_user
from tests.partners.helpers import make_offer, take_places

DRAMAGA_DESA = "32.01.30.2001"
NEW_OFFER = {
    "kind": "job", "title": "Penjahit gamis", "description": "Menjahit gamis, bahan disediakan.",
    "skills_text": "jahit, obras", "places": 3, "desa_code": SUKAMAJU, "reach": "kecamatan", "hours_per_week": 20,
    "pay_amount": 1500000, "pay_terms": "per bulan", "start_date": "2026-12-01", "end_date": "2027-03-31",
}


def _partner(kind: str = OrgKind.BUSINESS, status: str = OrgStatus.ACTIVE, **org_fields):
    """A partner account of a new organization of ``kind`` (its owner)."""
    organization = make_organization(kind, status=status, **org_fields)
    role = Role.BUSINESS if kind == OrgKind.BUSINESS else Role.VILLAGE_OFFICE
    user = make_user(role, organization=organization)
    organization.owner_id = user.id
    db.session.commit()
    return user, organization


def _ids(response) -> list[int]:
    return [item["id"] for item in response.get_json()["items"]]


def test_facilitators_list_and_read_only_published_offers_of_active_partners(client):
    """A facilitator would see drafts or offers of unverified partners, which the search page hides."""
    _user, organization = _partner()
    _pending_user, pending = _partner(status=OrgStatus.PENDING)
    open_offer = make_offer(organization, title="Penjahit borongan")
    draft = make_offer(organization, title="Rahasia draf", status=OfferStatus.DRAFT)
    unverified = make_offer(pending, title="Belum diverifikasi")
    secret = token_for(make_user(Role.FACILITATOR), "read")
    listing = call(client, "GET", "/api/v1/offers", secret)
    assert listing.status_code == 200 and _ids(listing) == [open_offer.id]
    item = listing.get_json()["items"][0]
    assert item["organization"] == {"id": organization.id, "name": organization.name, "kind": "business"}
    assert item["status"] == "open" and item["places_left"] == 2 and item["is_program"] is False
    assert item["desa_name"] == "Sukamaju" and item["kecamatan_name"] == "Cibungbulang"
    for hidden in (draft, unverified):
        response = call(client, "GET", f"/api/v1/offers/{hidden.id}", secret)
        assert response.status_code == 404 and hidden.title not in response.get_data(as_text=True)
    detail = call(client, "GET", f"/api/v1/offers/{open_offer.id}", secret)
    assert detail.status_code == 200 and detail.headers["ETag"] and detail.get_json() == item


def test_a_partner_lists_and_reads_only_her_own_organizations_offers(client):
    """A business could read a competitor's offers (or drafts) through the API, which its pages never show."""
    user_x, org_x = _partner()
    _user_y, org_y = _partner()
    mine = make_offer(org_x, title="Punya X")
    my_draft = make_offer(org_x, title="Draf X", status=OfferStatus.DRAFT)
    theirs = make_offer(org_y, title="Punya Y")
    secret = token_for(user_x, "read")
    listing = call(client, "GET", "/api/v1/offers", secret)
    assert sorted(_ids(listing)) == sorted([mine.id, my_draft.id])
    assert "Punya Y" not in listing.get_data(as_text=True)
    assert call(client, "GET", f"/api/v1/offers/{my_draft.id}", secret).get_json()["status"] == "draft"
    assert call(client, "GET", f"/api/v1/offers/{theirs.id}", secret).status_code == 404
    assert _ids(call(client, "GET", "/api/v1/offers?show=open", secret)) == [mine.id]


def test_a_coordinator_sees_the_partners_of_her_district_only(client):
    """A coordinator of one kecamatan would read offers of partners outside her area."""
    _user, organization = _partner()
    offer = make_offer(organization)
    coordinator = make_user(Role.COORDINATOR, areas=[DRAMAGA])
    secret = token_for(coordinator, "read")
    assert _ids(call(client, "GET", "/api/v1/offers", secret)) == []
    assert call(client, "GET", f"/api/v1/offers/{offer.id}", secret).status_code == 404
    district = token_for(make_user(Role.COORDINATOR), "read")
    assert _ids(call(client, "GET", "/api/v1/offers", district)) == [offer.id]


def test_the_search_pages_filters_apply_and_bad_ones_are_named(client):
    """A script filtering offers would get other offers than the search page, or a silently ignored filter."""
    load_skills(db.session)
    db.session.commit()
    _user, business = _partner()
    _village_user, village = _partner(OrgKind.VILLAGE_OFFICE)
    sewing = make_offer(business, title="Penjahit borongan gamis")
    cakes = make_offer(business, title="Pembuat kue basah", description="Bikin kue", skills_text="kue")
    program = make_offer(village, title="Padat karya saluran", kind=OfferKind.PADAT_KARYA, skills_text="gali",
                         description="Menggali saluran irigasi",
                         desa_code=DRAMAGA_DESA)
    closed = make_offer(business, title="Penjahit lama", status=OfferStatus.CLOSED)
    full = make_offer(business, title="Penjahit penuh", places=1)
    take_places(full, 1)
    secret = token_for(make_user(Role.FACILITATOR))
    assert _ids(call(client, "GET", "/api/v1/offers?q=penjhit", secret)) == [sewing.id]
    assert _ids(call(client, "GET", "/api/v1/offers?kind=padat_karya", secret)) == [program.id]
    assert call(client, "GET", "/api/v1/offers?kind=padat_karya", secret).get_json()["items"][0]["is_program"]
    assert set(_ids(call(client, "GET", f"/api/v1/offers?kecamatan={CIBUNGBULANG}", secret))) == {sewing.id, cakes.id}
    everything = call(client, "GET", "/api/v1/offers?show=all&q=penjahit", secret).get_json()["items"]
    assert {item["id"]: item["status"] for item in everything} == {
        sewing.id: "open", closed.id: "closed", full.id: "full"}
    bad = call(client, "GET", "/api/v1/offers?kind=kerja&show=semua", secret)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"kind", "show"}
    english = call(client, "GET", "/api/v1/offers?kind=kerja", secret, language="en").get_json()
    assert english["errors"]["kind"] == ["Not a valid choice."]
    assert bad.get_json()["errors"]["kind"] != english["errors"]["kind"]


def test_cursor_paging_walks_every_offer_once(client):
    """A script paging through the offers would miss or repeat some, or follow a cursor of another search."""
    _user, organization = _partner()
    made = {make_offer(organization, title=f"Penjahit {n}").id for n in range(7)}
    secret = token_for(make_user(Role.FACILITATOR))
    seen: list[int] = []
    url = "/api/v1/offers?limit=3"
    while url:
        body = call(client, "GET", url, secret).get_json()
        seen += [item["id"] for item in body["items"]]
        url = f"/api/v1/offers?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert sorted(seen) == sorted(made) and len(seen) == 7
    first = call(client, "GET", "/api/v1/offers?limit=3", secret).get_json()
    foreign = call(client, "GET", f"/api/v1/offers?limit=3&kind=job&cursor={first['next_cursor']}", secret)
    assert foreign.status_code == 422 and "cursor" in foreign.get_json()["errors"]


def test_a_business_publishes_with_the_forms_checks_and_messages(client):
    """A script could publish an offer the form refuses, or read refusals in words nobody understands."""
    user, _organization = _partner()
    secret = token_for(user)
    bad = {**NEW_OFFER, "kind": "bumdes", "places": 0, "desa_code": "11.01.01.2001", "start_date": "2027-01-10",
           "end_date": "2027-01-01"}
    response = call(client, "POST", "/api/v1/offers", secret, json=bad)
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    errors = response.get_json()["errors"]
    assert set(errors) == {"kind", "places", "desa_code"}
    assert errors["places"] == ["Antara 1 dan 1000 tempat."]
    english = call(client, "POST", "/api/v1/offers", secret, json=bad, language="en").get_json()["errors"]
    assert english["places"] == ["Between 1 and 1000 places."]
    dates = call(client, "POST", "/api/v1/offers", secret, language="en",
                 json={**NEW_OFFER, "start_date": "2027-01-10", "end_date": "2027-01-01"}).get_json()
    assert dates["errors"] == {"end_date": ["The end date is before the start date."]}
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 0
    created = call(client, "POST", "/api/v1/offers", secret, json=NEW_OFFER)
    assert created.status_code == 201 and created.headers["ETag"]
    body = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/offers/{body['id']}")
    assert body["status"] == "open" and body["pay_amount"] == 1500000 and body["reach"] == "kecamatan"
    assert db.session.get(Offer, body["id"]).organization_id == user.organization_id


def test_a_village_office_publishes_a_program_with_its_funding_source(client):
    """A village program's quota and funding could not be published, or a business could claim Dana Desa."""
    village_user, _village = _partner(OrgKind.VILLAGE_OFFICE)
    program = {**NEW_OFFER, "kind": "padat_karya", "title": "PKTD saluran air", "reach": "desa", "places": 25,
               "funding_source": "dana_desa", "pay_amount": None}
    created = call(client, "POST", "/api/v1/offers", token_for(village_user), json=program)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["is_program"] and body["places"] == 25 and body["funding_source"] == "dana_desa"
    business_user, _business = _partner()
    refused = call(client, "POST", "/api/v1/offers", token_for(business_user), language="en",
                   json={**NEW_OFFER, "funding_source": "dana_desa"})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"funding_source": ["Choose a funding source from the list."]}
    too_far = call(client, "POST", "/api/v1/offers", token_for(village_user), json={**program, "reach": "kabupaten"})
    assert too_far.status_code == 422 and set(too_far.get_json()["errors"]) == {"reach"}


def test_only_active_partners_with_a_write_token_publish(client):
    """A facilitator, a read token or an unverified partner could publish offers the pages would refuse."""
    for role in (Role.FACILITATOR, Role.COORDINATOR, Role.ADMIN):
        response = call(client, "POST", "/api/v1/offers", token_for(make_user(role)), json=NEW_OFFER)
        assert response.status_code == 403, role
    user, _organization = _partner()
    assert call(client, "POST", "/api/v1/offers", token_for(user, "read"), json=NEW_OFFER).status_code == 403
    pending_user, _pending = _partner(status=OrgStatus.PENDING)
    refused = call(client, "POST", "/api/v1/offers", token_for(pending_user), json=NEW_OFFER, language="en")
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == (
        "Your organization cannot publish while it is not verified or is suspended.")
    assert db.session.scalar(select(func.count()).select_from(Offer)) == 0


def test_updating_an_offer_needs_the_current_etag(client):
    """Two colleagues editing the same offer would silently overwrite each other's changes."""
    user, organization = _partner()
    offer = make_offer(organization, title="Penjahit lama", places=2)
    secret = token_for(user)
    url = f"/api/v1/offers/{offer.id}"
    etag = call(client, "GET", url, secret).headers["ETag"]
    assert call(client, "PATCH", url, secret, json={"places": 5}).status_code == 428
    changed = call(client, "PATCH", url, secret, json={"places": 5, "title": "Penjahit baru"},
                   headers={"If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["places"] == 5 and changed.get_json()["title"] == "Penjahit baru"
    assert changed.get_json()["description"] == offer.description  # untouched fields stay
    assert changed.headers["ETag"] != etag
    stale = call(client, "PATCH", url, secret, json={"places": 9}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert db.session.get(Offer, offer.id).places == 5
    invalid = call(client, "PATCH", url, secret, json={"hours_per_week": 100},
                   headers={"If-Match": changed.headers["ETag"]}, language="en")
    assert invalid.status_code == 422
    assert invalid.get_json()["errors"] == {"hours_per_week": ["Between 1 and 84 hours."]}


def test_nobody_changes_another_organizations_offer(client):
    """A business could edit or close a competitor's offer, or a facilitator any offer."""
    _user_x, org_x = _partner()
    user_y, _org_y = _partner()
    offer = make_offer(org_x, title="Punya X")
    reader = token_for(make_user(Role.FACILITATOR))
    etag = call(client, "GET", f"/api/v1/offers/{offer.id}", reader).headers["ETag"]
    for method, url, body in (("PATCH", f"/api/v1/offers/{offer.id}", {"title": "Direbut"}),
                              ("POST", f"/api/v1/offers/{offer.id}/status", {"status": "closed"})):
        assert call(client, method, url, token_for(user_y), json=body, headers={"If-Match": etag}).status_code == 404
        assert call(client, method, url, reader, json=body, headers={"If-Match": etag}).status_code == 403
    stored = db.session.get(Offer, offer.id)
    assert stored.title == "Punya X" and stored.status == OfferStatus.OPEN


def test_closing_and_reopening_follow_the_offer_pages_rules(client):
    """A partner could not close an offer by script, reopen one past its end date, or set it "full" by hand."""
    user, organization = _partner()
    offer = make_offer(organization, end_date=dt.date(2020, 1, 1), status=OfferStatus.CLOSED)
    current = make_offer(organization, title="Masih berjalan")
    secret = token_for(user)
    url = f"/api/v1/offers/{current.id}/status"
    etag = call(client, "GET", f"/api/v1/offers/{current.id}", secret).headers["ETag"]
    assert call(client, "POST", url, secret, json={"status": "closed"}).status_code == 428
    closed = call(client, "POST", url, secret, json={"status": "closed"}, headers={"If-Match": etag})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    full = call(client, "POST", url, secret, json={"status": "full"}, headers={"If-Match": closed.headers["ETag"]},
                language="en")
    assert full.status_code == 422 and full.get_json()["errors"] == {"status": ["Choose from the list."]}
    past = f"/api/v1/offers/{offer.id}"
    reopen = call(client, "POST", past + "/status", secret, json={"status": "open"}, language="en",
                  headers={"If-Match": call(client, "GET", past, secret).headers["ETag"]})
    assert reopen.status_code == 409
    assert reopen.get_json()["detail"] == "This date has passed: move the end date to open the offer."
    assert db.session.get(Offer, offer.id).status == OfferStatus.CLOSED


def test_a_suspended_partner_may_still_close_but_not_edit(client):
    """A suspended partner could keep editing its offers, or could not even withdraw them."""
    user, organization = _partner()
    offer = make_offer(organization)
    secret = token_for(user)
    etag = call(client, "GET", f"/api/v1/offers/{offer.id}", secret).headers["ETag"]
    organization.status = OrgStatus.SUSPENDED
    db.session.commit()
    edit = call(client, "PATCH", f"/api/v1/offers/{offer.id}", secret, json={"title": "x"}, headers={"If-Match": etag})
    assert edit.status_code == 403
    closed = call(client, "POST", f"/api/v1/offers/{offer.id}/status", secret, json={"status": "closed"},
                  headers={"If-Match": etag})
    assert closed.status_code == 200 and db.session.get(Offer, offer.id).status == OfferStatus.CLOSED


def test_offer_requests_are_audited_and_hostile_input_gets_answers(client):
    """API reads of offers would leave no trace, or an id past the integer range or a NUL would crash (500)."""
    user, organization = _partner()
    offer = make_offer(organization)
    secret = token_for(user)
    call(client, "GET", f"/api/v1/offers/{offer.id}", secret)
    assert call(client, "GET", "/api/v1/offers/2147483648", secret).status_code == 404
    assert call(client, "GET", "/api/v1/offers?q=jahit%00", secret).status_code == 422
    nul = call(client, "POST", "/api/v1/offers", secret, json={**NEW_OFFER, "title": "Pen\x00jahit"})
    assert nul.status_code == 422 and list(nul.get_json()["errors"]) == ["title"]
    huge = call(client, "POST", "/api/v1/offers", secret, json={**NEW_OFFER, "pay_amount": 10**12}, language="en")
    assert huge.status_code == 422 and huge.get_json()["errors"] == {"pay_amount": ["At most Rp2.000.000.000."]}
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.request")
                                     .order_by(AuditEvent.id)))
    assert [(event.target_type, event.target_id, event.detail["status"]) for event in events][:2] == [
        ("offer", offer.id, 200), (None, None, 404)]
