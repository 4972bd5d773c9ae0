"""The graduation readiness checklist, as data: criteria, weights, which are required, how each is judged.

Each criterion is judged from the data where the data can tell (matches, savings, PKH
components) and from what the facilitator confirmed where it cannot (children in school,
income and a livelihood found outside the app), kept in :class:`ReadinessAssessment`.
The score is the share of the weights whose criterion holds (0–100); a household is
*ready* for a self-reliant graduation only when every required criterion holds, whatever
the score. A criterion not confirmed yet counts as not holding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..i18n import format_date, format_rupiah
from ..models import Household, MatchStatus, ReadinessAssessment, SchoolAttendance

# A livelihood, and an income, count once they have lasted this long.
SUSTAINED_MONTHS = 6
LIVELIHOOD_STATUSES = (MatchStatus.STARTED, MatchStatus.COMPLETED)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class Thresholds:
    """The income a household must reach: the UMK, or the poverty line times its size if lower."""

    umk: int
    poverty_line: int

    @classmethod
    def from_config(cls) -> Thresholds:
        """Read the amounts from the app's configuration."""
        return cls(int(current_app.config["GRADUATION_UMK"]), int(current_app.config["GRADUATION_POVERTY_LINE"]))

    def for_size(self, household_size: int | None) -> int:
        """The monthly income that counts as enough; without a known size only the UMK is used."""
        if not household_size:
            return self.umk
        return min(self.umk, self.poverty_line * household_size)


@dataclass
class Facts:
    """What the criteria look at for one household, gathered once."""

    household: Household
    assessment: ReadinessAssessment | None
    today: dt.date
    thresholds: Thresholds

    @property
    def cutoff(self) -> dt.date:
        """Whatever started on or before this date has lasted the six months."""
        return add_months(self.today, -SUSTAINED_MONTHS)

    @property
    def livelihood_matches(self) -> list[Any]:
        """Her started or completed matches that have a start date."""
        return [
            match for match in self.household.matches
            if match.status in LIVELIHOOD_STATUSES and match.started_on is not None
        ]


@dataclass(frozen=True)
class Result:
    """The verdict on one criterion: ``holds`` is None while the facilitator has not confirmed it."""

    holds: bool | None
    detail: str

    @property
    def met(self) -> bool:
        """Only a confirmed yes counts toward the score."""
        return bool(self.holds)


@dataclass(frozen=True)
class Criterion:
    """One item of the checklist."""

    code: str
    label: Any
    weight: int
    required: bool
    # "data": judged from what the app records; "facilitator": she confirms it on the checklist form.
    source: str
    evaluate: Callable[[Facts], Result]


def _income(facts: Facts) -> Result:
    size = facts.assessment.household_size if facts.assessment else None
    threshold = facts.thresholds.for_size(size)
    best: tuple[int, dt.date] | None = None
    for match in facts.livelihood_matches:
        if match.income_after is not None and match.started_on <= facts.cutoff:
            if best is None or match.income_after > best[0]:
                best = (match.income_after, match.started_on)
    assessment = facts.assessment
    if (
        assessment is not None and assessment.monthly_income is not None
        and assessment.income_since is not None and assessment.income_since <= facts.cutoff
        and (best is None or assessment.monthly_income > best[0])
    ):
        best = (assessment.monthly_income, assessment.income_since)
    basis = (
        _("threshold %(amount)s (UMK)", amount=format_rupiah(threshold)) if threshold == facts.thresholds.umk
        else _("threshold %(amount)s (poverty line × %(size)d people)", amount=format_rupiah(threshold), size=size)
    )
    if best is None:
        return Result(False, _("No income recorded for six months yet; %(basis)s.", basis=basis))
    amount, since = best
    text = _("%(amount)s a month since %(date)s; %(basis)s.", amount=format_rupiah(amount),
             date=format_date(since), basis=basis)
    return Result(amount >= threshold, text)


def _livelihood(facts: Facts) -> Result:
    starts = [match.started_on for match in facts.livelihood_matches]
    if facts.assessment is not None and facts.assessment.livelihood_since is not None:
        starts.append(facts.assessment.livelihood_since)
    if not starts:
        return Result(False, _("No job or business recorded yet."))
    earliest = min(starts)
    if earliest <= facts.cutoff:
        return Result(True, _("Running since %(date)s.", date=format_date(earliest)))
    return Result(False, _("Running since %(date)s: six months on %(when)s.", date=format_date(earliest),
                           when=format_date(add_months(earliest, SUSTAINED_MONTHS))))


def _savings(facts: Facts) -> Result:
    if facts.household.has_savings:
        return Result(True, _("She has a savings account."))
    return Result(False, _("No savings account recorded in her profile."))


def _school(facts: Facts) -> Result:
    answer = facts.assessment.children_in_school if facts.assessment else None
    if answer is None:
        return Result(None, _("Not confirmed yet."))
    if answer == SchoolAttendance.ALL_ATTEND:
        return Result(True, _("Every school-age child goes to school."))
    if answer == SchoolAttendance.NONE_OF_AGE:
        return Result(True, _("No child of school age."))
    return Result(False, _("Not every school-age child goes to school."))


def _no_components(facts: Facts) -> Result:
    remaining = sum(int(count or 0) for count in (facts.household.components or {}).values())
    if remaining == 0:
        return Result(True, _("No PKH component left: she can also graduate naturally."))
    return Result(False, ngettext("%(num)d PKH component remains.", "%(num)d PKH components remain.", remaining))


CRITERIA: tuple[Criterion, ...] = (
    Criterion("income", _l("Income above the UMK or the poverty line for six months"), 30, True, "data", _income),
    Criterion("livelihood", _l("A job or business running for at least six months"), 25, True, "data", _livelihood),
    Criterion("children_in_school", _l("Children in school"), 20, False, "facilitator", _school),
    Criterion("savings", _l("Savings"), 15, False, "data", _savings),
    Criterion("no_components", _l("No PKH component left"), 10, False, "data", _no_components),
)


@dataclass
class Readiness:
    """The checklist filled in for one household."""

    items: list[tuple[Criterion, Result]] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Weights of the criteria that hold, as a share of all weights (0–100)."""
        total = sum(criterion.weight for criterion, _result in self.items)
        met = sum(criterion.weight for criterion, result in self.items if result.met)
        return round(100 * met / total) if total else 0

    @property
    def missing_required(self) -> list[Criterion]:
        """Required criteria that do not hold (or are not confirmed yet)."""
        return [criterion for criterion, result in self.items if criterion.required and not result.met]

    @property
    def ready(self) -> bool:
        """Ready for a self-reliant graduation: every required criterion holds."""
        return not self.missing_required

    @property
    def natural_possible(self) -> bool:
        """No PKH component remains: the case of a natural graduation."""
        return any(criterion.code == "no_components" and result.met for criterion, result in self.items)

    def result(self, code: str) -> Result:
        """The verdict on the criterion ``code``."""
        for criterion, result in self.items:
            if criterion.code == code:
                return result
        raise KeyError(code)


def evaluate(
    household: Household,
    assessment: ReadinessAssessment | None,
    today: dt.date,
    thresholds: Thresholds | None = None,
    criteria: tuple[Criterion, ...] = CRITERIA,
) -> Readiness:
    """Judge every criterion for ``household`` as of ``today``."""
    facts = Facts(household, assessment, today, thresholds or Thresholds.from_config())
    return Readiness([(criterion, criterion.evaluate(facts)) for criterion in criteria])
