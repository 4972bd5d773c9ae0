"""``/api/v1/imports`` and ``/api/v1/jobs``: upload, preview, confirm, the queue for large sheets, scoping."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households.cli import bench_workbook
from matchmaker.models import Household, HouseholdImport
from matchmaker.tasks.models import Job
from tests.api.helpers import call, token_for
from tests.conftest import DRAMAGA, make_household, make_user

NIK = "3201164502900201"  # a woman born 5 Feb 1990 in Kec. Cibungbulang


def _csv(reach: str = "naik perahu layang") -> bytes:
    lines = ["NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan,Kecamatan,Jangkauan",
             f"{NIK},Nani Suryani,05/02/1990,Sukamaju,Cibungbulang,{reach}",
             "123,Nani Salah,31/02/1990,Sukamaju,Cibungbulang,"]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, secret, content: bytes, name: str = "kpm.csv", *, language: str | None = None,
            headers: dict[str, str] | None = None, **fields):
    data = {"file": (io.BytesIO(content), name), **fields}
    return call(client, "POST", "/api/v1/imports", secret, language=language, headers=headers, data=data,
                content_type="multipart/form-data")


def test_upload_answers_the_preview_pages_analysis_with_refusals_and_warnings_in_her_language(client):
    """A script would get other figures than the preview page, or refusals without their row and column."""
    secret = token_for(make_user("facilitator"))
    created = _upload(client, secret, _csv())
    assert created.status_code == 201 and created.headers["Location"].endswith(f"/api/v1/imports/{created.json['id']}")
    body = created.get_json()
    assert body["state"] == "previewed" and body["counts"]["new"] == 1 and body["counts"]["error"] == 1
    assert body["columns"]["nik"] == "NIK"
    rows = call(client, "GET", body["rows_url"], secret).get_json()["items"]
    new, refused = rows
    assert new["status"] == "new" and new["name"] == "Nani Suryani" and NIK not in str(rows)
    assert new["warnings"][0]["column"] == "Jangkauan" and "naik perahu layang" in new["warnings"][0]["message"]
    assert refused["row"] == 3 and {p["column"] for p in refused["problems"]} >= {"NIK", "Tanggal Lahir"}
    english = call(client, "GET", body["rows_url"] + "?status=error", secret, language="en").get_json()["items"]
    assert [row["row"] for row in english] == [3]
    assert english[0]["problems"] != refused["problems"]  # the same refusals, in English
    page_one = call(client, "GET", body["rows_url"] + "?limit=1", secret).get_json()
    page_two = call(client, "GET", body["rows_url"] + f"?limit=1&cursor={page_one['next_cursor']}", secret).get_json()
    assert [r["row"] for r in page_one["items"] + page_two["items"]] == [2, 3] and page_two["next_cursor"] is None
    bad = call(client, "GET", body["rows_url"] + "?status=maybe", secret, language="en")
    assert bad.status_code == 422 and "Use one of" in bad.get_json()["errors"]["status"][0]


def test_a_refused_file_gets_the_import_pages_message_in_id_and_en(client):
    """A script sending a wrong file would get a 500 or an unexplained refusal instead of the page's message."""
    secret = token_for(make_user("facilitator"))
    indonesian = _upload(client, secret, b"hello", "kpm.txt")
    english = _upload(client, secret, b"hello", "kpm.txt", language="en")
    assert indonesian.status_code == english.status_code == 422
    assert indonesian.content_type == "application/problem+json"
    assert indonesian.get_json()["errors"]["file"] != english.get_json()["errors"]["file"]
    assert ".xlsx" in english.get_json()["errors"]["file"][0]
    missing = call(client, "POST", "/api/v1/imports", secret, language="en", data={},
                   content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.get_json()["errors"]["file"] == ["This field is required."]
    assert db.session.scalar(select(func.count()).select_from(HouseholdImport)) == 0


def test_confirm_needs_the_current_etag_and_imports_once(client):
    """A confirmation could import a preview the script never read, or import the same sheet twice."""
    facilitator = make_user("facilitator")
    secret = token_for(facilitator)
    created = _upload(client, secret, _csv())
    url = f"/api/v1/imports/{created.get_json()['id']}/confirm"
    assert call(client, "POST", url, secret, json={}).status_code == 428
    assert call(client, "POST", url, secret, json={}, headers={"If-Match": '"stale"'}).status_code == 412
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0
    done = call(client, "POST", url, secret, json={}, headers={"If-Match": created.headers["ETag"]})
    assert done.status_code == 200 and done.get_json()["state"] == "applied"
    assert done.get_json()["result"]["imported"] == 1 and done.get_json()["result"]["errors"] == 1
    assert db.session.scalar(select(Household).where(Household.nik == NIK)).facilitator_id == facilitator.id
    again = call(client, "POST", url, secret, json={}, headers={"If-Match": done.headers["ETag"]}, language="en")
    assert again.status_code == 409 and "already been imported" in again.get_json()["detail"]
    assert db.session.scalar(select(func.count()).select_from(Household)) == 1


def test_confirm_takes_the_preview_pages_per_row_update_choice(client):
    """Her choice to update only some of her households would be ignored, updating all of them or none."""
    facilitator = make_user("facilitator")
    make_household(facilitator, nik=NIK, full_name="Nani Suryani", travel_range="desa")
    secret = token_for(facilitator)
    created = _upload(client, secret, _csv("kecamatan"), update_existing="false")
    rows = call(client, "GET", created.get_json()["rows_url"], secret).get_json()["items"]
    assert rows[0]["status"] == "skip" and rows[0]["updatable"] and "travel_range" in rows[0]["changes"]
    bad = call(client, "POST", f"/api/v1/imports/{created.get_json()['id']}/confirm", secret, language="en",
               json={"update_scope": "some"}, headers={"If-Match": created.headers["ETag"]})
    assert bad.status_code == 422 and bad.get_json()["errors"]["update_scope"] == ["Use all, chosen or null."]
    done = call(client, "POST", f"/api/v1/imports/{created.get_json()['id']}/confirm", secret,
                json={"update_scope": "chosen", "update_rows": [2]}, headers={"If-Match": created.headers["ETag"]})
    assert done.status_code == 200 and done.get_json()["result"]["updated"] == 1
    assert db.session.scalar(select(Household.travel_range).where(Household.nik == NIK)) == "kecamatan"


def test_a_large_upload_goes_through_the_queue_once_and_its_job_leads_to_the_preview(app, client):
    """A large sheet would hold the request open, be checked twice when resent, or its job lead nowhere."""
    app.config["IMPORT_QUEUE_ROWS"] = 5
    facilitator = make_user("facilitator")
    secret = token_for(facilitator)
    content = bench_workbook(12, [("Sukamaju", "Cibungbulang", "Kab. Bogor", "320116")])
    first = _upload(client, secret, content, "kpm.xlsx", headers={"Idempotency-Key": "sheet-1"})
    second = _upload(client, secret, content, "kpm.xlsx", headers={"Idempotency-Key": "sheet-1"})
    assert first.status_code == second.status_code == 202
    assert first.get_json()["id"] == second.get_json()["id"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    job = call(client, "GET", first.headers["Location"], secret).get_json()
    assert job["status"] == "done" and job["progress"] == 100 and job["refusal"] is None
    preview = call(client, "GET", job["result_url"], secret).get_json()
    assert preview["counts"]["all"] == 12
    assert db.session.scalar(select(func.count()).select_from(HouseholdImport)) == 1


def test_a_large_refused_sheet_ends_as_the_jobs_refusal_in_her_language(app, client):
    """A large sheet the importer refuses would end as a failed job without the page's explanation."""
    app.config["IMPORT_QUEUE_ROWS"] = 1
    secret = token_for(make_user("facilitator"))
    content = ("Nama,Alamat\n" + "".join(f"Ibu {n},Kp {n}\n" for n in range(5))).encode()
    queued = _upload(client, secret, content)
    assert queued.status_code == 202
    english = call(client, "GET", queued.headers["Location"], secret, language="en").get_json()
    assert english["status"] == "done" and english["result_url"] is None and english["refusal"]["file"]
    indonesian = call(client, "GET", queued.headers["Location"], secret).get_json()
    assert indonesian["refusal"]["file"] != english["refusal"]["file"]


def test_uploads_and_jobs_are_their_owners_only_and_other_roles_are_refused(app, client):
    """A facilitator could read another's upload (names of her women) or job, or a coordinator import sheets."""
    owner, other = make_user("facilitator"), make_user("facilitator", areas=[DRAMAGA])
    secret, other_secret = token_for(owner), token_for(other)
    batch = _upload(client, secret, _csv("")).get_json()
    app.config["IMPORT_QUEUE_ROWS"] = 1
    job = _upload(client, secret, ("Nama\n" + "Ibu A\nIbu B\nIbu C\n").encode()).get_json()
    for method, url in (("GET", f"/api/v1/imports/{batch['id']}"), ("GET", batch["rows_url"]),
                        ("POST", f"/api/v1/imports/{batch['id']}/confirm"), ("GET", f"/api/v1/jobs/{job['id']}")):
        response = call(client, method, url, other_secret, json={} if method == "POST" else None,
                        headers={"If-Match": '"x"'})
        assert response.status_code == 404, url
        assert "Nani" not in response.get_data(as_text=True)
    coordinator = token_for(make_user("coordinator"))
    assert _upload(client, coordinator, _csv()).status_code == 403
    assert call(client, "GET", f"/api/v1/imports/{batch['id']}", coordinator).status_code == 403
    read_only = token_for(owner, scope="read")
    refused = _upload(client, read_only, _csv())
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"
    assert call(client, "GET", f"/api/v1/imports/{batch['id']}", read_only).status_code == 200
    assert call(client, "GET", "/api/v1/imports/99999999999", secret).status_code == 404
    assert call(client, "GET", "/api/v1/jobs/99999999999", secret).status_code == 404


def test_unknown_api_paths_and_wrong_methods_answer_problem_json_in_the_callers_language(client):
    """A script with a typo in a path would get the HTML 404 page instead of a problem it can read."""
    secret = token_for(make_user("facilitator"))
    missing = call(client, "GET", "/api/v1/housholds", secret, language="en")
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    assert missing.get_json()["title"] == "Not found"
    assert call(client, "GET", "/api/v1/nothing/here", None).get_json()["title"] == "Tidak ditemukan"
    wrong = call(client, "DELETE", "/api/v1/imports", secret, language="en")
    assert wrong.status_code == 405 and wrong.content_type == "application/problem+json"
    assert "POST" in wrong.headers["Allow"] and wrong.get_json()["status"] == 405
    page = client.get("/households/nothing/here")
    assert page.status_code == 404 and page.mimetype == "text/html"
