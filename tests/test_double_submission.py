"""A double tap on a slow phone connection sends a form twice: it must create one record, not two.

The concurrent cases run on a SQLite file (an in-memory database would serialise everything
through one connection and prove nothing) or on the PostgreSQL test database.
"""

from __future__ import annotations

import io
import re
import threading

from flask import Flask
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import FormSubmission, Household, Match, Offer, Role
from matchmaker.reference.skills import load_skills
from tests.conftest import (
    log_in,
    make_household,
    make_organization,
    make_user,
)
from tests.households.test_views import FORM as HOUSEHOLD_FORM
from tests.matches.factories import SEWER, make_offer
from tests.partners.test_views import _offer_form

TOKEN = re.compile(r'name="submission_token" type="hidden" value="([\w-]+)"|name="submission_token" value="([\w-]+)"')


def _token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the form carries no submission token"
    return found.group(1) or found.group(2)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post_together(app: Flask, user, url: str, data: dict, times: int = 2) -> list[tuple[int, str]]:
    """POST the same form ``times`` times at once, each from its own thread, client and connection."""
    db.session.commit()
    clients = []
    for _ in range(times):
        client = app.test_client()
        with app.app_context():
            assert log_in(client, user).status_code == 302
        clients.append(client)
    barrier = threading.Barrier(times)
    results: list[tuple[int, str]] = [(0, "")] * times

    def fire(index: int) -> None:
        with app.app_context():
            barrier.wait()
            response = clients[index].post(url, data=data)
            results[index] = (response.status_code, response.headers.get("Location", ""))
            db.session.remove()

    threads = [threading.Thread(target=fire, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return results


def test_household_form_sent_twice_creates_one_household(app, client):
    """A double tap on "Simpan" would register the same woman twice, or show a NIK error for her own save."""
    load_skills(db.session)
    db.session.commit()
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, facilitator)
    token = _token(client.get("/households/new").get_data(as_text=True))
    first = client.post("/households/new", data=dict(HOUSEHOLD_FORM, submission_token=token))
    second = client.post("/households/new", data=dict(HOUSEHOLD_FORM, submission_token=token))
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(Household) == 1
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "sudah terkirim" in page


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_token(app, client):
    """After a validation error the corrected form would be taken for a repeat and silently dropped."""
    load_skills(db.session)
    db.session.commit()
    other = make_household(make_user(Role.FACILITATOR), nik="3201165203850002")
    log_in(client, make_user(Role.FACILITATOR))
    token = _token(client.get("/households/new").get_data(as_text=True))
    refused = client.post("/households/new", data=dict(HOUSEHOLD_FORM, submission_token=token))
    assert refused.status_code == 200 and _token(refused.get_data(as_text=True)) == token
    corrected = dict(HOUSEHOLD_FORM, nik="3201 1652 0385 0003", submission_token=token)
    assert client.post("/households/new", data=corrected).status_code == 302
    assert _count(Household) == 2 and other.id is not None


def test_each_page_view_gets_a_new_token(app, client):
    """Two households entered one after the other would be taken for one double tap."""
    log_in(client, make_user(Role.FACILITATOR))
    first = _token(client.get("/households/new").get_data(as_text=True))
    second = _token(client.get("/households/new").get_data(as_text=True))
    assert first != second


def test_parallel_offer_submissions_create_one_offer(file_app):
    """Two taps on "Simpan" arriving together would publish the same opportunity twice."""
    owner = make_user(Role.BUSINESS, organization=make_organization())
    data = dict(_offer_form(), submission_token="double-tap-token-0001")
    results = _post_together(file_app, owner, "/partners/offers/new", data)
    assert [status for status, _ in results] == [302, 302], results
    offers = db.session.scalars(select(Offer)).all()
    assert len(offers) == 1
    assert {location for _, location in results} <= {f"/partners/offers/{offers[0].id}", "/partners/offers"}
    assert _count(FormSubmission) == 1


def test_parallel_proposals_create_one_match(file_app):
    """Two taps on "Usulkan" arriving together would propose the same job to her twice."""
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, **SEWER)
    offer = make_offer(make_organization())
    data = {"target": str(offer.id), "position": "1", "score": "0.9", "submission_token": "double-tap-token-0002"}
    results = _post_together(file_app, facilitator, f"/matches/households/{household.id}/propose", data)
    assert [status for status, _ in results] == [302, 302], results
    assert _count(Match) == 1


def test_households_without_a_token_are_still_saved(app, client):
    """A form from a page cached before this change (no token) would be refused."""
    load_skills(db.session)
    db.session.commit()
    log_in(client, make_user(Role.FACILITATOR))
    assert client.post("/households/new", data=HOUSEHOLD_FORM).status_code == 302
    assert _count(Household) == 1


def test_import_confirmed_twice_in_parallel_imports_once(file_app):
    """Two taps on "Impor" would try to add the same rows twice and show an error page."""
    from matchmaker.households.cli import bench_workbook

    facilitator = make_user(Role.FACILITATOR)
    client = file_app.test_client()
    log_in(client, facilitator)
    workbook = bench_workbook(40, [("Sukamaju", "Cibungbulang", "Kab. Bogor", "320116")])
    upload = client.post(
        "/households/import", data={"file": (io.BytesIO(workbook), "kpm.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302, upload.get_data(as_text=True)[:500]
    confirm_url = upload.headers["Location"] + "/confirm"
    results = _post_together(file_app, facilitator, confirm_url, {})
    assert [status for status, _ in results] == [302, 302], results
    assert _count(Household) == 40
