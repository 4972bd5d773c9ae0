"""The short-lived caches (matchmaker.caching): computed once, forgotten on change, never shared between users."""

from __future__ import annotations

from matchmaker.caching import remember
from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.notifications import Kind, mark_all_read, notify, unread_count
from tests.conftest import make_household, make_user


def test_value_is_computed_once_until_its_table_changes(app):
    """Every page would redo the same look-ups (no gain), or keep showing figures after they changed."""
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert remember("figures", compute, tables=["household"]) == 1
    assert remember("figures", compute, tables=["household"]) == 1
    make_user()  # a commit that writes another table
    assert remember("figures", compute, tables=["household"]) == 1
    make_household(None)  # a commit that writes the household table
    assert remember("figures", compute, tables=["household"]) == 2
    assert len(calls) == 2


def test_rolled_back_change_keeps_the_cached_value(app):
    """A failed form would throw away the cache for nothing (or, worse, a commit would not)."""
    calls: list[int] = []
    remember("count", lambda: calls.append(1) or 1, tables=["household"])
    make_household(None).full_name = "Siti Berubah"
    db.session.flush()
    db.session.rollback()
    remember("count", lambda: calls.append(1) or 1, tables=["household"])
    assert len(calls) == 2  # make_household committed once: one recomputation, the rollback none


def test_bell_counts_are_per_user_and_follow_new_and_read_notifications(app):
    """One facilitator would see another's number on the bell, or a stale one after reading them."""
    first, second = make_user(Role.FACILITATOR), make_user(Role.FACILITATOR)
    household = make_household(first)
    assert unread_count(first) == 0 and unread_count(second) == 0
    notify(first, Kind.CHECKIN_DUE, household=household, months=6, due_on="2026-12-01")
    db.session.commit()
    assert unread_count(first) == 1
    assert unread_count(second) == 0
    mark_all_read(first)
    assert unread_count(first) == 0


def test_bell_on_the_page_shows_a_new_notification_at_once(app, client, login_as):
    """A facilitator would not see her new notification until the cache ran out."""
    user = login_as(Role.FACILITATOR)
    household = make_household(user)
    assert 'class="bell__count"' not in client.get("/households/").get_data(as_text=True)
    notify(user, Kind.CHECKIN_DUE, household=household, months=6, due_on="2026-12-01")
    db.session.commit()
    assert '<span class="bell__count">1<' in client.get("/households/").get_data(as_text=True)
