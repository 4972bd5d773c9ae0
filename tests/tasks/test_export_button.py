"""The caseload's export button: small exports download at once, large ones go through the queue."""

from __future__ import annotations

import re

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.tasks.models import Job
from tests.conftest import log_in, make_household, make_user


def _export_form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form method="post" action="([^"]*/jobs/export/caseload[^"]*)"', html).group(1)
    fields = dict(re.findall(r'<input id="(csrf_token|submission_token)" name="\1" type="hidden" value="([^"]*)"',
                             html))
    return action.replace("&amp;", "&"), fields


def test_a_small_caseload_exports_at_once(app, client, login_as):
    """A small export would make her wait for the queue, or the link would be gone."""
    user = login_as(Role.FACILITATOR)
    make_household(user, full_name="Siti Kecil")
    html = client.get("/households/").get_data(as_text=True)
    assert "/households/export.xlsx" in html and "/jobs/export/caseload" not in html
    response = client.get("/households/export.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert db.session.scalar(select(Job)) is None


def test_a_large_caseload_is_exported_through_the_queue_once_and_only_its_owner_downloads_it(
        app, client, login_as, tmp_path):
    """A large export would hold the request open, be written twice on a double tap, or be readable by others."""
    app.config.update(EXPORT_QUEUE_ROWS=2, TASK_EXPORT_DIR=str(tmp_path))
    user = login_as(Role.FACILITATOR)
    for n in range(3):
        make_household(user, full_name=f"Siti Besar {n}")
    html = client.get("/households/?status=active").get_data(as_text=True)
    action, fields = _export_form(html)
    assert "status=active" in action and fields["submission_token"]
    first, second = client.post(action, data=fields), client.post(action, data=fields)
    assert first.headers["Location"] == second.headers["Location"]
    [job] = db.session.scalars(select(Job)).all()
    assert job.name == "households.export" and job.result["count"] == 3
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert f"/jobs/{job.id}/download" in page and "Unduh berkas" in page
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.data.startswith(b"PK")
    # The direct link no longer writes a large export inside the request: it points to the button.
    direct = client.get("/households/export.xlsx")
    assert direct.status_code == 302 and direct.headers["Location"].startswith("/households/")
    for role in (Role.FACILITATOR, Role.ADMIN):
        other = app.test_client()
        log_in(other, make_user(role))
        assert other.get(f"/jobs/{job.id}/download").status_code == 404, role
