"""The `flask seed` commands that `make run` calls: reference data and the demo district."""

from __future__ import annotations

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Household, Role, Skill, User


def test_seed_skills_twice_duplicates_nothing(app):
    """A second `make run` would duplicate the skills vocabulary."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "skills"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(select(func.count()).select_from(Skill))
    assert count >= 150
    second = runner.invoke(args=["seed", "skills"])
    assert "0 added" in second.output
    assert db.session.scalar(select(func.count()).select_from(Skill)) == count


def test_seed_demo_loads_the_district_once(app):
    """A second `make run` would duplicate the demo, or the demo logins would not work."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo", "--password", "demo-sandi-1"])
    assert result.exit_code == 0, result.output
    households = db.session.scalar(select(func.count()).select_from(Household))
    assert households >= 600
    koordinator = db.session.scalar(select(User).where(User.email == "koordinator@demo.test"))
    assert koordinator.role == Role.COORDINATOR and koordinator.check_password("demo-sandi-1")
    again = runner.invoke(args=["seed", "demo", "--password", "demo-sandi-1"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Household)) == households


def test_demo_logins_reach_their_home_pages(app, client):
    """A newcomer trying the printed demo logins would hit an error page."""
    app.test_cli_runner().invoke(args=["seed", "demo", "--password", "demo-sandi-1"])
    for email in ("admin@demo.test", "koordinator@demo.test", "pendamping1@demo.test", "usaha1@demo.test",
                  "desa1@demo.test"):
        response = client.post("/auth/login", data={"email": email, "password": "demo-sandi-1"})
        assert response.status_code == 302, email
        assert client.get("/home").status_code == 200, email
        client.post("/auth/logout")


def test_seed_demo_adopts_a_learned_model(app, tmp_path):
    """A new user of `make run` would see the rule-based ranker, never the model learned from the demo's decisions."""
    app.config["RANKER_MODEL_PATH"] = str(tmp_path / "ranker-model.pkl")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo", "--password", "demo-sandi-1"])
    assert result.exit_code == 0, result.output
    assert "Adopted: the learned correction beats the rule-based weights" in result.output
    status = runner.invoke(args=["ranker", "status"])
    assert status.exit_code == 0 and "Active model: learned correction" in status.output
    assert "pairwise accuracy" in status.output
    model = tmp_path / "ranker-model.pkl"
    model.write_bytes(b"a model of another engine")
    again = runner.invoke(args=["seed", "demo", "--password", "demo-sandi-1"])
    assert again.exit_code == 0 and "Adopted" in again.output  # retrained: the old file was unusable
