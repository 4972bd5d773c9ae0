"""The partner search shows one page of offers at a time, over the whole ranked result."""

from __future__ import annotations

import datetime as dt

from matchmaker.models import Role
from matchmaker.partners import search
from tests.conftest import make_organization, make_user
from tests.partners.helpers import TODAY, make_offer, take_places


def test_pages_split_the_ranked_results(app):
    """A facilitator paging through many offers would see some twice, miss some, or a wrong total."""
    facilitator = make_user(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    for number in range(5):
        make_offer(organization, title=f"Penjahit borongan {number}",
                   created_at=dt.datetime(2026, 11, 1 + number, 8, 0))
    full = make_offer(organization, title="Penjahit gamis penuh", places=1)
    take_places(full, 1)
    make_offer(organization, title="Pembuat kue basah", description="Bikin kue", skills_text="kue")
    for filters in (search.OfferFilters(), search.OfferFilters(q="penjahit")):
        everything = [row.offer.title for row in search.search_offers(facilitator, filters, TODAY)]
        pages = [search.search_offers_page(facilitator, filters, number, 2, TODAY) for number in (1, 2, 3)]
        assert [row.offer.title for page in pages for row in page.rows] == everything
        assert {page.total for page in pages} == {len(everything)}
        assert pages[0].pages == 3
    # A full offer is not open: it is neither listed nor counted.
    assert "Penjahit gamis penuh" not in everything
    assert search.search_offers_page(facilitator, search.OfferFilters(q="penjahit"), 1, 2, TODAY).total == 5
    # A page past the end shows the last one.
    assert search.search_offers_page(facilitator, search.OfferFilters(), 9, 2, TODAY).page == 3


def test_search_page_has_a_pager(client, login_as):
    """A facilitator with more offers than fit on a page would have no way to reach the rest."""
    login_as(Role.FACILITATOR)
    organization = make_organization(name="Konveksi Berkah")
    for number in range(27):
        make_offer(organization, title=f"Penjahit borongan {number}")
    first = client.get("/partners/search?q=penjahit")
    assert "27" in first.get_data(as_text=True)
    assert 'rel="next"' in first.get_data(as_text=True)
    second = client.get("/partners/search?q=penjahit&page=2").get_data(as_text=True)
    assert second.count('class="card"') == 2
    assert 'rel="prev"' in second
