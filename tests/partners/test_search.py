"""Facilitators find offers and partners: filters, typos, canonical skills."""

from __future__ import annotations

import datetime as dt

from matchmaker.extensions import db
from matchmaker.models import OfferKind, OfferStatus, OrgKind, OrgStatus, Role
from matchmaker.partners import search, services
from matchmaker.reference.skills import load_skills
from tests.conftest import DRAMAGA, make_organization, make_user
from tests.partners.helpers import TODAY, make_offer, take_places


def _dramaga_desa() -> str:
    from sqlalchemy import select

    from matchmaker.models import Region

    return db.session.scalar(select(Region.code).where(Region.parent_code == DRAMAGA).order_by(Region.code))


def _titles(rows) -> list[str]:
    return [row.offer.title for row in rows]


def test_misspelled_query_finds_the_offer(app):
    """A facilitator typing "penjhit" or "konveksi sukamju" would find nothing."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    make_offer(organization, title="Penjahit borongan gamis")
    make_offer(organization, title="Pembuat kue basah", description="Bikin kue untuk warung", skills_text="kue")
    for query in ("penjhit", "PENJAHITT", "gamiss", "borngan penjahit"):
        rows = search.search_offers(facilitator, search.OfferFilters(q=query), TODAY)
        assert _titles(rows) == ["Penjahit borongan gamis"], query
    # The provider's name and the place count too, typos included.
    rows = search.search_offers(facilitator, search.OfferFilters(q="konpeksi sukamju"), TODAY)
    assert sorted(_titles(rows)) == ["Pembuat kue basah", "Penjahit borongan gamis"]
    assert search.search_offers(facilitator, search.OfferFilters(q="bengkel las"), TODAY) == []
    # Every word must match: "penjahit bengkel" is not a sewing job.
    assert search.search_offers(facilitator, search.OfferFilters(q="penjahit bengkel"), TODAY) == []


def test_query_naming_a_canonical_skill_finds_linked_offers(app):
    """An offer linked to "menjahit" would be missed when searched with a colloquial word for it."""
    load_skills(db.session)
    facilitator = make_user(Role.FACILITATOR)
    owner = make_user(Role.BUSINESS, organization=make_organization())
    offer = services.create_offer(
        owner,
        services.OfferData(
            kind=OfferKind.JOB, title="Tenaga produksi", description="", skills_text="menjahit",
            places=1, desa_code=owner.organization.desa_code, status=OfferStatus.OPEN,
        ),
        TODAY,
    )
    assert offer.skills, "the skills text should link a canonical skill"
    skill = offer.skills[0]
    synonym = next(term for term in skill.synonyms if term not in ("menjahit",) and " " not in term)
    rows = search.search_offers(facilitator, search.OfferFilters(q=synonym), TODAY)
    assert _titles(rows) == ["Tenaga produksi"]
    category_rows = search.search_offers(facilitator, search.OfferFilters(category=skill.category), TODAY)
    assert _titles(category_rows) == ["Tenaga produksi"]
    other = "kuliner" if skill.category != "kuliner" else "pertanian"
    assert search.search_offers(facilitator, search.OfferFilters(category=other), TODAY) == []


def test_filters_kind_kecamatan_and_open_only(app):
    """Filters would let through offers of another kind or place, or full and closed ones."""
    facilitator = make_user(Role.FACILITATOR)
    business = make_organization()
    village = make_organization(OrgKind.VILLAGE_OFFICE)
    make_offer(business, title="Lowongan Sukamaju")
    make_offer(business, title="Lowongan Dramaga", desa_code=_dramaga_desa())
    make_offer(village, title="Pelatihan desa")
    full = make_offer(business, title="Sudah penuh", places=1)
    take_places(full, 1)
    make_offer(business, title="Sudah lewat", end_date=TODAY - dt.timedelta(days=1))
    make_offer(business, title="Masih draf", status=OfferStatus.DRAFT)
    make_offer(make_organization(status=OrgStatus.SUSPENDED), title="Mitra ditangguhkan")

    def titles(**filters):
        return sorted(_titles(search.search_offers(facilitator, search.OfferFilters(**filters), TODAY)))

    assert titles() == ["Lowongan Dramaga", "Lowongan Sukamaju", "Pelatihan desa"]
    assert titles(kind=OfferKind.TRAINING) == ["Pelatihan desa"]
    assert titles(kecamatan=DRAMAGA) == ["Lowongan Dramaga"]
    assert titles(open_only=False) == [
        "Lowongan Dramaga", "Lowongan Sukamaju", "Pelatihan desa", "Sudah lewat", "Sudah penuh",
    ]


def test_partner_directory_search_tolerates_typos_and_hides_unverified(app):
    """The directory would list unverified partners, or miss a misspelled name."""
    facilitator = make_user(Role.FACILITATOR)
    make_organization(name="Warung Kue Bu Imas")
    make_organization(name="Kantor Desa Sukamaju", kind=OrgKind.VILLAGE_OFFICE)
    make_organization(name="Usaha Belum Diverifikasi", status=OrgStatus.PENDING)
    rows = search.search_partners(facilitator, q="warng kue")
    assert [row.organization.name for row in rows] == ["Warung Kue Bu Imas"]
    everyone = search.search_partners(facilitator)
    assert sorted(row.organization.name for row in everyone) == ["Kantor Desa Sukamaju", "Warung Kue Bu Imas"]
    villages = search.search_partners(facilitator, kind=OrgKind.VILLAGE_OFFICE)
    assert [row.organization.name for row in villages] == ["Kantor Desa Sukamaju"]


def test_search_page_shows_results_and_filters(app, client, login_as):
    """The search page would break or ignore its query string."""
    login_as(Role.FACILITATOR)
    make_offer(make_organization(name="Konveksi Berkah"), title="Penjahit borongan gamis")
    page = client.get("/partners/search?q=penjhit&kind=&category=&kecamatan=&show=open").get_data(as_text=True)
    assert "Penjahit borongan gamis" in page and "1 hasil" in page
    page = client.get("/partners/search?q=zzzz+qqqq").get_data(as_text=True)
    assert "Penjahit borongan gamis" not in page and "Tidak ada yang cocok" in page
    # A forged filter value is ignored, not an error.
    assert client.get("/partners/search?kind=nonsense").status_code == 200
    page = client.get("/partners/directory?q=konveksi").get_data(as_text=True)
    assert "Konveksi Berkah" in page
