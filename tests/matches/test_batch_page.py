"""The batch preview a coordinator can read and trim: plain totals, names to tell women apart, ticks, pages."""

from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.households.nik import mask_nik
from matchmaker.matches.views import BATCH_PAGE_SIZE
from matchmaker.models import Match, Role
from tests.conftest import CIBUNGBULANG, make_household, make_organization
from tests.matches.factories import SEWER, make_offer


def _html(response) -> str:
    return response.get_data(as_text=True)


def _hidden(html: str, name: str) -> str:
    return html.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def _confirm_data(html: str) -> dict[str, object]:
    form = html[html.index('class="batch-form"'):]
    return {"kecamatan": CIBUNGBULANG, "fingerprint": _hidden(form, "fingerprint"), "page": _hidden(form, "page"),
            "job": _hidden(form, "job"), "submission_token": _hidden(form, "submission_token")}


def _preview(client, url: str = f"/matches/batch?kecamatan={CIBUNGBULANG}") -> str:
    """The preview page, through the plan's job (run in-process by the tests' queue)."""
    return _html(client.get(url, follow_redirects=True))


def _pairs(html: str) -> list[str]:
    return re.findall(r'name="pair" value="([0-9:]+)"', html)


def _world(households: int = 3, places: int = 2):
    offer = make_offer(make_organization(name="Konveksi Bu Ade"), places=places)
    women = [make_household(None, full_name=f"Euis Kurniasih {n}", **SEWER) for n in range(households)]
    return offer, women


def test_preview_states_the_result_in_plain_words_and_tells_women_apart(app, client, login_as):
    """The coordinator would read "total fit 1.6" and first names only, and could not tell two Euis apart."""
    _offer, women = _world()
    login_as(Role.COORDINATOR)
    html = _preview(client)
    assert "2 ibu mendapat usulan" in html and "dari 3 KPM yang belum punya pencocokan" in html
    assert "2 dari 2 tempat kosong" in html and "1 ibu tidak mendapat usulan" in html
    assert "total kecocokan" not in html
    proposed = [w for w in women if any(p.startswith(f"{w.id}:") for p in _pairs(html))]
    assert len(proposed) == 2
    for woman in proposed:
        assert woman.full_name in html and mask_nik(woman.nik) in html and woman.nik not in html
    assert "Sukamaju" in html


def test_confirming_creates_only_the_ticked_proposals(app, client, login_as):
    """Unticking a proposal would not keep it out: every previewed proposal would still be created."""
    _world()
    login_as(Role.COORDINATOR)
    html = _preview(client)
    kept, dropped = _pairs(html)
    response = client.post("/matches/batch", data={**_confirm_data(html), "pair": [kept, "999999:1"]})
    assert response.status_code == 302
    created = [(m.household_id, m.offer_id) for m in db.session.query(Match)]
    assert created == [tuple(int(part) for part in kept.split(":"))]
    assert "1 usulan dibuat" in _html(client.get(response.headers["Location"], follow_redirects=True))


def test_confirming_with_nothing_ticked_writes_nothing_and_says_so(app, client, login_as):
    """An empty confirmation would silently create everything, or nothing without a word."""
    _world()
    login_as(Role.COORDINATOR)
    html = _preview(client)
    response = client.post("/matches/batch", data=_confirm_data(html), follow_redirects=True)
    assert response.status_code == 200 and "Tidak ada usulan yang dicentang" in _html(response)
    assert db.session.query(Match).count() == 0


def test_ticked_proposals_of_a_stale_preview_are_not_written(app, client, login_as):
    """A tick on a preview that changed meanwhile would write proposals the coordinator never saw."""
    offer, _women = _world()
    login_as(Role.COORDINATOR)
    html = _preview(client)
    offer.places = 1
    db.session.commit()
    response = client.post("/matches/batch", data={**_confirm_data(html), "pair": _pairs(html)}, follow_redirects=True)
    assert response.status_code == 200 and "berubah sejak pratinjau" in _html(response)
    assert db.session.query(Match).count() == 0
    assert len(_pairs(_html(response))) == 1  # the new preview, to confirm again


def test_a_long_preview_is_paged_with_the_button_above_and_below(app, client, login_as):
    """A preview of hundreds of women would be one page with its only button at the very bottom."""
    _world(households=BATCH_PAGE_SIZE + 5, places=BATCH_PAGE_SIZE + 5)
    login_as(Role.COORDINATOR)
    first = _preview(client)
    assert len(_pairs(first)) == BATCH_PAGE_SIZE
    assert first.count("Buat usulan yang dicentang") == 2
    assert first.index("Buat usulan yang dicentang") < first.index('name="pair"')
    assert f"{BATCH_PAGE_SIZE + 5} ibu mendapat usulan" in first and 'rel="next"' in first
    plan_job = _hidden(first[first.index('class="batch-form"'):], "job")
    second = _preview(client, f"/matches/batch?kecamatan={CIBUNGBULANG}&job={plan_job}&page=2")
    assert len(_pairs(second)) == 5 and not set(_pairs(second)) & set(_pairs(first))
    response = client.post("/matches/batch", data={**_confirm_data(second), "pair": _pairs(second)})
    assert response.status_code == 302 and db.session.query(Match).count() == 5


def test_two_women_with_the_same_nik_ending_are_told_apart_by_birth_date(app, client, login_as):
    """Two women whose NIKs both end in 0001 would look the same in the preview the coordinator confirms."""
    import datetime as dt

    from matchmaker.extensions import db

    _offer, women = _world(households=2, places=2)
    women[0].birth_date, women[1].birth_date = dt.date(1985, 3, 12), dt.date(1991, 7, 4)
    db.session.commit()
    login_as(Role.COORDINATOR)
    html = _preview(client)
    assert "lahir 12 Mar 1985" in html and "lahir 4 Jul 1991" in html
