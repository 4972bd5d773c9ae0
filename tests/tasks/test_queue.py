"""The queue's reliability: one run per request, retries with back-off, failures shown to the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Role, utcnow
from matchmaker.tasks import jobs, services
from matchmaker.tasks.models import Job, JobStatus
from matchmaker.tasks.queue import huey, retry_delay, run_due, storage_for
from tests.conftest import CIBUNGBULANG, make_user


def test_tests_run_the_queue_in_process(app):
    """The suite would need a worker, or silently leave every job queued."""
    assert huey.immediate


def test_the_queue_is_a_sqlite_file_in_instance_by_default_and_redis_when_set(tmp_path):
    """`make run` would need a Redis server, or production could not move the queue to Redis."""
    from huey.storage import RedisStorage, SqliteStorage

    assert storage_for("", str(tmp_path)) == (SqliteStorage, {"filename": str(tmp_path / "tasks.sqlite3")})
    assert storage_for("redis://queue.internal:6379/2", str(tmp_path)) == (
        RedisStorage, {"url": "redis://queue.internal:6379/2"})
    with pytest.raises(ValueError):
        storage_for("amqp://elsewhere", str(tmp_path))


def test_the_same_request_enqueued_twice_runs_once(app, monkeypatch):
    """A repeated request (a double tap, a retried POST) would write the batch proposals twice."""
    calls = []
    from matchmaker.matches import allocation

    class Plan:
        fingerprint, assignments = "f" * 16, []

    monkeypatch.setattr(allocation, "apply_batch", lambda *a, **k: calls.append(a[1]) or Plan())
    coordinator = make_user(Role.COORDINATOR)
    first = services.queue_batch_apply(coordinator, CIBUNGBULANG, "f" * 16, lang="id", request_key="k" * 24)
    second = services.queue_batch_apply(coordinator, CIBUNGBULANG, "f" * 16, lang="id", request_key="k" * 24)
    assert first.id == second.id
    assert calls == [CIBUNGBULANG]
    assert first.status == JobStatus.DONE and first.result["proposals"] == 0
    # Even when the queue delivers the task again, a finished job is not run again.
    jobs.apply_batch_proposals.task(first.id, coordinator.id, CIBUNGBULANG, "f" * 16, "id")
    assert calls == [CIBUNGBULANG]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_failing_job_is_retried_with_growing_pauses_then_shown_to_the_admin(app, client, login_as, monkeypatch):
    """A passing fault would lose the work at once, or a broken job would fail unseen by anyone."""
    from matchmaker.matches import allocation

    tries = []

    def broken(*args, **kwargs):
        tries.append(utcnow())
        raise RuntimeError("the database went away")

    monkeypatch.setattr(allocation, "apply_batch", broken)
    coordinator = make_user(Role.COORDINATOR)
    job = services.queue_batch_apply(coordinator, CIBUNGBULANG, None, lang="id", request_key="r" * 24)
    assert job.status == JobStatus.RETRYING and job.attempts == 1 and len(tries) == 1
    assert "RuntimeError: the database went away" in job.error
    pauses = []
    now = utcnow()
    while job.status == JobStatus.RETRYING:
        pauses.append(round((job.next_try_at - job.started_at).total_seconds()))
        assert run_due(now) == 0  # not before its time
        now = job.next_try_at + dt.timedelta(seconds=1)
        assert run_due(now) == 1
        db.session.refresh(job)
    assert job.status == JobStatus.FAILED and job.attempts == job.max_attempts == 4 == len(tries)
    base = app.config["TASK_RETRY_SECONDS"]
    assert [retry_delay(n) for n in (1, 2, 3)] == [base, 4 * base, 16 * base]
    assert all(abs(p - d) <= 2 for p, d in zip(pauses, (base, 4 * base, 16 * base), strict=True))
    assert run_due(now + dt.timedelta(days=1)) == 0  # nothing more is tried

    admin = login_as(Role.ADMIN)
    page = client.get("/admin/jobs?status=failed").get_data(as_text=True)
    assert "matches.apply_batch" in page and "RuntimeError: the database went away" in page
    assert "Gagal" in page and "4 / 4" in page
    admin.preferred_language = "en"
    db.session.commit()
    english = client.get("/admin/jobs").get_data(as_text=True)
    assert "Background jobs" in english and "Failed" in english


def test_only_the_admin_opens_the_jobs_page(app, client, login_as):
    """A coordinator or facilitator would read other people's job errors."""
    login_as(Role.COORDINATOR)
    assert client.get("/admin/jobs").status_code == 403


def test_batch_plan_and_training_run_their_services_on_the_queue(app, monkeypatch):
    """The batch page or the ranker's training would run something other than the service they show."""
    from matchmaker.matches import allocation, learning
    from matchmaker.matches.learning import TrainingReport

    class Plan:
        kecamatan_code, fingerprint, assignments = CIBUNGBULANG, "p" * 16, []
        unmatched_households, offers_considered, places_available, total_score = 3, 2, 5, 0.0

    seen = {}

    def plan_batch(code, lang="id"):
        seen["plan"] = (code, lang)
        return Plan

    def train(path, min_decisions=200):
        seen["train"] = (path.name, min_decisions)
        return TrainingReport(n_decisions=7, reason="too_few")

    monkeypatch.setattr(allocation, "plan_batch", plan_batch)
    monkeypatch.setattr(learning, "train", train)
    coordinator = make_user(Role.COORDINATOR)
    plan = services.queue_batch_plan(coordinator, CIBUNGBULANG, lang="en", request_key="p" * 24)
    assert seen["plan"] == (CIBUNGBULANG, "en")
    assert plan.result["fingerprint"] == "p" * 16 and plan.result["unmatched_households"] == 3
    trained = services.queue_ranker_training(coordinator, request_key="t" * 24, min_decisions=50)
    assert seen["train"] == ("ranker-model.pkl", 50)
    assert trained.result == {"decisions": 7, "adopted": False, "reason": "too_few", "rule_accuracy": None,
                              "model_accuracy": None}


def test_a_finished_job_page_shows_its_figures_in_her_language(app, client, login_as):
    """The page would show raw result keys (or nothing) instead of labelled figures."""
    user = login_as(Role.COORDINATOR)
    job = Job(key="matches.plan_batch:z", name="matches.plan_batch", user_id=user.id, status=JobStatus.DONE,
              result={"proposals": 4, "unmatched_households": 9, "fingerprint": "x" * 16, "pairs": []})
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Usulan" in page and "KPM belum punya pencocokan" in page and "fingerprint" not in page
    assert "Refresh" not in client.get(f"/jobs/{job.id}").headers


def test_a_queued_export_is_downloaded_by_its_owner_only(app, client, login_as, tmp_path):
    """A large caseload export would hold the request open, or be readable by another user."""
    from matchmaker.households.services import CaseloadFilters
    from tests.conftest import make_household

    app.config["TASK_EXPORT_DIR"] = str(tmp_path)
    user = login_as(Role.FACILITATOR)
    make_household(user, full_name="Siti Ekspor")
    page = client.get("/households/")
    assert page.status_code == 200
    job = services.queue_caseload_export(user, CaseloadFilters(), request_key="e" * 24)
    assert job.status == JobStatus.DONE and job.result["count"] == 1
    shown = client.get(f"/jobs/{job.id}")
    assert f"/jobs/{job.id}/download" in shown.get_data(as_text=True)
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"PK")
    other = make_user(Role.FACILITATOR)
    from tests.conftest import log_in

    stranger = app.test_client()
    log_in(stranger, other)
    assert stranger.get(f"/jobs/{job.id}/download").status_code == 404
    assert stranger.get(f"/jobs/{job.id}").status_code == 404


def test_batch_proposals_previewed_then_written_through_the_queue(app):
    """Queued batch proposals would write something other than the previewed plan, or write it twice."""
    from matchmaker.matches.allocation import plan_batch
    from matchmaker.models import Match
    from tests.conftest import make_household, make_organization
    from tests.matches.factories import SEWER, make_offer

    offer = make_offer(make_organization(), places=2)
    for _ in range(3):
        make_household(None, **SEWER)
    coordinator = make_user(Role.COORDINATOR)
    preview = services.queue_batch_plan(coordinator, CIBUNGBULANG, lang="id", request_key="plan-1" * 4)
    assert preview.result["fingerprint"] == plan_batch(CIBUNGBULANG).fingerprint
    assert preview.result["proposals"] == 2 and preview.result["unmatched_households"] == 3
    assert all(pair[1] == offer.id and pair[4] for pair in preview.result["pairs"])
    written = services.queue_batch_apply(coordinator, CIBUNGBULANG, preview.result["fingerprint"], lang="id",
                                         request_key="apply-1" * 4)
    assert written.result == {"kecamatan": CIBUNGBULANG, "changed": False,
                              "fingerprint": preview.result["fingerprint"], "proposals": 2}
    assert db.session.query(Match).count() == 2
    # A stale fingerprint writes nothing and says so.
    stale = services.queue_batch_apply(coordinator, CIBUNGBULANG, preview.result["fingerprint"], lang="id",
                                       request_key="apply-2" * 4)
    assert stale.result["changed"] is True and stale.result["proposals"] == 0
    assert db.session.query(Match).count() == 2
