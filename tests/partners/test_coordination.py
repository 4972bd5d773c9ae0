"""Coordinators suspend and reinstate partners and read their details."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, OfferStatus, OrgStatus, Role
from matchmaker.partners import services
from tests.conftest import DRAMAGA, SUKAMAJU, log_in, make_organization, make_user
from tests.partners.helpers import TODAY, make_offer


def test_suspending_stops_proposals_and_the_partner_reads_the_reason(app, client, login_as):
    """A suspended partner's offers would still be proposed, or it would not know why."""
    organization = make_organization(name="Konveksi Berkah")
    member = make_user(Role.BUSINESS, organization=organization)
    offer = make_offer(organization)
    assert services.proposable_offers(TODAY) == [offer]
    login_as(Role.COORDINATOR)
    page = client.post(f"/admin/organizations/{organization.id}/suspend", data={"reason": ""}).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in page
    response = client.post(
        f"/admin/organizations/{organization.id}/suspend", data={"reason": "Laporan upah tidak dibayar."}
    )
    assert response.status_code == 302
    db.session.refresh(organization)
    assert organization.status == OrgStatus.SUSPENDED and organization.suspended_at is not None
    assert services.proposable_offers(TODAY) == []
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organization_suspended"))

    partner = app.test_client()
    log_in(partner, member)
    page = partner.get("/home").get_data(as_text=True)
    assert "ditangguhkan" in page and "Laporan upah tidak dibayar." in page
    assert partner.get("/partners/offers/new").status_code == 403

    client.post(f"/admin/organizations/{organization.id}/reinstate")
    db.session.refresh(organization)
    assert organization.status == OrgStatus.ACTIVE and organization.suspension_reason is None
    assert organization.is_verified
    assert services.proposable_offers(TODAY) == [offer]


def test_only_active_organizations_can_be_suspended_and_only_suspended_reinstated(app, client, login_as):
    """A pending registration could be "suspended" past verification, or approval could skip a suspension."""
    login_as(Role.COORDINATOR)
    pending = make_organization(status=OrgStatus.PENDING)
    client.post(f"/admin/organizations/{pending.id}/suspend", data={"reason": "x"})
    client.post(f"/admin/organizations/{pending.id}/reinstate")
    db.session.refresh(pending)
    assert pending.status == OrgStatus.PENDING
    suspended = make_organization(status=OrgStatus.SUSPENDED)
    client.post(f"/admin/organizations/{suspended.id}/approve")
    db.session.refresh(suspended)
    assert suspended.status == OrgStatus.SUSPENDED


def test_coordinator_reads_organization_details(app, client, login_as):
    """A coordinator could not see who runs a partner and what it published before deciding."""
    organization = make_organization(name="Konveksi Berkah")
    make_user(Role.BUSINESS, organization=organization, name="Imas Masitoh")
    make_offer(organization, title="Penjahit gamis")
    make_offer(organization, title="Draf rahasia", status=OfferStatus.DRAFT)
    login_as(Role.COORDINATOR)
    page = client.get(f"/admin/organizations/{organization.id}").get_data(as_text=True)
    assert "Konveksi Berkah" in page and "Imas Masitoh" in page and "Penjahit gamis" in page
    assert "Tangguhkan" in page
    queue = client.get("/admin/organizations?status=active").get_data(as_text=True)
    assert f'href="/admin/organizations/{organization.id}"' in queue


def test_coordinator_of_another_district_cannot_suspend(app, client, login_as):
    """A coordinator could suspend partners outside her area."""
    organization = make_organization(desa_code=SUKAMAJU)
    login_as(Role.COORDINATOR, areas=[DRAMAGA])
    assert client.get(f"/admin/organizations/{organization.id}").status_code == 404
    assert client.post(f"/admin/organizations/{organization.id}/suspend", data={"reason": "x"}).status_code == 404
    db.session.refresh(organization)
    assert organization.status == OrgStatus.ACTIVE


def test_partners_and_facilitators_cannot_suspend(app, client, login_as):
    """A business or facilitator could suspend a competitor."""
    organization = make_organization()
    for role in (Role.BUSINESS, Role.FACILITATOR):
        client.post("/auth/logout")
        login_as(role)
        assert client.post(f"/admin/organizations/{organization.id}/suspend", data={"reason": "x"}).status_code == 403
