"""In-app notifications: who hears of what, the unread count of the bell, and their texts.

Other domains call :func:`notify` inside their own transaction (the caller commits), e.g. the
graduation follow-up::

    notify(facilitator, "checkin_due", household=household, months=6, due_on="2027-05-27")

A notification stores its kind, the match or household it is about and a few small params
(ids, numbers, ISO dates — never personal data); its text is written when it is shown, in
the reader's language, with the household's name only for those allowed to see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Household, Match, Notification, Role, User, UserStatus, utcnow


class Kind:
    """The kinds of notification; each has a text in :data:`TEXTS`."""

    INTRODUCTION = "introduction"  # a partner: a facilitator introduced a candidate
    REQUEST = "request"  # a facilitator: a partner asked to be introduced to her household
    ACCEPTED = "accepted"  # a facilitator: the partner accepted her household
    DECLINED = "declined"  # a facilitator: the partner declined her household
    REQUEST_DECLINED = "request_declined"  # a partner: the facilitator declined its request
    CHECKIN_DUE = "checkin_due"  # a facilitator: a follow-up visit after graduation is due
    WITHDRAWN = "withdrawn"  # a facilitator: a suspended or rejected partner's pending match was withdrawn
    # NIK cases (matchmaker.households.collisions), decided by the coordinator:
    NIK_TRANSFERRED_IN = "nik_transferred_in"  # the requesting facilitator: the household is now hers
    NIK_TRANSFERRED_OUT = "nik_transferred_out"  # the facilitator who held it: it moved to someone else
    NIK_KEPT = "nik_kept"  # the requesting facilitator: the NIK stays where it is (no household named)
    NIK_CHECKED = "nik_checked"  # the facilitator who holds it: checked, it stays in her caseload
    ALL = (INTRODUCTION, REQUEST, ACCEPTED, DECLINED, REQUEST_DECLINED, CHECKIN_DUE, WITHDRAWN,
           NIK_TRANSFERRED_IN, NIK_TRANSFERRED_OUT, NIK_KEPT, NIK_CHECKED)


# Placeholders: %(name)s (the household: full name for her facilitator and coordinator, first
# name for a partner), %(offer)s, %(partner)s, plus the params given to notify().
TEXTS: dict[str, Any] = {
    Kind.INTRODUCTION: _l("New introduction: %(name)s for “%(offer)s”. Please accept or decline."),
    Kind.REQUEST: _l("%(partner)s asks to be introduced to %(name)s for “%(offer)s”."),
    Kind.ACCEPTED: _l("%(partner)s accepted %(name)s for “%(offer)s”. You can now start the match."),
    Kind.DECLINED: _l("%(partner)s declined %(name)s for “%(offer)s”."),
    Kind.REQUEST_DECLINED: _l("The facilitator declined your request to meet %(name)s for “%(offer)s”."),
    Kind.CHECKIN_DUE: _l("A check-in with %(name)s is due (%(months)s months after graduation)."),
    Kind.WITHDRAWN: _l(
        "%(partner)s is suspended: the introduction of %(name)s for “%(offer)s” was withdrawn. "
        "Look for another partner."
    ),
    Kind.NIK_TRANSFERRED_IN: _l("NIK case %(case)s: the coordinator moved %(name)s into your caseload."),
    Kind.NIK_TRANSFERRED_OUT: _l(
        "NIK case %(case)s: the coordinator moved %(name)s to another facilitator's caseload."
    ),
    Kind.NIK_KEPT: _l(
        "NIK case %(case)s: the coordinator checked the NIK you submitted; it cannot be registered in your caseload. "
        "Ask the coordinator for the details."
    ),
    Kind.NIK_CHECKED: _l("NIK case %(case)s: the coordinator checked the registration of %(name)s; she stays in your "
                         "caseload."),
}


def notify(user: User, kind: str, *, match: Match | None = None, household: Household | None = None,
           **params: Any) -> Notification:
    """Add a notification for ``user`` to the session; the caller's transaction commits it.

    ``kind`` is one of :class:`Kind`; ``match`` or ``household`` is what it is about (the
    household defaults to the match's); ``params`` fill the extra placeholders of the text
    (``months`` for ``checkin_due``) and must be JSON values without personal data.
    Raises ``ValueError`` for an unknown kind.
    """
    if kind not in TEXTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if household is None and match is not None:
        household = match.household
    row = Notification(
        user_id=user.id,
        kind=kind,
        match_id=match.id if match is not None else None,
        household_id=household.id if household is not None else None,
        params=dict(params),
    )
    db.session.add(row)
    return row


def notify_organization(organization_id: int, kind: str, *, match: Match, **params: Any) -> list[Notification]:
    """Notify every active member of a partner organization (caller commits)."""
    members = db.session.scalars(
        select(User).where(User.organization_id == organization_id, User.status == UserStatus.ACTIVE,
                           User.role.in_(Role.PARTNERS))
    )
    return [notify(member, kind, match=match, **params) for member in members]


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread (the number on the bell).

    Every page's navigation shows it: cached for this user until a notification changes
    (in this process; elsewhere for at most :data:`~matchmaker.caching.SHORT` seconds).
    """
    from ..caching import remember

    return remember(
        f"unread-notifications:{user.id}",
        lambda: int(db.session.scalar(
            select(func.count()).select_from(Notification)
            .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        ) or 0),
        tables=["notification"],
    )


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it: text, where it leads, whether it is new."""

    notification: Notification
    text: str
    url: str | None
    unread: bool


def _household_name(viewer: User, household: Household | None) -> str:
    from ..households.services import can_view

    if household is None:
        return ""
    return household.full_name if can_view(viewer, household) else household.first_name


def text_of(notification: Notification, viewer: User) -> str:
    """The notification's sentence in the current language."""
    match = notification.match
    household = notification.household or (match.household if match is not None else None)
    values: dict[str, Any] = {"offer": "", "partner": "", "months": "", "case": ""}
    values.update(notification.params or {})
    values["name"] = _household_name(viewer, household)
    if match is not None:
        values["offer"] = match.offer.title
        values["partner"] = match.offer.organization.name
    return str(TEXTS[notification.kind]) % values


def url_of(notification: Notification, viewer: User) -> str | None:
    """The page the notification leads to: the match, else the household for those who may open it."""
    from ..households.services import can_view

    if notification.match_id is not None:
        return url_for("matches.detail", match_id=notification.match_id)
    household = notification.household
    if household is not None and can_view(viewer, household):
        return url_for("households.detail", household_id=household.id)
    return None


def recent(user: User, limit: int = 50) -> list[Shown]:
    """``user``'s latest notifications, newest first, ready to show."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .options(joinedload(Notification.match).joinedload(Match.offer), joinedload(Notification.household))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).unique()
    return [Shown(row, text_of(row, user), url_of(row, user), row.read_at is None) for row in rows]


def get_own(user: User, notification_id: int) -> Notification | None:
    """The notification if it is ``user``'s, else None."""
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(notification: Notification, when: dt.datetime | None = None) -> None:
    """Mark one notification read (if it was not yet); commits."""
    if notification.read_at is None:
        notification.read_at = when or utcnow()
        db.session.commit()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of ``user`` read; return how many; commits."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()
    return int(result.rowcount or 0)
