"""The admin finds the jobs page in her menu, and its times are on the app's clock like every other date."""

from __future__ import annotations

import datetime as dt

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.tasks.models import Job, JobStatus


def test_the_admin_menu_links_the_jobs_page_and_no_one_elses_does(app, client, login_as):
    """The admin could not find failed jobs without typing /admin/jobs, or other roles would see a dead link."""
    login_as(Role.ADMIN)
    home = client.get("/home").get_data(as_text=True)
    assert 'href="/admin/jobs"' in home and "Pekerjaan latar belakang" in home
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'href="/admin/jobs" aria-current="page"' in page or 'aria-current="page" href="/admin/jobs"' in page
    other = app.test_client()
    from tests.conftest import log_in, make_user

    for role in (Role.COORDINATOR, Role.FACILITATOR):
        log_in(other, make_user(role))
        assert 'href="/admin/jobs"' not in other.get("/home").get_data(as_text=True), role


def test_job_times_are_shown_in_jakarta_time_not_utc(app, client, login_as):
    """The admin would read a failure's time seven hours off, in another format than every other date."""
    login_as(Role.ADMIN)
    db.session.add(Job(key="x:1", name="households.export", status=JobStatus.FAILED, error="OSError: disk full",
                       created_at=dt.datetime(2026, 12, 3, 20, 30)))
    db.session.commit()
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "4 Des 2026 03.30" in page and "2026-12-03 20:30" not in page
