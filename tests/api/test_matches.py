"""``/api/v1`` proposals, candidates and matches: the pages' rankings, scoping, masking, every workflow step,
If-Match, refusals in the caller's language, and Idempotency-Key."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.i18n import current_language
from matchmaker.matches import services
from matchmaker.models import (
    AuditEvent,
    FormSubmission,
    Match,
    MatchEvent,
    MatchStatus,
    OfferKind,
    OrgStatus,
    RankingDecision,
    Role,
    utcnow,
)
from tests.api.helpers import call, token_for
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer
from tests.workflow.conftest import PHONE, make_match, world  # noqa: F401 (the fixture)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _etag(client, secret, match_id) -> str:
    return call(client, "GET", f"/api/v1/matches/{match_id}", secret).headers["ETag"]


def _step(client, secret, match_id, step, body=None, *, etag=None, language=None, key=None):
    headers = {}
    if etag is not False:
        headers["If-Match"] = etag or _etag(client, secret, match_id)
    if key:
        headers["Idempotency-Key"] = key
    return call(client, "POST", f"/api/v1/matches/{match_id}/transitions/{step}", secret, json=body or {},
                headers=headers, language=language)


# Proposals for a household ------------------------------------------------------------------------


def test_proposals_are_the_find_partners_list_with_scores_and_reasons(world, client, app):  # noqa: F811
    """A script would get another ranking than "Find partners", or no reasons a facilitator can explain."""
    make_offer(world.organization, title="Magang obras", kind=OfferKind.APPRENTICESHIP)
    secret = token_for(world.facilitator)
    body = call(client, "GET", f"/api/v1/households/{world.household.id}/proposals", secret).get_json()
    with app.test_request_context():
        expected = services.household_proposals(world.household, current_language())
    assert [(item["offer_id"], item["position"]) for item in body["items"]] == [
        (proposal.offer.id, proposal.position) for proposal, _tier in expected]
    first = body["items"][0]
    assert first["reasons"] == expected[0][0].reasons and first["reasons"]
    assert first["locality_tier"] == "desa" and 0 < first["score"] <= 1
    english = call(client, "GET", f"/api/v1/households/{world.household.id}/proposals", secret,
                   language="en").get_json()
    assert english["items"][0]["reasons"] != first["reasons"]
    only = call(client, "GET", f"/api/v1/households/{world.household.id}/proposals?kind=apprenticeship",
                secret).get_json()
    assert [item["title"] for item in only["items"]] == ["Magang obras"]


def test_proposals_page_with_cursors_and_refuse_unknown_filters_in_both_languages(world, client, app):  # noqa: F811
    """A script paging her proposals would miss or repeat offers, or a mistyped filter would be silently ignored."""
    for number in range(3):
        make_offer(world.organization, title=f"Penjahit {number}")
    secret = token_for(world.facilitator)
    url = f"/api/v1/households/{world.household.id}/proposals"
    seen, cursor = [], None
    while True:
        body = call(client, "GET", url + "?limit=2" + (f"&cursor={cursor}" if cursor else ""), secret).get_json()
        seen += [item["offer_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    with app.test_request_context():
        expected = [proposal.offer.id for proposal, _tier in
                    services.household_proposals(world.household, current_language())]
    assert len(expected) >= 3 and seen == expected
    bad = call(client, "GET", url + "?tier=planet", secret)
    assert bad.status_code == 422 and bad.get_json()["errors"] == {
        "tier": ["Pilih salah satu: desa, kecamatan, kabupaten."]}
    english = call(client, "GET", url + "?tier=planet", secret, language="en").get_json()
    assert english["errors"] == {"tier": ["Choose one of: desa, kecamatan, kabupaten."]}


def test_proposals_are_scoped_like_the_page(world, client):  # noqa: F811
    """Another facilitator could see her ranked offers, or a partner reach a household's list."""
    url = f"/api/v1/households/{world.household.id}/proposals"
    assert call(client, "GET", url, token_for(world.other_facilitator)).status_code == 404
    assert call(client, "GET", url, token_for(world.other_coordinator)).status_code == 404
    assert call(client, "GET", url, token_for(world.coordinator)).status_code == 200
    refused = call(client, "GET", url, token_for(world.partner))
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"


def test_propose_creates_the_match_with_the_servers_position_and_is_applied_once(world, client):  # noqa: F811
    """A retried proposal would create two matches, or the learner would record a position the caller made up."""
    secret = token_for(world.facilitator)
    url = f"/api/v1/households/{world.household.id}/proposals"
    headers = {"Idempotency-Key": "0b7c4a3e-propose-1"}
    first = call(client, "POST", url, secret, json={"offer_id": world.offer.id}, headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["status"] == "proposed" and body["shown_position"] == 1 and body["reasons"]
    assert body["next_steps"] == ["consent", "refuse"]
    assert first.headers["Location"].endswith(f"/api/v1/matches/{body['id']}")
    again = call(client, "POST", url, secret, json={"offer_id": world.offer.id}, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == body["id"]
    assert _count(Match) == 1 and _count(RankingDecision) == 1
    reused = call(client, "POST", url, secret, json={"offer_id": world.offer.id, "tier": "desa"}, headers=headers,
                  language="en")
    assert reused.status_code == 422 and "Idempotency-Key" in reused.get_json()["errors"]
    twice = call(client, "POST", url, secret, json={"offer_id": world.offer.id}, language="en")
    assert twice.status_code == 409
    assert twice.get_json()["detail"] == "This offer is not in her ranked list now (with these filters)."


def test_propose_refuses_offers_outside_her_list_and_writes_nothing(world, client):  # noqa: F811
    """A script could propose an offer the page would not show her (another kind, a closed one, a made-up id)."""
    secret = token_for(world.facilitator)
    url = f"/api/v1/households/{world.household.id}/proposals"
    filtered = call(client, "POST", url, secret, json={"offer_id": world.offer.id, "kind": "training"})
    assert filtered.status_code == 409
    assert filtered.get_json()["detail"] == "Penawaran ini tidak ada lagi di daftar peringkatnya (dengan filter ini)."
    assert call(client, "POST", url, secret, json={"offer_id": 999999}).status_code == 404
    typed = call(client, "POST", url, secret, json={"offer_id": 0}).get_json()
    assert set(typed["errors"]) == {"offer_id"}
    read_only = call(client, "POST", url, token_for(world.facilitator, "read"), json={"offer_id": world.offer.id})
    assert read_only.status_code == 403
    assert _count(Match) == 0 and _count(FormSubmission) == 0


# Candidates for an offer ---------------------------------------------------------------------------


def test_candidates_are_anonymised_cards_for_the_partners_own_offer_only(world, client):  # noqa: F811
    """A partner could read a candidate's NIK, phone or full name, or browse another partner's candidates."""
    other = make_household(world.facilitator, full_name="Euis Nurhayati Saputri", phone="+6281200000077", **SEWER)
    secret = token_for(world.partner)
    response = call(client, "GET", f"/api/v1/offers/{world.offer.id}/candidates", secret)
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert {item["household_id"] for item in items} == {world.household.id, other.id}
    assert items[0]["position"] == 1 and items[0]["reasons"]
    text = response.get_data(as_text=True)
    for secret_value in (world.household.full_name, world.household.nik, PHONE, other.full_name, other.phone,
                         world.household.address):
        assert secret_value not in text
    assert {item["first_name"] for item in items} == {"Siti", "Euis"}
    assert call(client, "GET", f"/api/v1/offers/{world.offer.id}/candidates",
                token_for(world.other_partner)).status_code == 404
    assert call(client, "GET", f"/api/v1/offers/{world.offer.id}/candidates",
                token_for(world.facilitator)).status_code == 403


def test_suspended_partner_gets_no_candidates_and_cannot_ask(world, client):  # noqa: F811
    """A partner suspended for fraud could keep browsing women or asking for introductions through the API."""
    world.organization.status = OrgStatus.SUSPENDED
    db.session.commit()
    secret = token_for(world.partner)
    assert call(client, "GET", f"/api/v1/offers/{world.offer.id}/candidates", secret).status_code == 403
    asked = call(client, "POST", f"/api/v1/offers/{world.offer.id}/introduction-requests", secret,
                 json={"household_id": world.household.id})
    assert asked.status_code == 403 and _count(Match) == 0


def test_introduction_request_only_for_a_shown_candidate_and_once(world, client):  # noqa: F811
    """A partner could reach any household by its id, or a retried request would ask her facilitator twice."""
    outsider = make_household(None, full_name="Nengsih Tanpa Pendamping", **SEWER)  # no caseload: no candidate
    secret = token_for(world.partner)
    url = f"/api/v1/offers/{world.offer.id}/introduction-requests"
    assert call(client, "POST", url, secret, json={"household_id": outsider.id}).status_code == 404
    headers = {"Idempotency-Key": "request-siti-1"}
    created = call(client, "POST", url, secret, json={"household_id": world.household.id}, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["partner_request"] is True and body["status"] == "proposed"
    assert body["full_name"] is None and body["contact"] is None and body["next_steps"] == []
    again = call(client, "POST", url, secret, json={"household_id": world.household.id}, headers=headers)
    assert again.status_code == 201 and again.get_json()["id"] == body["id"]
    assert _count(Match) == 1
    facilitator_view = call(client, "GET", f"/api/v1/matches/{body['id']}", token_for(world.facilitator)).get_json()
    assert facilitator_view["next_steps"] == ["approve", "refuse"]


# Matches: list and get -------------------------------------------------------------------------------


def test_match_list_is_scoped_like_the_pages_and_filters_like_the_inbox(world, client):  # noqa: F811
    """A facilitator would see another's matches, or a partner a proposal never introduced to it."""
    introduced = make_match(world, MatchStatus.INTRODUCED)
    second = make_household(world.facilitator, **SEWER)
    proposed = make_match(world, MatchStatus.PROPOSED, household=second)
    theirs = make_household(world.other_facilitator, **SEWER)
    other_offer = make_offer(world.organization, title="Obras lain")
    foreign = make_match(world, MatchStatus.ACCEPTED, household=theirs, offer=other_offer)

    def ids(secret, query=""):
        return [item["id"] for item in call(client, "GET", f"/api/v1/matches{query}", secret).get_json()["items"]]

    assert ids(token_for(world.facilitator)) == [proposed.id, introduced.id]
    assert ids(token_for(world.other_facilitator)) == [foreign.id]
    assert ids(token_for(world.coordinator)) == [foreign.id, proposed.id, introduced.id]
    assert ids(token_for(world.other_coordinator)) == []
    partner = token_for(world.partner)
    assert ids(partner) == [foreign.id, introduced.id]
    assert ids(partner, "?group=to_answer") == [introduced.id]
    assert ids(partner, "?status=accepted") == [foreign.id]
    assert ids(partner, f"?offer_id={other_offer.id}") == [foreign.id]
    assert ids(token_for(world.other_partner)) == []
    assert call(client, "GET", "/api/v1/matches", token_for(make_user(Role.ADMIN))).status_code == 403
    whole = call(client, "GET", "/api/v1/matches?limit=2", partner).get_json()
    assert whole["next_cursor"] is None and len(whole["items"]) == 2
    page = call(client, "GET", "/api/v1/matches?limit=1", token_for(world.coordinator)).get_json()
    nxt = call(client, "GET", f"/api/v1/matches?limit=1&cursor={page['next_cursor']}",
               token_for(world.coordinator)).get_json()
    assert [item["id"] for item in page["items"] + nxt["items"]] == [foreign.id, proposed.id]


def test_partner_sees_her_name_and_phone_only_once_accepted_and_it_is_audited(world, client):  # noqa: F811
    """A partner could read her name and phone before accepting her, or read them without a trace."""
    match = make_match(world, MatchStatus.INTRODUCED)
    secret = token_for(world.partner)
    before = call(client, "GET", f"/api/v1/matches/{match.id}", secret)
    body = before.get_json()
    assert body["full_name"] is None and body["contact"] is None and body["candidate"]["first_name"] == "Siti"
    text = before.get_data(as_text=True)
    assert world.household.full_name not in text and PHONE not in text and world.household.nik not in text
    accepted = _step(client, secret, match.id, "accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["contact"]["phone"] == PHONE
    assert accepted.get_json()["full_name"] == world.household.full_name
    shown = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "match.contact_shown")).all()
    assert [(event.actor_id, event.target_id) for event in shown] == [(world.partner.id, match.id)]
    facilitator = call(client, "GET", f"/api/v1/matches/{match.id}", token_for(world.facilitator)).get_json()
    assert facilitator["partner_contact"]["phone"] == "+6285711112222" and facilitator["contact"] is None
    assert world.household.nik not in str(facilitator)


def test_matches_of_others_are_404(world, client):  # noqa: F811
    """A user could learn that a match exists, or read it, outside her caseload or organization."""
    match = make_match(world, MatchStatus.PROPOSED)
    for user in (world.other_facilitator, world.other_coordinator, world.other_partner, world.partner):
        response = call(client, "GET", f"/api/v1/matches/{match.id}", token_for(user))
        assert response.status_code == 404, user.role
        assert world.household.first_name not in response.get_data(as_text=True)
    assert call(client, "GET", "/api/v1/matches/9223372036854775808", token_for(world.partner)).status_code == 404


# Matches: the workflow ---------------------------------------------------------------------------------


def test_the_whole_workflow_through_the_api(world, client):  # noqa: F811
    """A script could not take a match from proposal to outcome, or a step would skip the history or the places."""
    fac, partner = token_for(world.facilitator), token_for(world.partner)
    match = make_match(world, MatchStatus.PROPOSED)
    assert _step(client, fac, match.id, "consent").status_code == 200
    introduced = _step(client, fac, match.id, "introduce", {"note": "Sudah ditanya langsung."})
    assert introduced.status_code == 200 and introduced.get_json()["status"] == "introduced"
    assert _step(client, partner, match.id, "accept").get_json()["status"] == "accepted"
    started = _step(client, fac, match.id, "start", {"started_on": "2026-12-01"})
    assert started.get_json()["status"] == "started" and started.get_json()["started_on"] == "2026-12-01"
    done = _step(client, fac, match.id, "complete", {"income_after": 1500000, "ended_on": "2026-12-03"})
    body = done.get_json()
    assert body["status"] == "completed" and body["income_after"] == 1500000 and body["next_steps"] == []
    assert [event["to_status"] for event in body["events"]] == [
        "proposed", "introduced", "accepted", "started", "completed"]
    assert body["events"][1]["note"] == "Sudah ditanya langsung."


def test_steps_need_the_current_etag(world, client):  # noqa: F811
    """Two people acting on the same match would each apply a step on a state they did not see."""
    secret = token_for(world.facilitator)
    match = make_match(world, MatchStatus.INTRODUCED)
    missing = _step(client, secret, match.id, "drop", {"reason": "health"}, etag=False)
    assert missing.status_code == 428
    etag = _etag(client, secret, match.id)
    first = _step(client, secret, match.id, "drop", {"reason": "health"}, etag=etag)
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = _step(client, secret, match.id, "drop", {"reason": "moved"}, etag=etag)
    assert stale.status_code == 412 and stale.content_type == "application/problem+json"
    assert db.session.get(Match, match.id).decline_reason == "health"


def test_a_step_the_state_does_not_allow_gets_409_with_the_pages_message(world, client):  # noqa: F811
    """A script would get a vague error, or an error only in Indonesian, for a step the match cannot take now."""
    secret = token_for(world.facilitator)
    match = make_match(world, MatchStatus.COMPLETED)
    refused = _step(client, secret, match.id, "drop", {"reason": "health"})
    assert refused.status_code == 409 and refused.content_type == "application/problem+json"
    assert refused.get_json()["detail"] == "Langkah ini tidak bisa dilakukan dari status pencocokan saat ini."
    english = _step(client, secret, match.id, "drop", {"reason": "health"}, language="en")
    assert english.get_json()["detail"] == "This step is not possible from the match's current state."
    proposed = make_match(world, MatchStatus.PROPOSED, household=make_household(world.facilitator, **SEWER))
    no_consent = _step(client, secret, proposed.id, "introduce", language="en")
    assert no_consent.status_code == 409 and no_consent.get_json()["detail"].startswith("Record her consent")
    assert _count(MatchEvent) == 1 + 5


def test_step_values_are_checked_like_the_pages_forms_in_both_languages(world, client):  # noqa: F811
    """A script could start a match a year ahead, record an absurd income, or drop one without a reason."""
    secret = token_for(world.facilitator)
    started = make_match(world, MatchStatus.STARTED)
    too_rich = _step(client, secret, started.id, "complete", {"income_after": 500_000_000}, language="en")
    assert too_rich.status_code == 422
    assert too_rich.get_json()["errors"] == {"income_after": ["Enter an amount between 0 and 100,000,000 Rupiah."]}
    no_reason = _step(client, secret, started.id, "drop")
    assert no_reason.status_code == 422 and set(no_reason.get_json()["errors"]) == {"reason"}
    wrong_reason = _step(client, secret, started.id, "drop", {"reason": "bored"}).get_json()
    assert set(wrong_reason["errors"]) == {"reason"}
    accepted = make_match(world, MatchStatus.ACCEPTED, household=make_household(world.facilitator, **SEWER))
    far = _step(client, secret, accepted.id, "start", {"started_on": "2027-06-01"})
    assert far.status_code == 422
    assert far.get_json()["errors"] == {"started_on": ["Tanggal mulai tidak boleh lebih dari 30 hari ke depan."]}
    typed = _step(client, secret, accepted.id, "start", {"started_on": "kemarin"}).get_json()
    assert set(typed["errors"]) == {"started_on"}
    assert db.session.get(Match, accepted.id).status == MatchStatus.ACCEPTED


def test_each_side_takes_only_its_own_steps(world, client):  # noqa: F811
    """A partner could start or complete a match, a facilitator accept for the partner, or a read token act."""
    match = make_match(world, MatchStatus.INTRODUCED)
    assert _step(client, token_for(world.facilitator), match.id, "accept").status_code == 403
    partner_drop = _step(client, token_for(world.partner), match.id, "drop", {"reason": "health"}, language="en")
    assert partner_drop.status_code == 403 and partner_drop.get_json()["detail"] == "Your role cannot take this step."
    assert _step(client, token_for(world.other_partner), match.id, "accept", etag='"x"').status_code == 404
    read_only = _step(client, token_for(world.partner, "read"), match.id, "accept")
    assert read_only.status_code == 403
    assert db.session.get(Match, match.id).status == MatchStatus.INTRODUCED


def test_a_full_offer_cannot_be_started(world, client):  # noqa: F811
    """A script could fill more places than the offer has."""
    world.offer.places = 1
    db.session.commit()
    make_match(world, MatchStatus.STARTED, household=make_household(world.facilitator, **SEWER))
    waiting = make_match(world, MatchStatus.ACCEPTED)
    full = _step(client, token_for(world.facilitator), waiting.id, "start", {"started_on": "2026-12-01"})
    assert full.status_code == 409 and full.get_json()["detail"].startswith("Kuota sudah penuh")


def test_a_retried_step_is_applied_once(world, client):  # noqa: F811
    """A step retried after a lost answer would be refused as stale, or applied twice."""
    secret = token_for(world.facilitator)
    match = make_match(world, MatchStatus.ACCEPTED)
    etag = _etag(client, secret, match.id)
    events = _count(MatchEvent)
    body = {"started_on": "2026-12-01"}
    first = _step(client, secret, match.id, "start", body, etag=etag, key="start-7f3a")
    again = _step(client, secret, match.id, "start", body, etag=etag, key="start-7f3a")
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.get_json()["status"] == "started" and _count(MatchEvent) == events + 1
    other = _step(client, secret, match.id, "start", {"started_on": "2026-11-30"}, etag=etag, key="start-7f3a")
    assert other.status_code == 422 and set(other.get_json()["errors"]) == {"Idempotency-Key"}
    bad_key = _step(client, secret, match.id, "complete", {"income_after": 1}, key="é" * 3)
    assert bad_key.status_code == 422 and set(bad_key.get_json()["errors"]) == {"Idempotency-Key"}
    # Another user's identical key is hers, not this one's.
    other_user = make_user(Role.COORDINATOR)
    assert _step(client, token_for(other_user), match.id, "complete", {"income_after": 1},
                 key="start-7f3a").status_code == 200


def test_approve_and_refuse_a_partners_request(world, client):  # noqa: F811
    """Her facilitator could not answer a partner's request through the API, or approve it without her consent."""
    fac = token_for(world.facilitator)
    request_match = make_match(world, MatchStatus.PROPOSED, partner_request=True)
    unticked = _step(client, fac, request_match.id, "approve", {"consent": False}, language="en")
    assert unticked.status_code == 422
    assert unticked.get_json()["errors"] == {"consent": ["Tick this box once she has agreed."]}
    approved = _step(client, fac, request_match.id, "approve", {"consent": True})
    assert approved.status_code == 200 and approved.get_json()["status"] == "introduced"
    second = make_match(world, MatchStatus.PROPOSED, partner_request=True,
                        offer=make_offer(world.organization, title="Obras"))
    refused = _step(client, fac, second.id, "refuse", {"reason": "childcare", "note": "Anak masih kecil."})
    assert refused.status_code == 200 and refused.get_json()["decline_reason"] == "childcare"
    declined = make_match(world, MatchStatus.INTRODUCED, household=make_household(world.facilitator, **SEWER))
    answer = _step(client, token_for(world.partner), declined.id, "decline", {"reason": "place_filled"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "declined"


def test_parallel_retries_with_one_idempotency_key_apply_the_step_once(file_app):
    """A script retrying a slow step from several connections at once would start the match several times."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization()
    offer = make_offer(organization, places=5)
    household = make_household(facilitator, **SEWER)
    match = Match(household_id=household.id, offer_id=offer.id, status=MatchStatus.ACCEPTED,
                  consent_at=utcnow(), events=[MatchEvent(actor_id=facilitator.id, to_status=MatchStatus.ACCEPTED)])
    db.session.add(match)
    db.session.commit()
    secret = token_for(facilitator)
    etag = call(file_app.test_client(), "GET", f"/api/v1/matches/{match.id}", secret).headers["ETag"]
    racers = 6
    barrier = threading.Barrier(racers)
    results: list[tuple[int, str | None] | None] = [None] * racers

    def run(index: int) -> None:
        client = file_app.test_client()
        with file_app.app_context():
            barrier.wait()
            response = call(client, "POST", f"/api/v1/matches/{match.id}/transitions/start", secret,
                            json={"started_on": "2026-12-01"},
                            headers={"If-Match": etag, "Idempotency-Key": "start-race-1"})
            results[index] = (response.status_code, response.headers.get("Idempotent-Replayed"))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None for result in results), "a request did not finish"
    assert sorted(results, key=str) == sorted([(200, None)] + [(200, "true")] * (racers - 1), key=str), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MatchEvent)
                             .where(MatchEvent.match_id == match.id, MatchEvent.to_status == "started")) == 1
