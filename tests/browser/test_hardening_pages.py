"""In a real browser at phone width: the coordinator settles a NIK case, and a lost phone is logged out."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.households.collisions import NikGate
from matchmaker.models import Household, NikCollision, Role
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_household, make_user


def test_coordinator_moves_a_household_from_a_nik_case(live_server, new_page):
    """A coordinator could not settle a NIK two facilitators claim, and the woman would stay unreachable."""
    with live_server.app.app_context():
        holder = make_user(Role.FACILITATOR, name="Bu Rina")
        requester = make_user(Role.FACILITATOR, name="Bu Ani")
        coordinator = make_user(Role.COORDINATOR, name="Pak Koordinator")
        household = make_household(holder, full_name="Imas Masitoh")
        gate = NikGate(requester, "form")
        gate.check(household, {"desa_code": household.desa_code, "full_name": "Imas Masitoh", "nik": household.nik})
        gate.finish()
        db.session.commit()
        email, household_id = coordinator.email, household.id
        requester_id = requester.id
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.locator("summary.menu__toggle").click()  # the phone menu is one button
    page.get_by_role("link", name="Kasus NIK").first.click()
    page.get_by_role("link", name="Imas Masitoh").first.click()
    # Both records side by side, each field labelled, the decision reachable by keyboard.
    page.get_by_text("Bu Rina").first.wait_for()
    screenshot(page, "nik-case-coordinator")
    page.get_by_label("Pindahkan", exact=False).check()
    page.get_by_label("Catatan").fill("Pindah rumah ke Sukamaju, KK baru.")
    page.get_by_role("button", name="Putuskan").press("Enter")
    page.get_by_text("Dipindahkan", exact=False).first.wait_for()
    with live_server.app.app_context():
        assert db.session.get(Household, household_id).facilitator_id == requester_id
        assert db.session.scalars(select(NikCollision)).one().status != "open"
        db.session.remove()


def test_log_out_everywhere_ends_the_session_on_the_other_phone(live_server, new_page):
    """A facilitator whose phone was lost could not shut the caseload it still shows."""
    with live_server.app.app_context():
        email = make_user(Role.FACILITATOR, name="Bu Ani").email
        db.session.remove()
    lost_phone, new_phone = new_page(), new_page()
    log_in_page(lost_phone, live_server.url, email)
    log_in_page(new_phone, live_server.url, email)
    new_phone.goto(f"{live_server.url}/auth/password")
    screenshot(new_phone, "account-log-out-everywhere")
    new_phone.get_by_role("button", name="Keluar dari semua perangkat").click()
    new_phone.get_by_label("Kata sandi").wait_for()
    lost_phone.goto(f"{live_server.url}/households/")
    assert "/auth/login" in lost_phone.url
