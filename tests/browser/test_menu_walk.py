"""Every role's menu pages at phone width: each goes through the page checks of conftest."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import OrgKind, Role
from tests.browser.conftest import log_in_page
from tests.conftest import make_organization, make_user


@pytest.mark.parametrize("role", Role.ALL)
def test_every_menu_page_is_accessible_and_fits_a_phone(live_server, new_page, page_audit, role):
    """A page of the menu would fail a screen reader or scroll sideways on a 360 px phone."""
    with live_server.app.app_context():
        organization = None
        if role in Role.PARTNERS:
            organization = make_organization(OrgKind.BUSINESS if role == Role.BUSINESS else OrgKind.VILLAGE_OFFICE)
        email = make_user(role, organization=organization).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    expect(page.locator("main")).to_be_visible()
    links = page.locator("header nav a[href^='/']").evaluate_all("all => all.map(link => link.getAttribute('href'))")
    assert len(links) >= 3
    for href in links:
        response = page.goto(f"{live_server.url}{href}")
        assert response.status == 200, href
        page_audit.check(page)
    page_audit.finish(page)
    visited = {url.split("/", 3)[-1] for url in page_audit.checked}
    assert {href.lstrip("/") for href in links} <= visited
