"""The scheduled tasks: registered with their schedules, run once a period, calling the CLI commands' services."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.tasks.models import Job, JobStatus
from matchmaker.tasks.queue import SCHEDULE, huey


def _fires(day: dt.date) -> dict[str, list[str]]:
    """What the worker's scheduler would enqueue on ``day``: task name to its UTC minutes."""
    start = dt.datetime.combine(day, dt.time())
    fired: dict[str, list[str]] = {}
    for minute in range(24 * 60):
        moment = start + dt.timedelta(minutes=minute)
        for task in huey.read_periodic(moment):
            fired.setdefault(task.name, []).append(moment.strftime("%H:%M"))
    return fired


def test_every_scheduled_task_is_registered_with_huey_and_its_schedule(app):
    """Without cron, a task missing from the worker's schedule would simply never run."""
    assert set(SCHEDULE) == {"graduation.notify_due", "partners.close_expired", "ranker.retrain"}
    # Daily at 06:00 and 00:05 in Jakarta (UTC+7); the ranker once a week, Monday 02:00 in Jakarta.
    assert _fires(dt.date(2026, 12, 2)) == {"graduation.notify_due": ["23:00"], "partners.close_expired": ["17:05"]}
    assert _fires(dt.date(2026, 12, 6)) == {"graduation.notify_due": ["23:00"], "partners.close_expired": ["17:05"],
                                            "ranker.retrain": ["19:00"]}


def test_the_daily_tasks_call_the_services_of_their_cli_commands(app, monkeypatch):
    """notify-due or close-expired would stop happening, or do something other than the command does."""
    from matchmaker.graduation import services as graduation
    from matchmaker.partners import services as partners

    calls = []
    monkeypatch.setattr(graduation, "notify_due", lambda on=None, facilitator=None: calls.append(("notify", on)) or 3)
    monkeypatch.setattr(partners, "close_expired_offers", lambda today=None: calls.append(("close", today)) or 2)
    at = dt.datetime(2026, 12, 3, 23, 0)
    notified = SCHEDULE["graduation.notify_due"].run_now(at)
    closed = SCHEDULE["partners.close_expired"].run_now(at)
    assert calls == [("notify", None), ("close", None)]
    assert notified.status == JobStatus.DONE and notified.result == {"notified": 3}
    assert closed.result == {"closed": 2}


def test_a_scheduled_task_runs_once_a_period_even_when_enqueued_twice(app, monkeypatch):
    """Two workers (or a restarted one) would send every facilitator the same reminder twice."""
    from matchmaker.graduation import services as graduation

    calls = []
    monkeypatch.setattr(graduation, "notify_due", lambda on=None, facilitator=None: calls.append(on) or 0)
    task = SCHEDULE["graduation.notify_due"]
    task.run_now(dt.datetime(2026, 12, 3, 23, 0))
    task.run_now(dt.datetime(2026, 12, 3, 23, 0, 30))
    assert len(calls) == 1
    task.run_now(dt.datetime(2026, 12, 4, 23, 0))
    assert len(calls) == 2
    assert db.session.scalar(select(func.count()).select_from(Job)) == 2


def test_the_weekly_retraining_calls_the_ranker_training(app, monkeypatch):
    """The ranker would never learn from new decisions without someone typing `ranker train`."""
    from matchmaker.matches import learning
    from matchmaker.matches.learning import MIN_DECISIONS, TrainingReport

    seen = []

    def train(path, min_decisions=MIN_DECISIONS):
        seen.append((path.name, min_decisions))
        return TrainingReport(n_decisions=250, adopted=True, reason="adopted", rule_accuracy=0.6, model_accuracy=0.7)

    monkeypatch.setattr(learning, "train", train)
    job = SCHEDULE["ranker.retrain"].run_now(dt.datetime(2026, 12, 6, 19, 0))
    assert seen == [("ranker-model.pkl", MIN_DECISIONS)]
    assert job.key == "ranker.retrain:2026-W49" and job.result["adopted"] is True
