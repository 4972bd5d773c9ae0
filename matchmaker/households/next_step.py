"""The one next action shown at the top of a household page, where the facilitator's thumb is.

Order of precedence: a graduation already sent waits for the coordinator; a household ready to
graduate is graduated; an open match with a step for this user gets that step; an introduction
waits for the partner; a woman already working gets the graduation checklist; otherwise a household
on her way gets "Find partners".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Household, HouseholdStatus, Match, MatchEvent, MatchStatus

# Match states where the facilitator side has something to do now (consent, introduce, approve, start).
ACTIONABLE = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED)


@dataclass(frozen=True)
class NextAction:
    """What the household page puts first.

    ``kind`` is one of ``graduation_pending``, ``graduate``, ``match_step``, ``match_waiting``,
    ``checklist``, ``find``; ``match`` is set for the match kinds and ``checklist`` and ``since`` for ``match_waiting``.
    """

    kind: str
    match: Match | None = None
    since: dt.datetime | None = None


def introduced_at(match: Match) -> dt.datetime | None:
    """When the introduction of ``match`` was last sent to the partner (None if it never was)."""
    return db.session.scalar(
        select(func.max(MatchEvent.created_at)).where(
            MatchEvent.match_id == match.id, MatchEvent.to_status == MatchStatus.INTRODUCED
        )
    )


def next_action(
    household: Household,
    *,
    graduation_pending: bool,
    graduation_ready: bool,
    can_graduate: bool,
    steps: Callable[[Match], list[str]],
) -> NextAction | None:
    """The household's next action for the current user, or None when nothing is left to do.

    ``steps(match)`` lists the steps the current user may take on a match; ``graduation_ready`` is
    true when every required item of the readiness checklist holds.
    """
    if graduation_pending:
        return NextAction("graduation_pending")
    if household.status in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED):
        return None
    if graduation_ready and can_graduate:
        return NextAction("graduate")
    newest_first = sorted(household.matches, key=lambda match: (match.updated_at, match.id), reverse=True)
    for match in newest_first:
        if match.status in ACTIONABLE and steps(match):
            return NextAction("match_step", match=match)
    for match in newest_first:
        if match.status == MatchStatus.INTRODUCED:
            return NextAction("match_waiting", match=match, since=introduced_at(match))
    started = next((match for match in newest_first if match.status == MatchStatus.STARTED), None)
    if started is not None:
        # She is working: what is left is keeping the graduation checklist up to date.
        return NextAction("checklist", match=started)
    if household.status in (HouseholdStatus.ACTIVE, HouseholdStatus.IN_PROGRESS):
        return NextAction("find")
    return None
