"""Partners' own pages: profile, colleagues, publishing, and who may see or change what."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    AuditEvent,
    Match,
    MatchStatus,
    Offer,
    OfferKind,
    OfferStatus,
    OrgKind,
    OrgStatus,
    Role,
    User,
    UserStatus,
)
from tests.conftest import CIBUNGBULANG, SUKAMAJU, log_in, make_household, make_organization, make_user
from tests.partners.helpers import make_offer, take_places


def _offer_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": OfferKind.JOB,
        "title": "Penjahit gamis",
        "description": "Menjahit gamis, bahan disediakan.",
        "skills_text": "jahit, obras",
        "places": "3",
        "desa_code": SUKAMAJU,
        "reach": "kecamatan",
        "hours_per_week": "20",
        "schedule": "Senin–Jumat pagi",
        "pay_amount": "Rp1.500.000",
        "pay_terms": "per bulan",
        "start_date": "2026-12-01",
        "end_date": "2027-03-31",
        "status": OfferStatus.OPEN,
    }
    data.update(overrides)
    return data


# --- Profile ------------------------------------------------------------------------------------


def test_owner_edits_the_profile_with_a_kbli_sector(app, client, login_as):
    """A business could not describe itself, or the verified badge would not show."""
    organization = make_organization()
    owner = login_as(Role.BUSINESS, organization=organization)
    organization.owner_id = owner.id
    db.session.commit()
    response = client.post(
        "/partners/profile/edit",
        data={
            "name": "Konveksi Berkah", "sector": "C", "description": "Gamis dan mukena.",
            "desa_code": SUKAMAJU, "address": "Jl. Raya 1", "contact_person": "Bu Imas",
            "phone": "0813 2222 3333", "email": "Konveksi@Example.test",
        },
    )
    assert response.status_code == 302
    db.session.refresh(organization)
    assert (organization.name, organization.sector, organization.phone) == ("Konveksi Berkah", "C", "+6281322223333")
    page = client.get("/partners/profile").get_data(as_text=True)
    assert "Industri Pengolahan" in page and "Terverifikasi" in page


def test_profile_rejects_unknown_sector_and_needs_a_contact(app, client, login_as):
    """A forged sector code or an empty contact person would be saved."""
    organization = make_organization(name="Asli")
    owner = login_as(Role.BUSINESS, organization=organization)
    organization.owner_id = owner.id
    db.session.commit()
    page = client.post(
        "/partners/profile/edit",
        data={"name": "Baru", "sector": "Z", "desa_code": SUKAMAJU, "contact_person": ""},
    ).get_data(as_text=True)
    assert "Pilihan tidak valid." in page and "Kolom ini wajib diisi." in page
    db.session.refresh(organization)
    assert organization.name == "Asli"


def test_village_office_sets_the_kecamatan_it_serves(app, client, login_as):
    """A village office could not say that its programs are for the whole kecamatan."""
    organization = make_organization(OrgKind.VILLAGE_OFFICE)
    owner = login_as(Role.VILLAGE_OFFICE, organization=organization)
    organization.owner_id = owner.id
    db.session.commit()
    response = client.post(
        "/partners/profile/edit",
        data={
            "name": "Pemdes Sukamaju", "desa_code": SUKAMAJU, "serves_code": CIBUNGBULANG,
            "contact_person": "Pak Kades",
        },
    )
    assert response.status_code == 302
    db.session.refresh(organization)
    assert organization.serves_code == CIBUNGBULANG and organization.sector is None


def test_colleague_cannot_edit_the_profile_or_manage_members(app, client, login_as):
    """Any colleague could rename the business or add accounts to it."""
    organization = make_organization()
    organization.owner_id = make_user(Role.BUSINESS, organization=organization).id
    db.session.commit()
    login_as(Role.BUSINESS, organization=organization)
    assert client.get("/partners/profile").status_code == 200
    assert client.get("/partners/profile/edit").status_code == 403
    assert client.get("/partners/members").status_code == 403


# --- Colleagues ---------------------------------------------------------------------------------


def _owner(client, login_as, status: str = OrgStatus.ACTIVE):
    organization = make_organization(status=status)
    owner = login_as(Role.BUSINESS, organization=organization)
    organization.owner_id = owner.id
    db.session.commit()
    return owner, organization


def test_owner_invites_a_colleague_with_a_one_time_code(app, client, login_as):
    """A business could not give a colleague access without sharing its own password."""
    _owner_, organization = _owner(client, login_as)
    page = client.post(
        "/partners/members",
        data={"name": "Rina Kasir", "email": "rina@berkah.test", "phone": "", "access": "code", "password": ""},
    ).get_data(as_text=True)
    assert "Kode sekali pakai untuk Rina Kasir" in page
    code = page.split('class="code"')[1].split(">")[1].split("<")[0].strip()
    colleague = db.session.scalar(select(User).where(User.email == "rina@berkah.test"))
    assert colleague.organization_id == organization.id and colleague.role == Role.BUSINESS
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member_added")) is not None

    other = app.test_client()
    response = other.post(
        "/auth/reset",
        data={"code": code, "password": "rina-baru-123", "password_confirm": "rina-baru-123"},
    )
    assert response.status_code == 302
    assert log_in(other, colleague, "rina-baru-123").status_code == 302
    response = other.post("/partners/offers/new", data=_offer_form(title="Dari rekan"))
    assert response.status_code == 302
    assert db.session.scalar(select(Offer).where(Offer.title == "Dari rekan")).organization_id == organization.id


def test_owner_gives_a_first_password_and_can_take_access_away(app, client, login_as):
    """A removed colleague could keep publishing for the business."""
    _owner(client, login_as)
    response = client.post(
        "/partners/members",
        data={"name": "Dedi", "email": "dedi@berkah.test", "access": "password", "password": "mulai-12345"},
    )
    assert response.status_code == 302
    colleague = db.session.scalar(select(User).where(User.email == "dedi@berkah.test"))
    assert colleague.status == UserStatus.ACTIVE and colleague.check_password("mulai-12345")
    client.post(f"/partners/members/{colleague.id}/access", data={"active": "0"})
    db.session.refresh(colleague)
    assert colleague.status == UserStatus.DISABLED
    assert log_in(app.test_client(), colleague, "mulai-12345").status_code == 200


def test_member_form_errors_are_shown_next_to_fields(app, client, login_as):
    """A taken e-mail or a missing first password would fail silently or half-create an account."""
    _owner(client, login_as)
    make_user(Role.FACILITATOR, email="dipakai@example.test")
    page = client.post(
        "/partners/members", data={"name": "A", "email": "dipakai@example.test", "access": "code"}
    ).get_data(as_text=True)
    assert "Sudah ada akun dengan alamat e-mail ini." in page
    page = client.post(
        "/partners/members", data={"name": "B", "email": "b@example.test", "access": "password", "password": ""}
    ).get_data(as_text=True)
    assert "Ketik kata sandi awal, atau pilih kode undangan." in page
    assert db.session.scalar(select(User).where(User.email == "b@example.test")) is None


def test_owner_cannot_touch_another_organizations_members(app, client, login_as):
    """A business owner could disable the staff of another business."""
    _owner(client, login_as)
    stranger = make_user(Role.BUSINESS, organization=make_organization())
    assert client.post(f"/partners/members/{stranger.id}/access", data={"active": "0"}).status_code == 404
    assert client.post(f"/partners/members/{stranger.id}/code").status_code == 404
    db.session.refresh(stranger)
    assert stranger.status == UserStatus.ACTIVE


# --- Offers -------------------------------------------------------------------------------------


def test_business_publishes_an_opportunity(app, client, login_as):
    """A verified business could not publish, or its Rupiah amount and dates would be lost."""
    user = login_as(Role.BUSINESS)
    response = client.post("/partners/offers/new", data=_offer_form())
    assert response.status_code == 302
    offer = db.session.scalar(select(Offer))
    assert offer.organization_id == user.organization_id
    assert (offer.pay_amount, offer.places, offer.reach, offer.status) == (1_500_000, 3, "kecamatan", "open")
    assert offer.end_date == dt.date(2027, 3, 31) and offer.skills_text == "jahit, obras"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Penjahit gamis" in page and "Rp1.500.000" in page and "0 dari 3 tempat terisi" in page
    assert "Penjahit gamis" in client.get("/partners/offers").get_data(as_text=True)
    assert "Penjahit gamis" in client.get("/home").get_data(as_text=True)


def test_offer_validation_shows_errors_next_to_fields(app, client, login_as):
    """Bad dates, a program kind or a typed "full" would be saved by a business."""
    login_as(Role.BUSINESS)
    page = client.post(
        "/partners/offers/new",
        data=_offer_form(kind=OfferKind.BUMDES, start_date="2027-01-10", end_date="2027-01-01", pay_amount="satu juta"),
    ).get_data(as_text=True)
    assert "Pilihan tidak valid." in page
    assert "Masukkan jumlah dalam Rupiah" in page
    page = client.post(
        "/partners/offers/new", data=_offer_form(start_date="2027-01-10", end_date="2027-01-01")
    ).get_data(as_text=True)
    assert "Tanggal selesai lebih awal dari tanggal mulai." in page
    page = client.post("/partners/offers/new", data=_offer_form(status=OfferStatus.FULL)).get_data(as_text=True)
    assert "Pilihan tidak valid." in page
    page = client.post("/partners/offers/new", data=_offer_form(end_date="2020-01-01", start_date="")).get_data(
        as_text=True
    )
    assert "Tanggal ini sudah lewat" in page
    page = client.post("/partners/offers/new", data=_offer_form(pay_amount="Rp3.000.000.000")).get_data(as_text=True)
    assert "Maksimal Rp2.000.000.000." in page  # not a server error when the INTEGER column would overflow
    assert db.session.scalar(select(Offer)) is None


def test_village_office_lists_a_program_with_its_funding(app, client, login_as):
    """A village office could not list a Padat Karya program, or could recruit district-wide."""
    login_as(Role.VILLAGE_OFFICE)
    form = _offer_form(kind=OfferKind.PADAT_KARYA, title="PKTD saluran air", reach="desa", funding_source="dana_desa")
    assert client.post("/partners/offers/new", data=form).status_code == 302
    offer = db.session.scalar(select(Offer))
    assert (offer.kind, offer.funding_source, offer.reach) == (OfferKind.PADAT_KARYA, "dana_desa", "desa")
    page = client.post("/partners/offers/new", data=_offer_form(kind=OfferKind.JOB)).get_data(as_text=True)
    assert "Pilihan tidak valid." in page
    page = client.post(
        "/partners/offers/new", data=_offer_form(kind=OfferKind.TRAINING, reach="kabupaten")
    ).get_data(as_text=True)
    assert "Pilihan tidak valid." in page
    assert db.session.scalar(select(Offer).where(Offer.kind != OfferKind.PADAT_KARYA)) is None


def test_typed_desa_name_is_resolved_without_javascript(app, client, login_as):
    """Without JavaScript the desa picker would lose the place, or accept a name that is no desa."""
    login_as(Role.BUSINESS)
    form = _offer_form(desa_name="Sukamaju, Cibungbulang", title="Tanpa JS")
    form.pop("desa_code")
    assert client.post("/partners/offers/new", data=form).status_code == 302
    assert db.session.scalar(select(Offer)).desa_code == SUKAMAJU
    form.update(desa_name="Kota Antah Berantah", title="Tempat salah")
    page = client.post("/partners/offers/new", data=form).get_data(as_text=True)
    assert "Kami belum bisa memastikan desa yang dimaksud" in page.split('id="desa_name-error"')[1]
    assert db.session.scalar(select(Offer).where(Offer.title == "Tempat salah")) is None


def test_a_business_edits_only_its_own_offers(app, client, login_as):
    """One business could change or close another business's opportunity."""
    login_as(Role.BUSINESS)
    theirs = make_offer(make_organization(), title="Milik orang lain")
    assert client.get(f"/partners/offers/{theirs.id}/edit").status_code == 404
    assert client.post(f"/partners/offers/{theirs.id}/edit", data=_offer_form()).status_code == 404
    assert client.post(f"/partners/offers/{theirs.id}/status", data={"status": "closed"}).status_code == 404
    assert client.get(f"/partners/offers/{theirs.id}").status_code == 404
    db.session.refresh(theirs)
    assert (theirs.title, theirs.status) == ("Milik orang lain", OfferStatus.OPEN)


def test_a_village_office_edits_only_its_programs(app, client, login_as):
    """A village office could edit a business's offer or another village's program."""
    login_as(Role.VILLAGE_OFFICE)
    other_program = make_offer(make_organization(OrgKind.VILLAGE_OFFICE), title="Program desa lain")
    business_offer = make_offer(make_organization(), title="Lowongan usaha")
    for offer in (other_program, business_offer):
        assert client.post(f"/partners/offers/{offer.id}/edit", data=_offer_form()).status_code == 404
    assert client.get("/partners/search").status_code == 403


def test_owner_edits_and_closes_an_offer(app, client, login_as):
    """A business could not update its offer or close it early."""
    user = login_as(Role.BUSINESS)
    offer = make_offer(user.organization)
    response = client.post(f"/partners/offers/{offer.id}/edit", data=_offer_form(title="Judul baru", places="5"))
    assert response.status_code == 302
    client.post(f"/partners/offers/{offer.id}/status", data={"status": "closed"})
    db.session.refresh(offer)
    assert (offer.title, offer.places, offer.status) == ("Judul baru", 5, OfferStatus.CLOSED)


def test_pending_or_suspended_organization_publishes_nothing(app, client, login_as):
    """An unverified or suspended business could publish or reopen offers."""
    for status in (OrgStatus.PENDING, OrgStatus.SUSPENDED):
        organization = make_organization(status=status)
        own = make_offer(organization, status=OfferStatus.DRAFT, title=f"Draf {status}")
        client.post("/auth/logout")
        login_as(Role.BUSINESS, organization=organization)
        assert client.get("/partners/offers/new").status_code == 403
        assert client.post("/partners/offers/new", data=_offer_form(title=f"Baru {status}")).status_code == 403
        assert client.post(f"/partners/offers/{own.id}/edit", data=_offer_form()).status_code == 403
        client.post(f"/partners/offers/{own.id}/status", data={"status": "open"})
        db.session.refresh(own)
        assert own.status == OfferStatus.DRAFT
        # Withdrawing is always allowed.
        client.post(f"/partners/offers/{own.id}/status", data={"status": "closed"})
        db.session.refresh(own)
        assert own.status == OfferStatus.CLOSED
        assert db.session.scalar(select(Offer).where(Offer.title == f"Baru {status}")) is None


def test_full_and_expired_offers_show_their_derived_status(app, client, login_as):
    """A full offer would still look open, or one past its end date would stay open."""
    user = login_as(Role.BUSINESS)
    full = make_offer(user.organization, title="Sudah penuh", places=1)
    take_places(full, 1)
    expired = make_offer(user.organization, title="Sudah lewat", end_date=dt.date(2026, 1, 1))
    page = client.get(f"/partners/offers/{full.id}").get_data(as_text=True)
    assert "Penuh" in page and "1 dari 1 tempat terisi" in page
    client.get("/partners/offers")
    db.session.refresh(expired)
    assert expired.status == OfferStatus.CLOSED


# --- Reading offers -----------------------------------------------------------------------------


def test_facilitator_sees_an_offer_with_a_whatsapp_link_in_indonesian(app, client, login_as):
    """A facilitator could not contact the business in one tap, or the message would be in English."""
    organization = make_organization(name="Konveksi Berkah")
    organization.phone = "+6281322223333"
    organization.contact_person = "Bu Imas"
    db.session.commit()
    offer = make_offer(organization, title="Penjahit gamis")
    facilitator = login_as(Role.FACILITATOR)
    facilitator.preferred_language = "en"
    db.session.commit()
    page = client.get(f"/partners/offers/{offer.id}").get_data(as_text=True)
    assert 'href="https://wa.me/6281322223333?text=' in page
    message = unquote(page.split("wa.me/6281322223333?text=")[1].split('"')[0]).replace("&amp;", "&")
    assert message.startswith("Halo Bu Imas, saya ") and "pendamping PKH" in message and "Penjahit gamis" in message
    assert "Message on WhatsApp" in page  # the page itself follows her language


def test_facilitators_do_not_see_drafts_or_offers_of_suspended_partners(app, client, login_as):
    """A facilitator could open a draft, or an offer of a suspended partner, by its address."""
    login_as(Role.FACILITATOR)
    draft = make_offer(make_organization(), status=OfferStatus.DRAFT)
    suspended = make_offer(make_organization(status=OrgStatus.SUSPENDED))
    pending_org = make_organization(status=OrgStatus.PENDING)
    assert client.get(f"/partners/offers/{draft.id}").status_code == 404
    assert client.get(f"/partners/offers/{suspended.id}").status_code == 404
    assert client.get(f"/partners/organizations/{pending_org.id}").status_code == 404


def test_partners_never_see_household_personal_data(app, client, login_as):
    """A business could read a woman's NIK, phone, address or birth date on its own pages."""
    user = login_as(Role.BUSINESS)
    offer = make_offer(user.organization)
    household = make_household(
        make_user(Role.FACILITATOR),
        phone="+6281299998888",
        address="Kp. Rahasia RT 01",
        birth_date=dt.date(1988, 5, 17),
    )
    db.session.add(Match(household_id=household.id, offer_id=offer.id, status=MatchStatus.STARTED))
    db.session.commit()
    pages = "".join(
        client.get(path).get_data(as_text=True)
        for path in ("/home", "/partners/offers", f"/partners/offers/{offer.id}", "/partners/profile")
    )
    assert "1 dari 2 tempat terisi" in pages
    for secret in (household.nik, "6281299998888", "Kp. Rahasia", "1988", household.full_name):
        assert secret not in pages


def test_navigation_links_per_role(app, client, login_as):
    """Partners or facilitators would have no way into their pages from the menu."""
    login_as(Role.VILLAGE_OFFICE)
    page = client.get("/home").get_data(as_text=True)
    assert 'href="/partners/profile"' in page and ">Program</a>" in page
    client.post("/auth/logout")
    login_as(Role.FACILITATOR)
    page = client.get("/home").get_data(as_text=True)
    assert 'href="/partners/search"' in page and "Cari mitra" in page and 'href="/partners/profile"' not in page
