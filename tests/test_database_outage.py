"""While the database is unreachable the app says so plainly, and it recovers by itself afterwards."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Role
from tests.conftest import log_in, make_user


def test_pages_answer_503_while_the_database_is_down_and_recover_without_a_restart(file_app, monkeypatch):
    """A database restart would show a crash page, or leave the app broken until someone restarts it."""
    client = file_app.test_client()
    with file_app.app_context():
        assert log_in(client, make_user(Role.FACILITATOR)).status_code == 302
        assert client.get("/households/").status_code == 200
        engine = db.engine
    dbapi = engine.dialect.loaded_dbapi

    def refuse(*_args, **_kwargs):
        raise dbapi.OperationalError("connection refused: the server is restarting")

    # The server goes away: pooled connections die and new ones are refused.
    engine.dispose()
    monkeypatch.setattr(engine.dialect, "connect", refuse)
    with file_app.app_context():
        for path in ("/households/", "/home", "/partners/search?q=jahit"):
            response = client.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 503, path
            assert "Sementara tidak tersedia" in html and "Traceback" not in html
    monkeypatch.undo()
    with file_app.app_context():
        assert client.get("/households/").status_code == 200
        assert client.get("/home").status_code == 200
