"""A facilitator reads her caseload without signal (issue 17): kept pages, indicator, privacy, clearing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Match, MatchStatus, Role
from matchmaker.reference.skills import load_skills
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import make_offer

FILLED = "() => !!document.getElementById('mg-offline').dataset.refreshedAt"
MG_NAMES = """async () => {
  const caches_ = (await caches.keys()).filter((name) => name.startsWith('mg-'));
  const dbs = (await indexedDB.databases()).map((db) => db.name).filter((name) => name.startsWith('mg-'));
  return {caches: caches_, dbs: dbs};
}"""
KEPT_URLS = """async (user) => {
  const hit = await caches.match('/__mg/meta', {cacheName: 'mg-meta-' + user});
  return Object.keys((await hit.json()).index);
}"""
# Every entry of her pages cache (bundles of pages, static files), decompressed.
KEPT_TEXTS = """async (user) => {
  const cache = await caches.open('mg-pages-' + user);
  const texts = [];
  for (const request of await cache.keys()) {
    const hit = await cache.match(request);
    const body = hit.headers.get('Mg-Gzip') ? hit.body.pipeThrough(new DecompressionStream('gzip')) : hit.body;
    texts.push(await new Response(body).text());
  }
  return texts;
}"""
KEPT_PAGE = """async ([user, url]) => {
  const meta = await (await caches.match('/__mg/meta', {cacheName: 'mg-meta-' + user})).json();
  const hit = await caches.match(meta.index[url], {cacheName: 'mg-pages-' + user});
  const body = hit.headers.get('Mg-Gzip') ? hit.body.pipeThrough(new DecompressionStream('gzip')) : hit.body;
  return JSON.parse(await new Response(body).text())[url].html;
}"""
NEW_OUTBOX = """(name) => new Promise((resolve) => {
  const request = indexedDB.open(name, 1);
  request.onupgradeneeded = () => request.result.createObjectStore('actions');
  request.onsuccess = () => { request.result.close(); resolve(true); };
})"""


def _seed(app) -> dict:
    """Bu Ani with three households (one with an open match), Bu Budi with one of her own."""
    with app.app_context():
        load_skills(db.session)
        db.session.commit()
        ani = make_user(Role.FACILITATOR, name="Bu Ani")
        budi = make_user(Role.FACILITATOR, name="Bu Budi")
        households = [make_household(ani, full_name=name, kk_number="3201160101900001")
                      for name in ("Siti Aminah", "Imas Masitoh", "Entin Suryani")]
        theirs = make_household(budi, full_name="Euis Komariah")
        offer = make_offer(make_organization(name="Konveksi Berkah"))
        match = Match(household_id=households[0].id, offer_id=offer.id, status=MatchStatus.PROPOSED)
        db.session.add(match)
        db.session.commit()
        seeded = {
            "ani": ani.email, "ani_id": ani.id, "budi": budi.email, "budi_id": budi.id,
            "households": [(h.id, h.full_name, h.nik) for h in households],
            "theirs": (theirs.id, theirs.full_name), "match": match.id, "offer": offer.id,
        }
        db.session.remove()
    return seeded


def _wait_until_kept(page) -> None:
    page.wait_for_function(FILLED, timeout=30_000)


def test_facilitator_reads_her_households_offline(live_server, new_page):
    """Without signal she could not open her caseload or a household, or could not tell it was a kept copy."""
    seeded = _seed(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, seeded["ani"])
    expect(page.locator("#mg-offline-state")).to_have_text("Online")
    _wait_until_kept(page)
    expect(page.locator("#mg-offline-when")).to_contain_text("Data offline diperbarui")
    user = str(seeded["ani_id"])
    kept = page.evaluate(KEPT_URLS, user)
    first_id, first_name, first_nik = seeded["households"][0]
    for household_id, _name, _nik in seeded["households"]:
        assert f"{base}/households/{household_id}" in kept
        assert f"{base}/households/{household_id}/edit" in kept
    assert f"{base}/matches/{seeded['match']}" in kept and f"{base}/partners/offers/{seeded['offer']}" in kept
    # Another facilitator's household is never kept, even after trying to open it.
    assert page.goto(f"{base}/households/{seeded['theirs'][0]}").status == 404
    kept = page.evaluate(KEPT_URLS, user)
    assert not any(f"/households/{seeded['theirs'][0]}" in url for url in kept)
    everything = "".join(page.evaluate(KEPT_TEXTS, user))
    assert seeded["theirs"][1] not in everything and first_name in everything
    # The kept HTML carries the masked NIK and No. KK only.
    for _id, _name, nik in seeded["households"]:
        assert nik not in everything and nik[-4:] in everything
    assert "3201160101900001" not in everything
    for url in (f"{base}/households/{first_id}", f"{base}/households/{first_id}/edit", f"{base}/households/"):
        html = page.evaluate(KEPT_PAGE, [user, url])
        assert first_name in html and first_nik not in html

    page.context.set_offline(True)
    page.goto(f"{base}/households/")
    expect(page.locator("#mg-offline-state")).to_have_text("Offline: tidak ada sinyal")
    expect(page.locator("#mg-offline-banner")).to_contain_text("salinan yang tersimpan di ponsel")
    page.get_by_role("link", name=first_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_name)
    expect(page.locator("#next-step")).to_be_visible()
    expect(page.get_by_text(first_nik[-4:], exact=False).first).to_be_visible()
    assert first_nik not in page.content()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text(first_name)
    expect(page.locator("#mg-offline-banner")).to_be_visible()
    screenshot(page, "offline-household")
    page.goto(f"{base}/matches/{seeded['match']}")
    expect(page.get_by_text("Konveksi Berkah").first).to_be_visible()
    # A page the phone does not keep says so plainly.
    page.goto(f"{base}/partners/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak tersimpan di ponsel ini")
    page.context.set_offline(False)
    page.goto(f"{base}/home")
    expect(page.locator("#mg-offline-state")).to_have_text("Online")
    expect(page.locator("#mg-offline-banner")).to_be_hidden()


def test_second_facilitator_on_the_same_phone_never_sees_the_first_ones_pages(live_server, new_page):
    """A shared phone showed one facilitator's households to the next one who signed in."""
    seeded = _seed(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, seeded["ani"])
    _wait_until_kept(page)
    # Her session ends without a logout (cookie gone); Bu Budi signs in on the same browser profile.
    page.context.clear_cookies()
    log_in_page(page, base, seeded["budi"])
    _wait_until_kept(page)
    names = page.evaluate(MG_NAMES)["caches"]
    assert f"mg-pages-{seeded['budi_id']}" in names
    assert not any(name.endswith(f"-{seeded['ani_id']}") for name in names)
    page.context.set_offline(True)
    first_id, first_name, _nik = seeded["households"][0]
    page.goto(f"{base}/households/{first_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tidak tersimpan di ponsel ini")
    assert first_name not in page.content()
    page.goto(f"{base}/households/")
    expect(page.get_by_role("link", name=seeded["theirs"][1])).to_be_visible()
    assert first_name not in page.content()
    page.context.set_offline(False)


def test_logout_clears_cache_storage_and_indexeddb(live_server, new_page):
    """After logging out, her households (and any queued action) stayed readable on the phone."""
    seeded = _seed(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, seeded["ani"])
    _wait_until_kept(page)
    page.evaluate(NEW_OUTBOX, f"mg-outbox-{seeded['ani_id']}")
    page.evaluate("() => localStorage.setItem('mg-last-" + str(seeded["ani_id"]) + "', '1')")
    before = page.evaluate(MG_NAMES)
    assert f"mg-pages-{seeded['ani_id']}" in before["caches"] and before["dbs"] == [f"mg-outbox-{seeded['ani_id']}"]
    page.locator("summary.menu__toggle").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    page.wait_for_function("() => document.body.dataset.mgCleared === '1'")
    after = page.evaluate(MG_NAMES)
    assert after == {"caches": [], "dbs": []}
    assert page.evaluate("() => Object.keys(localStorage).filter((key) => key.startsWith('mg-'))") == []
    # Without signal the phone has nothing of hers to show: not even the service worker is left.
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(f"{base}/households/{seeded['households'][0][0]}")
    page.context.set_offline(False)


def test_kept_pages_expire_after_the_allowed_days_even_without_signal(live_server, new_page):
    """A phone left unused for weeks still showed her households to whoever picked it up."""
    seeded = _seed(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, seeded["ani"])
    _wait_until_kept(page)
    # Pretend she was last signed in online fifteen days ago.
    page.evaluate("""async (user) => {
      const cache = await caches.open('mg-meta-' + user);
      const meta = await (await cache.match('/__mg/meta')).json();
      meta.seenAt = Date.now() - 15 * 24 * 3600 * 1000;
      const headers = {'Content-Type': 'application/json'};
      await cache.put('/__mg/meta', new Response(JSON.stringify(meta), {headers: headers}));
    }""", str(seeded["ani_id"]))
    page.context.set_offline(True)
    page.goto(f"{base}/households/{seeded['households'][0][0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offline")
    assert page.evaluate(MG_NAMES)["caches"] == []
    page.context.set_offline(False)
