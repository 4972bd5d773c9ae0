"""Coordinators and the admin create accounts and assign areas."""

from __future__ import annotations

import re

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Role, User
from tests.conftest import CIBUNGBULANG, DRAMAGA, SUKAMAJU, TEST_DISTRICT, make_user


def _account(role: str, areas: list[str], email: str = "rina@example.test") -> dict[str, object]:
    """The account form as the region picker sends it: each area's code in its row."""
    data: dict[str, object] = {
        "role": role,
        "name": "Rina Marlina",
        "email": email,
        "phone": "",
        "password": "mulai-12345",
    }
    for row, code in enumerate(areas):
        data[f"areas-{row}-name"] = code
        data[f"areas-{row}-code"] = code
    return data


def test_coordinator_creates_a_facilitator_with_an_area(app, client, login_as):
    """A coordinator could not onboard a new facilitator for her kecamatan."""
    login_as(Role.COORDINATOR)
    response = client.post("/admin/users/new", data=_account(Role.FACILITATOR, [CIBUNGBULANG, DRAMAGA]))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "rina@example.test"))
    assert user.role == Role.FACILITATOR
    assert user.area_codes == [CIBUNGBULANG, DRAMAGA]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_created")) is not None


def test_coordinator_cannot_create_coordinators(app, client, login_as):
    """A coordinator could make herself peers with district-wide access."""
    login_as(Role.COORDINATOR)
    page = client.post("/admin/users/new", data=_account(Role.COORDINATOR, [CIBUNGBULANG])).get_data(as_text=True)
    assert "Pilihan tidak valid." in page
    assert db.session.scalar(select(User).where(User.email == "rina@example.test")) is None


def test_coordinator_cannot_assign_areas_outside_her_district(app, client, login_as):
    """A facilitator could be given villages of another district."""
    login_as(Role.COORDINATOR, areas=[CIBUNGBULANG])
    client.post("/admin/users/new", data=_account(Role.FACILITATOR, [DRAMAGA]))
    assert db.session.scalar(select(User).where(User.email == "rina@example.test")) is None


def test_admin_creates_a_coordinator(app, client, login_as):
    """The admin could not set up a district coordinator."""
    login_as(Role.ADMIN)
    response = client.post("/admin/users/new", data=_account(Role.COORDINATOR, [TEST_DISTRICT]))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "rina@example.test"))
    assert user.role == Role.COORDINATOR and user.area_codes == [TEST_DISTRICT]


def test_new_account_needs_an_area_and_a_free_email(app, client, login_as):
    """An account could be created with no area, or twice with one address."""
    make_user(Role.FACILITATOR, email="rina@example.test")
    login_as(Role.COORDINATOR)
    page = client.post("/admin/users/new", data=_account(Role.FACILITATOR, [])).get_data(as_text=True)
    assert "Pilih minimal satu wilayah." in page
    page = client.post("/admin/users/new", data=_account(Role.FACILITATOR, [CIBUNGBULANG])).get_data(as_text=True)
    assert "Sudah ada akun dengan alamat e-mail ini." in page


def test_coordinator_sees_only_her_district_accounts(app, client, login_as):
    """A coordinator could see or reset facilitators of another district."""
    inside = make_user(Role.FACILITATOR, areas=[CIBUNGBULANG], name="Facilitator Inside")
    outside = make_user(Role.FACILITATOR, areas=[], name="Facilitator Outside")
    login_as(Role.COORDINATOR, areas=[CIBUNGBULANG])
    page = client.get("/admin/users").get_data(as_text=True)
    assert inside.name in page and outside.name not in page
    assert client.post(f"/admin/users/{outside.id}/reset").status_code == 404


def test_accounts_are_paged_so_a_district_list_stays_short_on_a_phone(app, client, login_as):
    """A coordinator with hundreds of accounts would scroll one endless page of cards on her phone."""
    app.config["PER_PAGE"] = 3
    for number in range(7):
        make_user(Role.FACILITATOR, areas=[CIBUNGBULANG], name=f"Pendamping Nomor {number}")
    login_as(Role.COORDINATOR, areas=[CIBUNGBULANG])
    first = client.get("/admin/users").get_data(as_text=True)
    last = client.get("/admin/users?page=99").get_data(as_text=True)
    assert first.count("<strong>Pendamping Nomor") == 3
    assert "Halaman 1 dari 3" in first and 'rel="next"' in first
    assert "Halaman 3 dari 3" in last and 'rel="next"' not in last and "7 akun" in first


def test_areas_are_chosen_with_the_region_picker_not_a_long_list(app, client, login_as):
    """The coordinator would scroll a multi-select of hundreds of villages to assign an area."""
    login_as(Role.COORDINATOR)
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "<select multiple" not in page and "multiple" not in page.split('name="areas')[0][-200:]
    assert page.count("data-region-picker") == 4 and 'data-within="32.01"' in page
    assert re.search(r"region-picker\.(?:[0-9a-f]+\.)?js", page)  # content-hashed name
    for row in range(1, 5):
        assert f"Wilayah tugas {row}" in page


def test_typed_area_names_are_resolved_without_javascript(app, client, login_as):
    """Without the picker's script, typed names would be lost, or an unknown name silently dropped."""
    login_as(Role.COORDINATOR)
    data = _account(Role.FACILITATOR, [])
    data.update({"areas-0-name": "Sukamaju, Cibungbulang", "areas-1-name": "Kecamatan Tidak Ada"})
    page = client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert "Tidak ada wilayah yang boleh Anda tetapkan dengan nama ini" in page
    assert db.session.scalar(select(User).where(User.email == "rina@example.test")) is None
    data["areas-1-name"] = "Dramaga"
    data["areas-2-name"] = "Sukamaju, Cibungbulang"  # a repeat is kept once
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "rina@example.test"))
    assert user.area_codes == [SUKAMAJU, DRAMAGA]
