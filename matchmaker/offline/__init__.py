"""Reading without signal: which pages a facilitator's phone keeps, and how they are kept.

The service worker (``static/sw.js``, served at ``/sw.js`` for the whole site), started by
``static/offline.js``, asks :func:`offline_urls` (through ``/offline/pages.json``) for
the list of addresses to keep, fetch each with the ``Mg-Offline-Copy: 1`` header and store it,
gzip-compressed, in the Cache Storage cache ``mg-pages-<user id>``.

**The registry.** :data:`OFFLINE_PAGES` names each page kept, by endpoint, and what it is kept
*for*: once per user, once per page of her caseload list, or once per household, open match,
offer proposed to her households, or open graduation check-in. Another page joins by appending
an :class:`OfflinePage`, for example a home-visit form kept for each household::

    OFFLINE_PAGES.append(OfflinePage("visits.new", "household", "household_id"))

:data:`OFFLINE_STATIC` names the static files the kept pages need (stylesheet, scripts, icon).

**Privacy.** Only facilitators get a list, built from her own households (the caseload's own
scope); a copy made for the phone never carries a full NIK or No. KK (:func:`mask_long_numbers`
runs on every such response, and the household page hides the identity block as it does for
anyone who may not see it).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import distinct, func, select

from ..extensions import db
from ..models import GraduationCheckin, Household, Match, MatchStatus, Role, User

# The request header the service worker sends when it fetches a page to keep on the phone.
OFFLINE_COPY_HEADER = "Mg-Offline-Copy"
# Matches still under way: the ones she may have to act on at the door.
OPEN_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED)
# A NIK or No. KK: sixteen digits not part of a longer number.
_SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# Where whitespace is the content itself (her words in a form): left exactly as it is.
_VERBATIM = re.compile(r"(<textarea\b.*?</textarea>|<pre\b.*?</pre>)", re.S | re.I)
# The template's indentation: a line break and the blanks after it.
_INDENTATION = re.compile(r"\n\s+")


@dataclass(frozen=True)
class OfflinePage:
    """A page kept on a facilitator's phone.

    ``per`` names what the page is kept for (a key of :data:`SOURCES`): ``"user"`` (once),
    ``"caseload_page"`` (each page of her caseload list), ``"household"``, ``"match"``,
    ``"offer"`` or ``"checkin"`` (once for each of hers); ``arg`` is the URL argument that
    takes the id (``household_id``...), unused for ``"user"``.
    """

    endpoint: str
    per: str
    arg: str | None = None


# The pages kept offline, in the order they are fetched (the list and her households first).
OFFLINE_PAGES: list[OfflinePage] = [
    OfflinePage("main.home", "user"),
    OfflinePage("households.index", "caseload_page", "page"),
    OfflinePage("households.detail", "household", "household_id"),
    OfflinePage("households.edit", "household", "household_id"),
    OfflinePage("matches.detail", "match", "match_id"),
    OfflinePage("partners.offer_detail", "offer", "offer_id"),
    OfflinePage("graduation.checkins", "user"),
    OfflinePage("graduation.checkin", "checkin", "checkin_id"),
    # The home-visit form needs no page of its own here: it sits on her household page.
    # Shown offline in place of a page the phone does not keep.
    OfflinePage("offline.unavailable", "user"),
]

# Static files the kept pages load (names as under ``matchmaker/static/``; served hashed).
OFFLINE_STATIC: list[str] = ["app.css", "favicon.svg", "offline.js", "region-picker.js", "js/outbox.js",
                       "icons/icon-192.png"]


def _own_households(user: User):
    # The caseload's own scope (her households, within her areas), so that the phone never
    # keeps a household the caseload page would not show her.
    from ..households.services import scope_condition

    return select(Household.id).where(scope_condition(user))


def _once(user: User) -> list[int | None]:
    return [None]


def _caseload_pages(user: User) -> list[int | None]:
    total = db.session.scalar(select(func.count()).select_from(_own_households(user).subquery())) or 0
    per_page = int(current_app.config["PER_PAGE"])
    pages = max(1, -(-total // per_page))
    # Page 1 is the plain list address, as the menu links it.
    return [None, *range(2, pages + 1)]


def _households(user: User) -> list[int]:
    return list(db.session.scalars(_own_households(user).order_by(Household.id)))


def _open_matches(user: User) -> list[int]:
    query = (
        select(Match.id)
        .where(Match.household_id.in_(_own_households(user)), Match.status.in_(OPEN_MATCH_STATUSES))
        .order_by(Match.id)
    )
    return list(db.session.scalars(query))


def _proposed_offers(user: User) -> list[int]:
    from ..partners.services import visible_offer

    query = (
        select(distinct(Match.offer_id))
        .where(Match.household_id.in_(_own_households(user)), Match.status.in_(OPEN_MATCH_STATUSES))
        .order_by(Match.offer_id)
    )
    # An offer she could not open online (a suspended organization) is not kept either.
    return [offer_id for offer_id in db.session.scalars(query) if visible_offer(user, offer_id) is not None]


def _open_checkins(user: User) -> list[int]:
    query = (
        select(GraduationCheckin.id)
        .where(GraduationCheckin.household_id.in_(_own_households(user)), GraduationCheckin.done_on.is_(None))
        .order_by(GraduationCheckin.id)
    )
    return list(db.session.scalars(query))


# What each ``OfflinePage.per`` stands for: the ids (or page numbers) to keep for ``user``.
SOURCES: dict[str, Callable[[User], Iterable[int | None]]] = {
    "user": _once,
    "caseload_page": _caseload_pages,
    "household": _households,
    "match": _open_matches,
    "offer": _proposed_offers,
    "checkin": _open_checkins,
}


def offline_urls(user: User, pages: Iterable[OfflinePage] | None = None) -> list[str]:
    """The addresses of the pages ``user``'s phone keeps: her own only, and none for other roles."""
    if user.role != Role.FACILITATOR:
        return []
    urls: list[str] = []
    cache: dict[str, list[int | None]] = {}
    for page in OFFLINE_PAGES if pages is None else pages:
        if page.per not in SOURCES:
            raise KeyError(f"OfflinePage {page.endpoint}: unknown per={page.per!r} (one of {sorted(SOURCES)})")
        if page.per not in cache:
            cache[page.per] = list(SOURCES[page.per](user))
        for value in cache[page.per]:
            kwargs = {page.arg: value} if page.arg and value is not None else {}
            urls.append(url_for(page.endpoint, **kwargs))
    return list(dict.fromkeys(urls))


def offline_static_urls(user: User) -> list[str]:
    """The (hashed) static files kept with the pages; none for roles that keep no pages."""
    if user.role != Role.FACILITATOR:
        return []
    return [url_for("static", filename=name) for name in OFFLINE_STATIC]


def is_offline_copy() -> bool:
    """Whether this request is the service worker fetching a page to keep on a facilitator's phone."""
    return (
        request.headers.get(OFFLINE_COPY_HEADER) == "1"
        and current_user.is_authenticated
        and current_user.role == Role.FACILITATOR
    )


def mask_long_numbers(text: str) -> str:
    """Hide every sixteen-digit number (a NIK or No. KK) but its last four digits."""
    from ..households.nik import mask_nik

    return _SIXTEEN_DIGITS.sub(lambda found: mask_nik(found.group(0)), text)


def slim_html(text: str) -> str:
    """Drop the templates' indentation (a phone keeps 250 households' pages): a line break and the
    blanks after it become one line break, which renders the same; textareas and ``pre`` are kept as is."""
    parts = _VERBATIM.split(text)
    return "".join(part if index % 2 else _INDENTATION.sub("\n", part) for index, part in enumerate(parts))


def session_marker(user: User) -> str:
    """A value that changes at each login of ``user`` and tells nothing about the session cookie."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"offline:{user.get_id()}".encode(), hashlib.sha256).hexdigest()[:16]
