"""The installable shell and the offline registry (issue 17): manifest, service worker, what is kept."""

from __future__ import annotations

import datetime as dt
import json
import re

from matchmaker.extensions import db
from matchmaker.models import GraduationCheckin, GraduationRecord, Match, MatchStatus, Role
from matchmaker.offline import OFFLINE_PAGES, OfflinePage, mask_long_numbers, offline_urls, slim_html
from tests.conftest import PASSWORD, log_in, make_household, make_organization, make_user
from tests.matches.factories import make_offer

COPY = {"Mg-Offline-Copy": "1"}


def test_manifest_makes_the_app_installable(client):
    """Android offers "Add to home screen" with the app's name, icons and colour, opening full-screen."""
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Mitra Graduasi"
    assert manifest["short_name"] == "Graduasi"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/home"
    assert manifest["theme_color"] == "#0b6e4f"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
        width = int.from_bytes(image.data[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]


def test_theme_colour_is_the_stylesheets_brand_colour(app):
    """The phone's status bar takes the same green as the app's top bar."""
    css = (app.static_folder and open(f"{app.static_folder}/app.css", encoding="utf-8").read()) or ""
    assert re.search(r"--brand:\s*#0b6e4f", css)


def test_every_page_links_the_manifest_and_the_offline_script(client):
    """Each page lets the phone install the app and start the service worker, without inline script."""
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert re.search(r'<script src="/static/offline\.[0-9a-f]{12}\.js" defer></script>', html)


def test_service_worker_is_served_at_the_root(client):
    """The service worker's scope is the whole site, under the app's strict CSP."""
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    # POSTs are never cached or answered by the worker: the outbox queues them itself.
    assert 'if (request.method !== "GET") return;' in body


def test_registry_lists_only_her_own_pages(app):
    """A facilitator's phone keeps her caseload, her households' pages, open matches, offers, check-ins."""
    her = make_user(Role.FACILITATOR)
    other = make_user(Role.FACILITATOR)
    mine = make_household(her)
    theirs = make_household(other)
    offer = make_offer(make_organization())
    open_match = Match(household_id=mine.id, offer_id=offer.id, status=MatchStatus.PROPOSED)
    other_offer = make_offer(make_organization())
    closed = Match(household_id=mine.id, offer_id=other_offer.id, status=MatchStatus.DROPPED)
    their_match = Match(household_id=theirs.id, offer_id=offer.id, status=MatchStatus.PROPOSED)
    db.session.add_all([open_match, closed, their_match])
    db.session.commit()
    with app.test_request_context():
        urls = offline_urls(her)
    assert urls[:2] == ["/home", "/households/"]
    assert f"/households/{mine.id}" in urls and f"/households/{mine.id}/edit" in urls
    assert f"/matches/{open_match.id}" in urls
    assert f"/partners/offers/{offer.id}" in urls
    assert "/graduation/checkins" in urls and "/offline/unavailable" in urls
    assert f"/households/{theirs.id}" not in urls
    assert f"/matches/{closed.id}" not in urls and f"/matches/{their_match.id}" not in urls
    assert f"/partners/offers/{other_offer.id}" not in urls


def test_registry_keeps_open_checkins_and_every_caseload_page(app):
    """A graduated woman's open check-in form is kept, and each page of a long caseload list."""
    her = make_user(Role.FACILITATOR)
    app.config["PER_PAGE"] = 2
    households = [make_household(her) for _ in range(5)]
    today = dt.date.today()
    record = GraduationRecord(household_id=households[0].id, graduation_type="mandiri", graduated_on=today,
                              submitted_by_id=her.id)
    db.session.add(record)
    db.session.flush()
    due = GraduationCheckin(household_id=households[0].id, record_id=record.id, months_after=3, due_on=today)
    db.session.add(due)
    db.session.commit()
    with app.test_request_context():
        urls = offline_urls(her)
    assert [url for url in urls if url.startswith("/households/?")] == ["/households/?page=2", "/households/?page=3"]
    assert f"/graduation/checkins/{due.id}" in urls


def test_registry_gives_other_roles_nothing(app):
    """A coordinator or a partner keeps no household on the phone."""
    make_household(make_user(Role.FACILITATOR))
    with app.test_request_context():
        for role in (Role.COORDINATOR, Role.ADMIN, Role.BUSINESS):
            user = make_user(role, organization=make_organization() if role == Role.BUSINESS else None)
            assert offline_urls(user) == []


def test_registry_can_be_extended(app):
    """The lead can add a page (a home-visit form) for each household by appending to the registry."""
    her = make_user(Role.FACILITATOR)
    household = make_household(her)
    extra = [*OFFLINE_PAGES, OfflinePage("graduation.readiness", "household", "household_id")]
    with app.test_request_context():
        urls = offline_urls(her, extra)
    assert f"/graduation/households/{household.id}/readiness" in urls


def test_registry_refuses_an_unknown_kind(app):
    """A mistyped ``per`` fails loudly instead of keeping nothing."""
    her = make_user(Role.FACILITATOR)
    with app.test_request_context():
        try:
            offline_urls(her, [OfflinePage("main.home", "housholds")])
        except KeyError as error:
            assert "housholds" in str(error)
        else:
            raise AssertionError("an unknown kind was accepted")


def test_pages_json_lists_her_pages_with_a_session_marker(app, client):
    """The service worker learns what to keep, for whom, and for how many days."""
    her = make_user(Role.FACILITATOR)
    household = make_household(her)
    log_in(client, her)
    data = client.get("/offline/pages.json").get_json()
    assert data["user"] == her.id and data["max_days"] == 14
    assert f"/households/{household.id}" in data["pages"]
    assert any(re.fullmatch(r"/static/app\.[0-9a-f]{12}\.css", url) for url in data["static"])
    assert re.fullmatch(r"[0-9a-f]{16}", data["session"])
    html = client.get("/home").get_data(as_text=True)
    assert f'data-user="{her.id}" ' in html and f'data-session="{data["session"]}"' in html
    assert 'data-offline="pages"' in html


def test_session_marker_changes_at_each_login(app, client):
    """A new login is noticed by the phone (it refreshes the kept pages) without exposing the cookie."""
    her = make_user(Role.FACILITATOR)
    log_in(client, her)
    first = client.get("/offline/pages.json").get_json()["session"]
    client.post("/auth/logout")
    log_in(client, her, PASSWORD)
    assert client.get("/offline/pages.json").get_json()["session"] != first


def test_offline_copy_never_carries_a_full_nik(app, client):
    """The copy kept on her phone shows the NIK and No. KK masked, and is not an audited viewing."""
    her = make_user(Role.FACILITATOR)
    household = make_household(her, kk_number="3201160101900001", phone="+6281234567890")
    log_in(client, her)
    online = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert household.nik in online
    for url in (f"/households/{household.id}", f"/households/{household.id}/edit", "/households/"):
        kept = client.get(url, headers=COPY).get_data(as_text=True)
        assert household.nik not in kept and "3201160101900001" not in kept
        assert household.nik[-4:] in kept or url == f"/households/{household.id}/edit"
    kept = client.get(f"/households/{household.id}", headers=COPY).get_data(as_text=True)
    assert "+6281234567890" not in kept
    from matchmaker.models import AuditEvent

    shown = db.session.query(AuditEvent).filter_by(action="household.nik_shown").count()
    assert shown == 1  # the online viewing only


def test_mask_long_numbers_hides_sixteen_digits_only():
    """Sixteen-digit numbers lose all but four digits; shorter and longer numbers are left alone."""
    assert mask_long_numbers("NIK 3201164502900001.") == "NIK ••••••••••••0001."
    assert mask_long_numbers("Rp 5000000 · 32011645029000012") == "Rp 5000000 · 32011645029000012"


def test_logout_asks_the_browser_to_clear_the_phone(app, client):
    """After logging out nothing of hers stays on the phone: Clear-Site-Data plus the login page's marker."""
    her = make_user(Role.FACILITATOR)
    log_in(client, her)
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'data-mg-clear="1"' in html
    # Once only: the next visit does not clear again.
    assert 'data-mg-clear="1"' not in client.get("/auth/login").get_data(as_text=True)


def test_offline_days_are_configurable(app, client):
    """OFFLINE_MAX_DAYS reaches the phone, which enforces it even without signal."""
    app.config["OFFLINE_MAX_DAYS"] = 3
    her = make_user(Role.FACILITATOR)
    log_in(client, her)
    assert client.get("/offline/pages.json").get_json()["max_days"] == 3
    assert 'data-offline-days="3"' in client.get("/home").get_data(as_text=True)


def test_other_roles_get_no_offline_pages(app, client):
    """A coordinator's phone keeps no households: the list is empty and the page says so."""
    coordinator = make_user(Role.COORDINATOR)
    make_household(make_user(Role.FACILITATOR))
    log_in(client, coordinator)
    data = client.get("/offline/pages.json").get_json()
    assert data["pages"] == [] and data["static"] == []
    assert 'data-offline="none"' in client.get("/home").get_data(as_text=True)


def test_slim_html_keeps_her_words_exactly():
    """Indentation goes from kept pages, but the text she typed in a form keeps every space and line."""
    html = "<div>\n    <p>Siti</p>\n\n    <textarea>\n  jahit\n    kue</textarea>\n  <pre>a\n   b</pre>\n</div>"
    assert slim_html(html) == "<div>\n<p>Siti</p>\n<textarea>\n  jahit\n    kue</textarea>\n<pre>a\n   b</pre>\n</div>"


def test_form_sent_from_a_kept_copy_keeps_the_nik(app, client):
    """Saving the profile form of a kept copy (masked NIK) once the signal is back kept her real NIK."""
    from matchmaker.households.nik import mask_nik
    from matchmaker.reference.skills import load_skills

    load_skills(db.session)
    db.session.commit()
    her = make_user(Role.FACILITATOR)
    household = make_household(her, full_name="Siti Aminah", kk_number="3201160101900001", interests="jahit")
    nik = household.nik
    household.birth_date = dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
    db.session.commit()
    log_in(client, her)
    kept = client.get(f"/households/{household.id}/edit", headers=COPY).get_data(as_text=True)
    assert f'value="{mask_nik(nik)}"' in kept
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', kept))
    fields.update({"nik": mask_nik(nik), "kk_number": mask_nik("3201160101900001"), "interests": "jahit dan kue",
                   "desa_code": household.desa_code, "desa": "Sukamaju", "work_preference": "any",
                   "travel_range": "desa", "full_name": household.full_name, "submit": "1",
                   "birth_date": household.birth_date.isoformat()})
    response = client.post(f"/households/{household.id}/edit", data=fields)
    assert response.status_code == 302
    db.session.refresh(household)
    assert household.nik == nik and household.kk_number == "3201160101900001"
    assert household.interests == "jahit dan kue"
