"""Large household imports go through the task queue and end in the same preview as a direct one."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households.cli import bench_workbook
from matchmaker.models import HouseholdImport, Role
from matchmaker.tasks.models import Job, JobStatus

DESA = [("Sukamaju", "Cibungbulang", "Kab. Bogor", "320116")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, content: bytes, token: str | None = None):
    data = {"file": (io.BytesIO(content), "kpm.xlsx", XLSX), "update_existing": "skip"}
    if token:
        data["submission_token"] = token
    return client.post("/households/import", data=data, content_type="multipart/form-data")


def _preview_counts(batch: HouseholdImport) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in batch.preview["rows"]:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def test_a_sheet_over_the_threshold_is_checked_by_the_queue_and_shows_the_same_preview(app, client, login_as):
    """A large upload would hold the request open, or end in a different preview than a small one."""
    login_as(Role.FACILITATOR)
    content = bench_workbook(12, DESA)
    app.config["IMPORT_QUEUE_ROWS"] = 1000
    direct = _upload(client, content)
    assert "/households/import/" in direct.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0

    app.config["IMPORT_QUEUE_ROWS"] = 5
    queued = _upload(client, content, token="a" * 24)
    assert queued.status_code == 302 and "/jobs/" in queued.headers["Location"]
    job = db.session.scalars(select(Job)).one()
    assert job.name == "households.import" and job.status == JobStatus.DONE
    # The job page sends her on to the preview, which is the importer's own page.
    page = client.get(queued.headers["Location"])
    assert page.status_code == 302
    preview = client.get(page.headers["Location"])
    assert preview.status_code == 200
    batches = db.session.scalars(select(HouseholdImport).order_by(HouseholdImport.id)).all()
    assert len(batches) == 2
    assert page.headers["Location"].endswith(f"/households/import/{batches[1].id}")
    assert _preview_counts(batches[0]) == _preview_counts(batches[1])
    assert batches[0].preview["columns"] == batches[1].preview["columns"]
    assert sum(_preview_counts(batches[1]).values()) == 12


def test_the_same_upload_sent_twice_is_checked_once(app, client, login_as):
    """A double tap on a slow connection would check a 10,000-row sheet twice and make two previews."""
    login_as(Role.FACILITATOR)
    app.config["IMPORT_QUEUE_ROWS"] = 5
    content = bench_workbook(8, DESA)
    first = _upload(client, content, token="b" * 24)
    second = _upload(client, content, token="b" * 24)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert db.session.scalar(select(func.count()).select_from(HouseholdImport)) == 1


def test_a_bad_large_file_is_refused_at_once_on_the_upload_form(app, client, login_as):
    """A broken sheet would be queued and fail in the background instead of being explained on the form."""
    login_as(Role.FACILITATOR)
    app.config["IMPORT_QUEUE_ROWS"] = 5
    response = client.post(
        "/households/import",
        data={"file": (io.BytesIO(b"not a workbook"), "kpm.xlsx", XLSX), "update_existing": "skip"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_large_sheet_the_importer_refuses_is_explained_on_the_job_page(app, client, login_as):
    """A refused large sheet would fail silently in the background, retried for nothing."""
    login_as(Role.FACILITATOR)
    app.config["IMPORT_QUEUE_ROWS"] = 5
    lines = ["NIK;Nama Lengkap;Desa/Kelurahan"] + [f"32011645029000{n:02d};Siti {n};Sukamaju" for n in range(10)]
    response = client.post(
        "/households/import",
        data={"file": (io.BytesIO("\n".join(lines).encode()), "kpm.csv", "text/csv"), "update_existing": "skip"},
        content_type="multipart/form-data",
    )
    assert "/jobs/" in response.headers["Location"]
    job = db.session.scalars(select(Job)).one()
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.result["refused"] == "missing_columns"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="error"' in page and "Tanggal Lahir" in page
    assert db.session.scalar(select(func.count()).select_from(HouseholdImport)) == 0


def test_the_job_page_shows_a_progress_bar_that_reloads_without_script(app, client, login_as):
    """A facilitator waiting for her import would see a frozen page, or need JavaScript the CSP forbids."""
    user = login_as(Role.FACILITATOR)
    job = Job(key="households.import:x", name="households.import", user_id=user.id, status=JobStatus.RUNNING,
              progress=2, total=4, stage="checking")
    db.session.add(job)
    db.session.commit()
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 200
    assert response.headers["Refresh"] == "2"
    body = response.get_data(as_text=True)
    assert '<progress id="job-progress" max="100" value="50">' in body
    main = body.split('<main id="content"', 1)[1].split("</main>", 1)[0]
    assert "<script" not in main


def test_only_the_user_who_asked_sees_her_job(app, client, login_as):
    """Another facilitator could follow someone else's import to its preview."""
    from tests.conftest import make_user

    owner = make_user(Role.FACILITATOR)
    job = Job(key="households.import:y", name="households.import", user_id=owner.id, status=JobStatus.QUEUED)
    db.session.add(job)
    db.session.commit()
    login_as(Role.FACILITATOR)
    assert client.get(f"/jobs/{job.id}").status_code == 404
