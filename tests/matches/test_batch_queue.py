"""The batch proposals page plans and writes through the task queue: progress, result, never twice."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Match, Role
from matchmaker.tasks.models import Job, JobStatus
from tests.conftest import CIBUNGBULANG, DRAMAGA, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

TOKEN = "b" * 24


def _world(households: int = 3, places: int = 2) -> None:
    make_offer(make_organization(name="Konveksi Bu Ade"), places=places)
    for n in range(households):
        make_household(None, full_name=f"Euis Kurniasih {n}", **SEWER)


def _jobs(name: str) -> list[Job]:
    return list(db.session.scalars(select(Job).where(Job.name == name).order_by(Job.id)))


def _hidden(html: str, name: str) -> str:
    form = html[html.index('class="batch-form"'):]
    return form.split(f'name="{name}" type="hidden" value="')[1].split('"')[0]


def test_choosing_a_kecamatan_plans_on_the_queue_and_a_reload_asks_once(app, client, login_as):
    """The plan would be computed inside the request again, or every reload would queue another plan."""
    _world()
    login_as(Role.COORDINATOR)
    url = f"/matches/batch?kecamatan={CIBUNGBULANG}&submission_token={TOKEN}"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    [job] = _jobs("matches.plan_batch")
    assert job.status == JobStatus.DONE and f"job={job.id}" in first.headers["Location"]
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "2 ibu mendapat usulan" in html and len(re.findall(r'name="pair"', html)) == 2
    assert "Euis Kurniasih" in html


def test_while_the_plan_runs_the_page_shows_its_progress_bar_and_reloads(app, client, login_as):
    """The coordinator would see an empty page, or a page that never moves, while the worker plans."""
    coordinator = login_as(Role.COORDINATOR)
    job = Job(key="matches.plan_batch:waiting", name="matches.plan_batch", user_id=coordinator.id,
              status=JobStatus.RUNNING, progress=1, total=4)
    db.session.add(job)
    db.session.commit()
    response = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}&job={job.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Refresh"] == "2"
    assert '<progress id="job-progress" max="100" value="25">' in html and "Menyusun usulan" in html
    job.status, job.attempts = JobStatus.FAILED, 4
    db.session.commit()
    failed = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}&job={job.id}")
    assert "Refresh" not in failed.headers and "gagal setelah 4 kali" in failed.get_data(as_text=True)


def test_confirming_twice_writes_through_the_queue_once_and_shows_the_new_preview(app, client, login_as):
    """A double tap on "create" would queue the writing twice, or the coordinator would not learn what was made."""
    _world()
    login_as(Role.COORDINATOR)
    html = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}", follow_redirects=True).get_data(as_text=True)
    pairs = re.findall(r'name="pair" value="([0-9:]+)"', html)
    data = {"kecamatan": CIBUNGBULANG, "fingerprint": _hidden(html, "fingerprint"), "page": "1",
            "job": _hidden(html, "job"), "submission_token": _hidden(html, "submission_token"), "pair": pairs}
    first = client.post("/matches/batch", data=data)
    second = client.post("/matches/batch", data=data)
    assert first.headers["Location"] == second.headers["Location"] and "applied=" in first.headers["Location"]
    assert len(_jobs("matches.apply_batch")) == 1
    assert db.session.scalar(select(func.count()).select_from(Match)) == 2
    result = client.get(first.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "2 usulan dibuat" in result
    # The new preview: the offer's two places are taken, so nobody else gets a proposal.
    assert 'id="preview-title"' in result and 'name="pair"' not in result
    # Reading the result again asks for no further plan.
    plans = len(_jobs("matches.plan_batch"))
    client.get(first.headers["Location"])
    assert len(_jobs("matches.plan_batch")) == plans


def test_another_coordinators_plan_or_a_plan_outside_her_area_is_not_found(app, client, login_as):
    """A coordinator could read another's plan (names of women outside her area) by changing the job number."""
    _world()
    other = make_user("coordinator")
    me = login_as(Role.COORDINATOR, areas=[DRAMAGA])
    result = {"kecamatan": CIBUNGBULANG, "fingerprint": "x", "pairs": []}
    theirs = Job(key="matches.plan_batch:other", name="matches.plan_batch", user_id=other.id,
                 status=JobStatus.DONE, result=result)
    outside = Job(key="matches.plan_batch:mine", name="matches.plan_batch", user_id=me.id,
                  status=JobStatus.DONE, result=result)
    db.session.add_all([theirs, outside])
    db.session.commit()
    assert client.get(f"/matches/batch?job={theirs.id}").status_code == 404
    assert client.get(f"/matches/batch?applied={theirs.id}").status_code == 404
    assert client.get(f"/matches/batch?job={outside.id}").status_code == 404
