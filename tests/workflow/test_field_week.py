"""Issue 14, first field week: the next step first, waiting introductions, the menu, small misleading labels."""

from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.graduation import services as graduation_services
from matchmaker.households.next_step import next_action
from matchmaker.main.dashboards import waiting_introductions
from matchmaker.main.menu import current_section, menu_items
from matchmaker.models import HouseholdStatus, MatchStatus, OrgStatus, Role
from tests.conftest import log_in, make_household, make_organization, make_user

from .conftest import make_match


def _html(response) -> str:
    return response.get_data(as_text=True)


def _next_step(page: str) -> str:
    """The household page's next-step card."""
    found = re.search(r'<section class="card next-step" id="next-step".*?</section>', page, re.S)
    assert found, "no next-step card"
    return found.group(0)


def _never(_match) -> list[str]:
    return []


def test_next_action_order(world, app):
    """The household page would put the wrong action first (e.g. graduation over a pending consent)."""
    household = world.household
    assert next_action(household, graduation_pending=False, graduation_ready=False, can_graduate=True,
                       steps=_never).kind == "find"
    match = make_match(world, MatchStatus.PROPOSED, consent=False)
    step = next_action(household, graduation_pending=False, graduation_ready=False, can_graduate=True,
                       steps=lambda m: ["introduced"])
    assert (step.kind, step.match) == ("match_step", match)
    assert next_action(household, graduation_pending=False, graduation_ready=True, can_graduate=True,
                       steps=lambda m: ["introduced"]).kind == "graduate"
    assert next_action(household, graduation_pending=True, graduation_ready=True, can_graduate=False,
                       steps=_never).kind == "graduation_pending"
    household.status = HouseholdStatus.EXITED
    assert next_action(household, graduation_pending=False, graduation_ready=False, can_graduate=False,
                       steps=_never) is None


def test_waiting_introduction_knows_since_when(world, app):
    """The facilitator would not see that the partner is being waited for, nor since when."""
    match = make_match(world, MatchStatus.INTRODUCED)
    step = next_action(world.household, graduation_pending=False, graduation_ready=False, can_graduate=True,
                       steps=_never)
    assert (step.kind, step.match) == ("match_waiting", match)
    assert step.since == match.events[-1].created_at


def test_started_match_leads_to_the_checklist(world, app):
    """A woman already working would be sent to look for partners again instead of to her checklist."""
    make_match(world, MatchStatus.STARTED)
    step = next_action(world.household, graduation_pending=False, graduation_ready=False, can_graduate=True,
                       steps=lambda m: ["completed", "dropped"])
    assert step.kind == "checklist"


def test_household_page_puts_find_partners_first_and_no_green_graduate_at_low_readiness(world, client):
    """Cari mitra would sit at the bottom again, below a green graduate button shown at 0/100."""
    log_in(client, world.facilitator)
    page = _html(client.get(f"/households/{world.household.id}"))
    card = _next_step(page)
    assert f'href="/matches/households/{world.household.id}/find"' in card and "Cari mitra" in card
    assert page.index('id="next-step"') < page.index('id="graduation"') < page.index('id="matches"')
    assert not graduation_services.readiness(world.household).ready
    graduate = re.search(r'<a class="([^"]*)" href="/graduation/households/\d+/graduate">', page)
    assert graduate and "button--primary" not in graduate.group(1)


def test_household_page_offers_the_open_match_step(world, client):
    """A consent still to record would not be offered at the top of her page."""
    match = make_match(world, MatchStatus.PROPOSED, consent=False)
    log_in(client, world.facilitator)
    card = _next_step(_html(client.get(f"/households/{world.household.id}")))
    assert f'href="/matches/{match.id}"' in card
    assert "Tanyakan apakah ibu setuju diperkenalkan" in card
    assert "Cari mitra" not in card


def test_household_page_and_match_page_say_who_is_waited_for_since_when(world, client):
    """After 'Kirim perkenalan' the box would hold only 'Batalkan pencocokan'."""
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.facilitator)
    card = _next_step(_html(client.get(f"/households/{world.household.id}")))
    assert "Menunggu jawaban Konveksi Bu Ade atas perkenalan" in card and "dikirim" in card
    page = _html(client.get(f"/matches/{match.id}"))
    steps = page[page.index('<section class="card steps">'):]
    assert re.search(r"Menunggu jawaban Konveksi Bu Ade sejak \d{1,2} \w+ \d{4}\.", steps)
    assert "carikan mitra lain untuknya" in steps
    assert f'href="/matches/households/{world.household.id}/find"' in steps
    assert "Batalkan pencocokan" in steps


def test_partner_does_not_get_the_facilitator_waiting_box(world, client):
    """The business would be told to wait for itself."""
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "Menunggu jawaban Konveksi" not in page and "Terima" in page


def test_home_unmatched_list_links_straight_to_find_partners(world, client):
    """From home the facilitator would need two taps to reach Cari mitra for a household without a proposal."""
    log_in(client, world.facilitator)
    page = _html(client.get("/home"))
    section = page[page.index('id="unmatched"'):]
    section = section[:section.index("</section>")]
    assert f'href="/matches/households/{world.household.id}/find"' in section
    assert f'href="/households/{world.household.id}"' in section


def test_business_home_lists_introductions_waiting_for_its_answer(world, client):
    """A business would not learn from its home that an introduction waits for its answer."""
    match = make_match(world, MatchStatus.INTRODUCED)
    make_match(world, MatchStatus.ACCEPTED, household=make_household(world.facilitator))
    rows = waiting_introductions(world.organization)
    assert [row.match for row in rows] == [match]
    assert waiting_introductions(world.other_partner.organization) == []
    log_in(client, world.partner)
    page = _html(client.get("/home"))
    assert "1 perkenalan menunggu jawaban Anda" in page and "menunggu sejak" in page
    assert f'href="/matches/{match.id}"' in page


def test_newly_approved_business_is_invited_to_publish(app, client):
    """A newly approved business would see only 'Belum ada yang diterbitkan' and not where to start."""
    business = make_user(Role.BUSINESS, organization=make_organization(name="Warung Bu Eti"))
    log_in(client, business)
    page = _html(client.get("/home"))
    assert 'href="/partners/offers/new"' in page and "Terbitkan peluang" in page
    client.post("/auth/logout")
    pending = make_user(Role.BUSINESS, organization=make_organization(status=OrgStatus.PENDING))
    log_in(client, pending)
    page = _html(client.get("/home"))
    assert "Belum ada yang diterbitkan." in page and 'href="/partners/offers/new"' not in page


def test_menu_names_the_current_section_once(app):
    """The phone menu button would not say where the user is, or two sections would claim one page."""
    coordinator = make_user(Role.COORDINATOR)
    facilitator = make_user(Role.FACILITATOR)
    with app.test_request_context():
        items = menu_items(coordinator, "households.collision")
        assert [item.label for item in items if item.current] == ["Kasus NIK"]
        assert current_section(menu_items(facilitator, "matches.detail")) == "KPM dampingan"
        assert current_section(menu_items(facilitator, "notifications.index")) is None
        partner = make_user(Role.VILLAGE_OFFICE, organization=make_organization())
        assert current_section(menu_items(partner, "partners.new_offer")) == "Program"


def test_menu_is_one_details_button_without_inline_script(world, client):
    """The menu would lose its button, its current section name or break the strict CSP."""
    log_in(client, world.facilitator)
    page = _html(client.get(f"/households/{world.household.id}"))
    header = page[page.index('<header class="topbar">'):page.index("</header>")]
    assert '<details class="menu">' in header and '<summary class="menu__toggle">' in header
    assert re.search(r'<span class="menu__current">KPM dampingan</span>', header)
    assert "<script" not in header and "style=" not in header
    assert header.count('aria-current="page"') == 1


def test_empty_experience_reads_not_filled_in(world, client):
    """A partner would read 'Pengalaman -. -' for a woman whose experience was left as dashes."""
    world.household.work_experience = "-"
    world.household.business_experience = " - "
    db.session.commit()
    match = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    page = _html(client.get(f"/matches/{match.id}"))
    assert "-. -" not in page
    assert re.search(r"<dt>Pengalaman</dt>\s*<dd>belum diisi</dd>", page)


def test_exited_household_status_is_not_the_log_out_word(world, client):
    """'Keluar' would mean both log out and a household that left PKH."""
    world.household.status = HouseholdStatus.EXITED
    db.session.commit()
    log_in(client, world.facilitator)
    page = _html(client.get(f"/households/{world.household.id}"))
    assert "Berhenti dari PKH" in page
    assert page.count(">Keluar<") == 1  # the log-out button only
    assert "Berhenti dari PKH" in _html(client.get("/households/"))
