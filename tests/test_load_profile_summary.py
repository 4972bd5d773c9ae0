"""The load test's per-page summary of py-spy samples (``make load-test LOAD_PYSPY=1``)."""

from __future__ import annotations

from tests.load import under_load

# py-spy's raw format: one line per distinct stack, outermost frame first, then the count.
RAW = """\
process 4242:"gunicorn: worker [wsgi:app]";run (threading.py:975);handle (gunicorn/workers/gthread.py:280);\
wsgi_app (flask/app.py:1511);wrapped (/srv/app/matchmaker/auth/decorators.py:19);\
search (/srv/app/matchmaker/partners/views.py:363);search_offers_page (/srv/app/matchmaker/partners/search.py:495);\
_rank (/srv/app/matchmaker/partners/search.py:99) 30
process 4242:"gunicorn: worker [wsgi:app]";run (threading.py:975);wsgi_app (flask/app.py:1511);\
search (/srv/app/matchmaker/partners/views.py:363);render_template (flask/templating.py:150);\
root (/srv/app/templates/partners/search.html:4);escape (/usr/lib/python3/site-packages/markupsafe/__init__.py:24) 10
process 4242:"gunicorn: worker [wsgi:app]";run (threading.py:975);\
detail (/srv/app/matchmaker/households/views.py:210);execute (sqlalchemy/orm/session.py:2300);\
_execute_send (/venv/lib/python3.11/site-packages/psycopg/_cursor_base.py:416) 20
process 4242:"gunicorn: worker [wsgi:app]";run (threading.py:975);\
login (/srv/app/matchmaker/auth/views.py:40);check_password_hash (werkzeug/security.py:120);\
scrypt (<built-in>) 35
process 4242:"gunicorn: worker [wsgi:app]";run (threading.py:975);_worker (concurrent/futures/thread.py:83) 5
not a stack line
"""


def test_samples_are_attributed_to_their_page_and_kind_of_work(tmp_path):
    """The load note would credit the CPU to the wrong page, or to nothing, and hide where the time went."""
    raw = tmp_path / "pyspy-4242.txt"
    raw.write_text(RAW, encoding="utf-8")
    note = under_load.summarize([raw], "Test run")
    assert "100 samples" in note
    rows = {line.split(" | ")[0].lstrip("| "): line for line in note.splitlines() if line.startswith("| ")}
    assert "| 40.0% |" in rows["partners.search"]
    assert "search 75%" in rows["partners.search"] and "templates 25%" in rows["partners.search"]
    assert "| 20.0% |" in rows["households.detail"] and "database driver 100%" in rows["households.detail"]
    # The password hash is a C function called from werkzeug: its frame has no file, its caller names it.
    assert "| 35.0% |" in rows["auth.login"] and "password hashing 100%" in rows["auth.login"]
    assert any(name.startswith("(outside a page") for name in rows)
    assert "`_rank` matchmaker/partners/search.py:99 | 75.0% |" in note


def test_frames_are_shortened_to_the_project_or_the_library():
    """Paths of the server's folders would fill the note and differ from machine to machine."""
    assert under_load.parse_frame("search (/srv/app/matchmaker/partners/views.py:363)") == (
        "search", "matchmaker/partners/views.py:363")
    assert under_load.parse_frame("wait (/venv/lib/python3.11/site-packages/psycopg/connection.py:479)") == (
        "wait", "psycopg/connection.py:479")
    assert under_load.parse_frame("scrypt (<built-in>)") == ("scrypt", "<built-in>")
    assert under_load.parse_frame("odd frame") == ("odd frame", "")
