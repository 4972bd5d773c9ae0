"""The admin retrains the ranker from the jobs page, through the queue, once per press."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.tasks.models import Job, JobStatus


def _button_fields(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form method="post" action="([^"]*/admin/jobs/train-ranker)"', html).group(1)
    fields = dict(re.findall(r'<input id="(csrf_token|submission_token)" name="\1" type="hidden" value="([^"]*)"',
                             html))
    return action, fields


def test_retrain_button_queues_one_training_job_per_press(client, login_as):
    """After a district joined, the admin had to wait a week for the ranker to learn, or a double tap trained twice."""
    login_as(Role.ADMIN)
    action, fields = _button_fields(client.get("/admin/jobs").get_data(as_text=True))
    assert fields["submission_token"]
    first, second = client.post(action, data=fields), client.post(action, data=fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    jobs = list(db.session.scalars(select(Job).where(Job.name == "ranker.train")))
    assert len(jobs) == 1 and jobs[0].status == JobStatus.DONE
    assert first.headers["Location"].endswith(f"/jobs/{jobs[0].id}")
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "ranker.train" in page or "peringkat" in page.lower()


def test_only_the_admin_may_retrain_the_ranker(app, client, login_as):
    """A facilitator could make the server retrain the ranker whenever she liked."""
    login_as(Role.FACILITATOR)
    assert client.post("/admin/jobs/train-ranker", data={}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
