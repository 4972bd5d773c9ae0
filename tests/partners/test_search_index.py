"""Each worker's search index: a text search reads only candidate offers, and still sees every change."""

from __future__ import annotations

from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.partners import search
from tests.conftest import SUKAMAJU, make_organization, make_user
from tests.partners.helpers import TODAY, make_offer


def _titles(viewer, query: str) -> list[str]:
    return sorted(row.offer.title for row in search.search_offers(viewer, search.OfferFilters(q=query), TODAY))


def _other_process(statement: str, **values: object) -> None:
    """Write as another worker would: on a connection of its own, unseen by this process's session events."""
    with db.engine.begin() as connection:
        connection.execute(text(statement), values)
    db.session.expire_all()  # as the next request's fresh session would


def test_text_search_scores_only_the_candidates(app, monkeypatch):
    """A search for "jahit" among thousands of offers would read and score every one of them, on every request."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Toko Serba Ada")
    make_offer(organization, title="Penjahit gamis", skills_text="jahit")
    for number in range(30):
        make_offer(organization, title=f"Pembuat kue basah {number}", description="Bikin kue", skills_text="kue")
    assert _titles(facilitator, "penjahit") == ["Penjahit gamis"]  # builds the index
    scored: list[int] = []
    full_reads: list[int] = []
    real_rank, real_documents = search._rank, search._all_offer_documents

    def rank_spy(query, documents, similar=None):
        scored.append(len(documents))
        return real_rank(query, documents, similar)

    def documents_spy(*args, **kwargs):
        full_reads.append(1)
        return real_documents(*args, **kwargs)

    monkeypatch.setattr(search, "_rank", rank_spy)
    monkeypatch.setattr(search, "_all_offer_documents", documents_spy)
    assert _titles(facilitator, "penjahitt") == ["Penjahit gamis"]
    assert _titles(facilitator, "kue") == sorted(f"Pembuat kue basah {number}" for number in range(30))
    assert _titles(facilitator, "bengkel") == []
    assert scored == [1, 30]  # "bengkel" has no candidate: nothing is scored
    assert full_reads == []  # nothing changed: the index was current


def test_offers_written_by_another_process_are_found_at_once(app):
    """A facilitator would not find an offer a business just published or renamed, served by another worker."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    offer = make_offer(organization, title="Penjahit borongan")
    assert _titles(facilitator, "penjahit") == ["Penjahit borongan"]
    _other_process(
        "INSERT INTO offer (organization_id, kind, title, description, skills_text, desa_code, home_based, reach,"
        " places, status, created_at, updated_at) VALUES (:org, 'job', 'Pengrajin anyaman bambu', '', '',"
        " :desa, false, 'kecamatan', 2, 'open', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        org=organization.id, desa=SUKAMAJU,
    )
    assert _titles(facilitator, "anyaman") == ["Pengrajin anyaman bambu"]
    _other_process(
        "UPDATE offer SET title = 'Tukang bordir kerudung', updated_at = :later WHERE id = :id",
        id=offer.id, later="2099-01-01 00:00:00",
    )
    assert _titles(facilitator, "bordir") == ["Tukang bordir kerudung"]
    assert _titles(facilitator, "borongan") == []


def test_a_partner_renamed_elsewhere_is_found_after_the_refresh_period(app, monkeypatch):
    """A search by a partner's new name would miss its offers for ever in a worker that did not rename it."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    make_offer(organization, title="Penjahit borongan")
    assert _titles(facilitator, "penjahit") == ["Penjahit borongan"]
    _other_process("UPDATE organization SET name = 'Rumah Mode Cibungbulang' WHERE id = :id", id=organization.id)
    later = search._now() + search.FULL_REFRESH_SECONDS + 1
    monkeypatch.setattr(search, "_now", lambda: later)
    assert _titles(facilitator, "rumah mode") == ["Penjahit borongan"]


def test_a_rename_in_this_process_is_found_at_once(app):
    """A coordinator renaming a partner would not find it by its new name on the next search."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    make_offer(organization, title="Penjahit borongan")
    assert _titles(facilitator, "berkah") == ["Penjahit borongan"]
    organization.name = "Rumah Mode Sukamaju"
    db.session.commit()
    assert _titles(facilitator, "rumah mode") == ["Penjahit borongan"]
    assert _titles(facilitator, "berkah") == []
    # The index forgot the old name too: the offer is no longer even a candidate for it.
    similar = search._search_cache.similarities(["berkah"])
    assert search._search_cache.candidates("berkah", similar) == set()
