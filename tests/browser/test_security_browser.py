"""In a real browser: the Content-Security-Policy blocks nothing the pages need, and a double tap saves once."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Offer, Role
from matchmaker.reference.skills import load_skills
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_organization, make_user


def _watch_policy_violations(page) -> list[str]:
    """Collect what the browser refused under the policy (console errors and CSP reports)."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_pages_and_the_desa_picker_work_under_the_policy(live_server, new_page):
    """A blocked script or style would leave the desa picker dead or the pages unstyled on phones."""
    with live_server.app.app_context():
        load_skills(db.session)
        db.session.commit()
        facilitator = make_user(Role.FACILITATOR, name="Bu Ani")
        coordinator = make_user(Role.COORDINATOR)
        emails = facilitator.email, coordinator.email
        db.session.remove()
    page = new_page()
    violations = _watch_policy_violations(page)
    log_in_page(page, live_server.url, emails[0])
    page.goto(f"{live_server.url}/households/new")
    picker = page.get_by_role("combobox", name="Desa/kelurahan")
    picker.press_sequentially("sukamaj")
    page.get_by_role("option", name="Sukamaju").first.wait_for()
    # The stylesheet applied: the primary button is not the browser's default grey.
    colour = page.get_by_role("button", name="Simpan").first.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour not in ("rgb(239, 239, 239)", "rgba(0, 0, 0, 0)")
    other = new_page()
    violations += _watch_policy_violations(other)
    log_in_page(other, live_server.url, emails[1])
    other.goto(f"{live_server.url}/home")
    screenshot(other, "security-coordinator-home")
    assert violations == []


def test_double_click_on_save_publishes_one_offer(live_server, new_page):
    """A double tap on "Simpan" on a slow phone would publish the same opportunity twice."""
    with live_server.app.app_context():
        organization = make_organization(name="Konveksi Bu Lilis")
        email = make_user(Role.BUSINESS, organization=organization).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.goto(f"{live_server.url}/partners/offers/new")
    page.get_by_label("Judul").fill("Penjahit gamis borongan")
    page.get_by_label("Deskripsi").fill("Menjahit gamis di rumah, bahan disediakan.")
    page.get_by_label("Jumlah tempat").fill("3")
    # Two submissions of the same page, as a double tap sends them: the second before the first answers.
    page.evaluate("""() => {
        const form = document.querySelector('main form[method="post"]');
        const data = new FormData(form);
        return Promise.all([1, 2].map(() => fetch(form.action || location.href, {method: 'POST', body: data})));
    }""")
    with live_server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Offer)) == 1
        db.session.remove()
