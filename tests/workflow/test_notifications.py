"""Notifications: who hears of what, the bell's count, opening and marking them read."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.extensions import db
from matchmaker.matches import workflow
from matchmaker.models import MatchStatus, Notification, Role
from matchmaker.notifications import Kind, notify, unread_count
from tests.conftest import log_in, make_user

from .conftest import make_match

TODAY = dt.date(2026, 11, 27)


def _kinds(user) -> list[str]:
    return [n.kind for n in db.session.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]


def test_an_introduction_notifies_every_member_of_the_partner(world):
    """A business would not hear of a new introduction."""
    colleague = make_user(Role.BUSINESS, organization=world.organization)
    match = make_match(world, MatchStatus.PROPOSED, consent=True)
    workflow.transition(match, MatchStatus.INTRODUCED, world.facilitator, today=TODAY)
    assert _kinds(world.partner) == [Kind.INTRODUCTION]
    assert _kinds(colleague) == [Kind.INTRODUCTION]
    assert _kinds(world.other_partner) == [] and _kinds(world.facilitator) == []
    assert unread_count(world.partner) == 1


@pytest.mark.parametrize(("to_status", "data", "kind"), [
    (MatchStatus.ACCEPTED, {}, Kind.ACCEPTED),
    (MatchStatus.DECLINED, {"reason": "place_filled"}, Kind.DECLINED),
])
def test_the_facilitator_hears_the_partners_answer(world, to_status, data, kind):
    """A facilitator would not learn that a partner accepted or declined her household."""
    match = make_match(world, MatchStatus.INTRODUCED)
    workflow.transition(match, to_status, world.partner, today=TODAY, **data)
    assert _kinds(world.facilitator) == [kind]
    assert _kinds(world.partner) == []


def test_steps_the_facilitator_takes_herself_notify_nobody(world):
    """Starting or completing would spam people with notifications about their own steps."""
    match = make_match(world, MatchStatus.ACCEPTED)
    workflow.transition(match, MatchStatus.STARTED, world.facilitator, today=TODAY, started_on=TODAY)
    workflow.transition(match, MatchStatus.COMPLETED, world.facilitator, today=TODAY, income_after=1_000_000)
    assert db.session.query(Notification).count() == 0


def test_bell_count_page_open_and_mark_all_read(world, client):
    """The bell would not show the count in words, or opening/marking would not clear it."""
    first = make_match(world, MatchStatus.INTRODUCED)
    workflow.transition(first, MatchStatus.ACCEPTED, world.partner, today=TODAY)
    notify(world.facilitator, Kind.CHECKIN_DUE, household=world.household, months=3)
    db.session.commit()
    log_in(client, world.facilitator)
    home = client.get("/notifications/").get_data(as_text=True)
    assert '<span class="bell__count">2<span class="visually-hidden"> belum dibaca</span>' in home
    assert "Konveksi Bu Ade menerima Siti Aminah Lestari untuk “Dicari penjahit borongan gamis”" in home
    assert "kunjungan pemantauan Siti Aminah Lestari (3 bulan setelah graduasi)" in home
    assert home.count("Baru</strong>") == 2
    accepted = db.session.query(Notification).filter_by(kind=Kind.ACCEPTED).one()
    opened = client.get(f"/notifications/{accepted.id}")
    assert opened.headers["Location"].endswith(f"/matches/{first.id}")
    assert unread_count(world.facilitator) == 1
    checkin = db.session.query(Notification).filter_by(kind=Kind.CHECKIN_DUE).one()
    assert client.get(f"/notifications/{checkin.id}").headers["Location"].endswith(
        f"/households/{world.household.id}")
    notify(world.facilitator, Kind.CHECKIN_DUE, household=world.household, months=6)
    db.session.commit()
    assert client.post("/notifications/read-all").status_code == 302
    assert unread_count(world.facilitator) == 0
    assert "bell__count" not in client.get("/notifications/").get_data(as_text=True)


def test_a_partner_reads_only_the_first_name_and_only_its_own_notifications(world, client):
    """A notification would leak her full name to a partner, or another user could open it."""
    match = make_match(world, MatchStatus.PROPOSED, consent=True)
    workflow.transition(match, MatchStatus.INTRODUCED, world.facilitator, today=TODAY)
    log_in(client, world.partner)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Perkenalan baru: Siti untuk “Dicari penjahit borongan gamis”" in page
    assert "Aminah Lestari" not in page
    client.post("/auth/logout")
    log_in(client, world.other_partner)
    mine = db.session.query(Notification).filter_by(user_id=world.partner.id).one()
    assert client.get(f"/notifications/{mine.id}").status_code == 404
    assert mine.read_at is None


def test_notify_refuses_an_unknown_kind(world):
    """A typo in a kind would store a notification that cannot be shown."""
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(world.facilitator, "chekin_due", household=world.household)
