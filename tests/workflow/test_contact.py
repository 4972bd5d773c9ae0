"""Contact that fits the woman: call, SMS and WhatsApp beside each phone, and the printable introduction letter."""

from __future__ import annotations

import re
from urllib.parse import quote

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, MatchStatus
from matchmaker.phones import contact_ways, has_smartphone, sms_link, tel_link
from tests.conftest import log_in

from .conftest import PHONE, make_match


def _html(response) -> str:
    return response.get_data(as_text=True)


def _contact_buttons(page: str) -> list[tuple[str, str, str]]:
    """(class, href, text) of every link in the page's contact rows, in order."""
    rows = re.findall(r'<p class="contact-ways">(.*?)</p>', page, re.S)
    return [link for row in rows for link in re.findall(r'<a class="([^"]+)" href="([^"]+)"[^>]*>([^<]+)</a>', row)]


def test_links_for_a_phone_number():
    """A tap on "call" or "SMS" would not open the phone's dialler or messages with the right number and text."""
    assert tel_link(PHONE) == "tel:+6281234567890"
    assert sms_link(PHONE, "Halo Ibu") == "sms:+6281234567890?body=Halo%20Ibu"
    assert sms_link(PHONE) == "sms:+6281234567890"
    assert [way.kind for way in contact_ways(PHONE, "x")] == ["whatsapp", "call", "sms"]
    assert [way.kind for way in contact_ways(PHONE, "x", smartphone=False)] == ["call", "sms", "whatsapp"]


def test_smartphone_is_read_from_her_constraints_and_assets():
    """A woman without a smartphone would be offered WhatsApp first, which may never reach her."""
    assert has_smartphone([], [])
    assert has_smartphone([], ["smartphone", "basic_phone"])
    assert not has_smartphone(["no_smartphone"], ["smartphone"])
    assert not has_smartphone([], ["basic_phone", "motorbike"])


def test_partner_without_smartphone_woman_sees_call_first_and_sms_with_the_whatsapp_text(world, client):
    """The partner would only get WhatsApp for a woman marked "no smartphone", or the SMS would lack the message."""
    world.household.constraints = ["no_smartphone"]
    db.session.commit()
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.partner)
    page = _html(client.get(f"/matches/{match.id}"))
    buttons = _contact_buttons(page)
    assert [href.split(":")[0] for _cls, href, _text in buttons[:3]] == ["tel", "sms", "https"]
    assert "button--primary" in buttons[0][0] and "button--primary" not in buttons[1][0]
    assert buttons[0][1] == "tel:+6281234567890"
    body = buttons[1][1].split("?body=")[1]
    whatsapp_text = buttons[2][1].split("?text=")[1]
    assert body == whatsapp_text and quote("Halo Ibu Siti Aminah Lestari") in body
    assert "tidak punya smartphone" in page.lower()


def test_partner_sees_whatsapp_first_for_a_woman_with_a_smartphone(world, client):
    """A woman with a smartphone would be called first when WhatsApp is what she uses."""
    world.household.assets = ["smartphone"]
    db.session.commit()
    match = make_match(world, MatchStatus.STARTED)
    log_in(client, world.partner)
    buttons = _contact_buttons(_html(client.get(f"/matches/{match.id}")))
    assert buttons[0][1].startswith("https://wa.me/6281234567890?text=") and "button--primary" in buttons[0][0]
    assert {href.split(":")[0] for _cls, href, _text in buttons[:3]} == {"https", "tel", "sms"}


def test_facilitator_gets_call_sms_and_whatsapp_for_the_partner(world, client):
    """The facilitator could only WhatsApp the partner, not call or text it."""
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.facilitator)
    hrefs = [href for _cls, href, _text in _contact_buttons(_html(client.get(f"/matches/{match.id}")))]
    assert "tel:+6285711112222" in hrefs
    assert any(href.startswith("sms:+6285711112222?body=Halo%20Ade") for href in hrefs)
    assert any(href.startswith("https://wa.me/6285711112222?text=") for href in hrefs)


def test_letter_holds_both_names_offer_facilitator_date_and_signatures_but_no_nik(world, client):
    """The woman going in person would have no letter, or it would show her NIK or lack who to call."""
    world.facilitator.phone = "+6281399998888"
    db.session.commit()
    match = make_match(world, MatchStatus.ACCEPTED)
    log_in(client, world.facilitator)
    assert f'href="/matches/{match.id}/letter"' in _html(client.get(f"/matches/{match.id}"))
    response = client.get(f"/matches/{match.id}/letter")
    assert response.status_code == 200
    page = _html(response)
    for expected in ("Siti Aminah Lestari", "Konveksi Bu Ade", world.offer.title, "Bu Nining", "+6281399998888",
                     "Surat perkenalan", "Calon peserta", "Pendamping"):
        assert expected in page, expected
    assert page.count('class="letter__line"') == 3  # a place to sign for her, the partner and the facilitator
    assert re.search(r"Tanggal: \d{1,2} \w+ 20\d\d", page)
    assert world.household.nik not in page and world.household.nik[-4:] not in page
    print_sheet = re.search(r'<link[^>]*letter-print\.(?:[0-9a-f]+\.)?css[^>]*>', page)  # content-hashed name
    assert print_sheet and 'media="print"' in print_sheet.group(0)
    assert db.session.query(AuditEvent).filter_by(action="match.letter_shown").count() == 1


def test_letter_is_only_for_those_who_may_see_her_name(world, client):
    """Another facilitator, another partner, or the partner before accepting could print a letter with her name."""
    introduced = make_match(world, MatchStatus.INTRODUCED)
    log_in(client, world.partner)
    assert client.get(f"/matches/{introduced.id}/letter").status_code == 404
    assert f"/matches/{introduced.id}/letter" not in _html(client.get(f"/matches/{introduced.id}"))
    introduced.status = MatchStatus.ACCEPTED
    db.session.commit()
    assert client.get(f"/matches/{introduced.id}/letter").status_code == 200
    client.post("/auth/logout")
    for outsider in (world.other_facilitator, world.other_partner, world.other_coordinator):
        log_in(client, outsider)
        assert client.get(f"/matches/{introduced.id}/letter").status_code == 404
        client.post("/auth/logout")
