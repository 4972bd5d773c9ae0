"""The workflow in the browser's terms: Find partners, the match page's steps, the partner's anonymised cards."""

from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.matches.ranking import rank_offers_for_household
from matchmaker.models import AuditEvent, Match, MatchEvent, MatchStatus, OfferKind, RankingDecision
from tests.conftest import log_in, make_organization
from tests.matches.factories import make_offer

from .conftest import ADDRESS, PHONE, event_count, make_match


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_household_page_leads_to_find_partners_with_reasons_and_filters(world, client):
    """The facilitator could not find ranked partners for a household, or the filters would not filter."""
    make_offer(world.organization, kind=OfferKind.APPRENTICESHIP, title="Magang obras di konveksi")
    log_in(client, world.facilitator)
    page = _html(client.get(f"/households/{world.household.id}"))
    assert f'href="/matches/households/{world.household.id}/find"' in page
    assert "Cari mitra" in page
    found = _html(client.get(f"/matches/households/{world.household.id}/find"))
    assert "Dicari penjahit borongan gamis" in found and "Magang obras di konveksi" in found
    assert "Desa yang sama" in found  # the offer is in her own desa
    assert "Usulkan" in found
    only_jobs = _html(client.get(f"/matches/households/{world.household.id}/find?kind=apprenticeship"))
    assert "Magang obras di konveksi" in only_jobs and "Dicari penjahit borongan gamis" not in only_jobs
    far = _html(client.get(f"/matches/households/{world.household.id}/find?tier=kabupaten"))
    assert "Dicari penjahit" not in far and "Magang obras" not in far


def test_find_partners_is_not_open_to_other_facilitators_or_partners(world, client):
    """Another facilitator or a business could see a household's ranked proposals."""
    log_in(client, world.other_facilitator)
    assert client.get(f"/matches/households/{world.household.id}/find").status_code == 404
    client.post("/auth/logout")
    log_in(client, world.partner)
    assert client.get(f"/matches/households/{world.household.id}/find").status_code == 403


def test_facilitator_proposes_records_consent_and_introduces(world, client):
    """The facilitator's path from a ranked proposal to a sent introduction would break."""
    log_in(client, world.facilitator)
    shown = {p.offer.id: p for p in rank_offers_for_household(world.household, k=20)}[world.offer.id]
    # Position and score posted with the form are ignored: the server computes them again.
    response = client.post(f"/matches/households/{world.household.id}/propose",
                           data={"target": world.offer.id, "position": 7, "score": "0.01"})
    match = db.session.query(Match).one()
    assert response.headers["Location"].endswith(f"/matches/{match.id}")
    assert (match.status, match.shown_position, match.score) == (MatchStatus.PROPOSED, shown.position, shown.score)
    decision = db.session.query(RankingDecision).one()
    assert (decision.decision, decision.shown_position, decision.shown_score) == (
        "confirmed", shown.position, shown.score)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "Catat persetujuan" in page and "Kirim perkenalan" not in page
    refused = client.post(f"/matches/{match.id}/introduce", data={})
    assert refused.status_code == 409
    assert "Catat persetujuannya" in _html(refused)
    assert client.post(f"/matches/{match.id}/consent", data={}).status_code == 302
    assert "Kirim perkenalan" in _html(client.get(f"/matches/{match.id}"))
    assert client.post(f"/matches/{match.id}/introduce", data={"note": "Ibu siap mulai bulan depan"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == MatchStatus.INTRODUCED


def test_partner_sees_only_an_anonymised_card_before_accepting(world, client):
    """A business would see her NIK, phone, address, birth date or full name before accepting her."""
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    household = world.household
    for url in ("/matches/inbox", f"/matches/{match.id}"):
        page = _html(client.get(url))
        assert "Siti" in page and "Sukamaju" in page and "konveksi 2 thn" in page
        for secret in (household.nik, household.nik[-4:] + "</", PHONE, PHONE[3:], "0812", ADDRESS, "Rawa Bebek",
                       "1985", "14 Mar", "Aminah Lestari"):
            assert secret not in page, (url, secret)
    assert "wa.me" not in _html(client.get(f"/matches/{match.id}"))
    assert db.session.query(AuditEvent).filter_by(action="match.contact_shown").count() == 0


def test_partner_accepts_and_then_both_sides_see_contacts(world, client):
    """After acceptance the partner could not reach her (or the facilitator the partner), or it would not be audited."""
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    assert client.post(f"/matches/{match.id}/accept", data={}).status_code == 302
    page = _html(client.get(f"/matches/{match.id}"))
    assert "Siti Aminah Lestari" in page and PHONE in page
    link = re.search(r'href="(https://wa\.me/6281234567890\?text=[^"]+)"', page)
    assert link and "Halo%20Ibu%20Siti%20Aminah%20Lestari" in link.group(1)
    assert ADDRESS not in page and world.household.nik not in page
    audit = db.session.query(AuditEvent).filter_by(action="match.contact_shown").one()
    assert (audit.actor_id, audit.target_id) == (world.partner.id, match.id)
    client.post("/auth/logout")
    log_in(client, world.facilitator)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "+6285711112222" in page and "https://wa.me/6285711112222" in page
    assert "Mulai pencocokan" in page


def test_partner_declines_with_a_reason_from_the_list(world, client):
    """A partner could decline without a reason, or its reason and note would be lost."""
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    empty = client.post(f"/matches/{match.id}/decline", data={"reason": ""})
    assert empty.status_code == 400
    assert "Kolom ini wajib diisi." in _html(empty)
    assert event_count() == 2
    ok = client.post(f"/matches/{match.id}/decline", data={"reason": "too_far", "note": "jauh dari konveksi"})
    assert ok.status_code == 302
    db.session.expire_all()
    match = db.session.get(Match, match.id)
    assert (match.status, match.decline_reason, match.events[-1].note) == ("declined", "too_far", "jauh dari konveksi")
    assert "Terlalu jauh" in _html(client.get(f"/matches/{match.id}"))


def test_facilitator_starts_and_completes_with_income(world, client):
    """The facilitator could not start an accepted match or record its outcome in Rupiah."""
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.facilitator)
    bad = client.post(f"/matches/{match.id}/start", data={"started_on": ""})
    assert bad.status_code == 400 and "Masukkan tanggal mulai" in _html(bad)
    assert client.post(f"/matches/{match.id}/start", data={"started_on": "2026-11-20"}).status_code == 302
    bad = client.post(f"/matches/{match.id}/complete", data={"income_after": "satu juta"})
    assert bad.status_code == 400
    done = client.post(f"/matches/{match.id}/complete", data={"income_after": "1750000", "ended_on": "2026-11-27"})
    assert done.status_code == 302
    db.session.expire_all()
    match = db.session.get(Match, match.id)
    assert (match.status, match.income_after, str(match.started_on)) == ("completed", 1_750_000, "2026-11-20")
    assert "Rp" in _html(client.get(f"/matches/{match.id}"))


def test_wrong_role_and_wrong_owner_get_a_message_and_write_nothing(world, client):
    """A partner could start a match or an outsider touch one, even through a hand-made request."""
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.partner)
    response = client.post(f"/matches/{match.id}/start", data={"started_on": "2026-11-20"})
    assert response.status_code == 403
    assert "Peran Anda tidak dapat" in _html(response)
    client.post("/auth/logout")
    log_in(client, world.other_partner)
    assert client.post(f"/matches/{match.id}/accept", data={}).status_code == 404
    client.post("/auth/logout")
    log_in(client, world.other_facilitator)
    assert client.post(f"/matches/{match.id}/drop", data={"reason": "health"}).status_code == 404
    assert event_count() == 3
    assert db.session.query(MatchEvent).filter(MatchEvent.to_status == "started").count() == 0


def test_a_proposal_not_yet_introduced_is_invisible_to_the_partner(world, client):
    """A business would learn of a proposal before her consent and the introduction."""
    match = make_match(world, MatchStatus.PROPOSED, consent=True)
    log_in(client, world.partner)
    assert client.get(f"/matches/{match.id}").status_code == 404
    assert "Siti" not in _html(client.get("/matches/inbox"))


def test_household_page_shows_match_cards_with_next_step(world, client):
    """The household page would not show her matches or lead to their next step."""
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.facilitator)
    page = _html(client.get(f"/households/{world.household.id}"))
    assert "Dicari penjahit borongan gamis" in page
    assert f'href="/matches/{match.id}"' in page and "Langkah berikutnya" in page


def test_proposing_an_offer_missing_from_her_list_writes_nothing(world, client):
    """A posted offer id outside her ranked list (beyond the partner's reach) would still become a match."""
    far = make_organization(desa_code="32.01.30.2001")
    beyond = make_offer(far, reach="desa", home_based=True, title="Jahit rumahan warga Dramaga saja")
    log_in(client, world.facilitator)
    response = client.post(f"/matches/households/{world.household.id}/propose", data={"target": beyond.id})
    assert response.status_code == 302
    assert f"/matches/households/{world.household.id}/find" in response.headers["Location"]
    assert db.session.query(Match).count() == 0 and db.session.query(RankingDecision).count() == 0
    assert "sudah tidak ada di daftarnya" in _html(client.get(response.headers["Location"]))
