"""Households: who may see and edit which, profile writes, the caseload list and its search.

Scoping rules: a facilitator sees and edits the households she owns inside her assigned
area; a coordinator sees (read-only) every household of her area, the whole district.
Personal identity (full NIK, phone) is shown only to those two; everyone else gets masks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy import ColumnElement, Select, and_, false, func, select
from sqlalchemy.orm import selectinload

from ..audit import record_audit
from ..extensions import db
from ..models import (
    HomeVisit,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    Match,
    MatchEvent,
    Reach,
    Region,
    RegionLevel,
    Role,
    Skill,
    User,
    WorkPreference,
)
from ..pagination import page_count, page_slice
from ..reference import vocabulary
from ..refusals import Refusal
from ..scoping import code_within, region_within

# A name scoring at least this (rapidfuzz WRatio, 0-100) is a search hit: "Sitti Aminah"
# still finds "Siti Aminah", "Aminah" finds every Aminah, "Yanti" does not find "Yati".
NAME_SEARCH_CUTOFF = 80
# Similar enough to be the same woman typed twice (together with same birth date and desa).
DUPLICATE_NAME_CUTOFF = 85
# Digits typed in the search box that are read as a NIK fragment rather than a name.
NIK_SEARCH_MIN_DIGITS = 4

COMPONENT_KEYS = vocabulary.codes("pkh_component")
INCOME_BRACKETS = ("lt_1jt", "1_2jt", "2_3jt", "gt_3jt")
VIEWER_ROLES = (Role.FACILITATOR, Role.COORDINATOR)


class HouseholdError(Refusal):
    """A write was refused; ``code`` is a key of :mod:`matchmaker.households.messages`, ``field`` the form field."""


@dataclass
class HouseholdData:
    """A household profile as forms and the importer hand it over, already validated field by field."""

    nik: str
    full_name: str
    desa_code: str
    birth_date: dt.date | None = None
    kk_number: str | None = None
    phone: str | None = None
    address: str | None = None
    pkh_participant_id: str | None = None
    components: dict[str, int] = field(default_factory=dict)
    year_joined: int | None = None
    skills_text: str = ""
    interests: str = ""
    work_experience: str = ""
    business_experience: str = ""
    work_preference: str = WorkPreference.ANY
    hours_per_week: int | None = None
    travel_range: str = Reach.VILLAGE
    home_based_only: bool = False
    constraints: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    assets_text: str = ""
    profile_notes: str = ""
    income_bracket: str | None = None
    has_savings: bool = False
    status: str = HouseholdStatus.ACTIVE
    graduation_type: str | None = None
    graduated_on: dt.date | None = None

    @classmethod
    def from_household(cls, household: Household) -> HouseholdData:
        """The profile currently stored in ``household``."""
        return cls(**{f.name: getattr(household, f.name) for f in fields(cls)})

    def as_columns(self) -> dict[str, Any]:
        """The profile as column values, with the components complete and zero counts dropped."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["components"] = {key: int(count) for key, count in self.components.items() if count}
        if self.status != HouseholdStatus.GRADUATED:
            values["graduation_type"] = None
            values["graduated_on"] = None
        return values


# Scoping -----------------------------------------------------------------------------


def scope_condition(user: User) -> ColumnElement[bool]:
    """SQL condition selecting the households ``user`` may see."""
    if user.role == Role.FACILITATOR:
        return and_(Household.facilitator_id == user.id, region_within(Household.desa_code, user.area_codes))
    if user.role == Role.COORDINATOR:
        return region_within(Household.desa_code, user.area_codes)
    return false()


def can_view(user: User, household: Household) -> bool:
    """Whether ``user`` may open ``household`` at all."""
    if user.role == Role.FACILITATOR:
        return household.facilitator_id == user.id and code_within(household.desa_code, user.area_codes)
    if user.role == Role.COORDINATOR:
        return code_within(household.desa_code, user.area_codes)
    return False


def can_edit(user: User, household: Household) -> bool:
    """Only the owning facilitator, inside her area, edits a profile."""
    return user.role == Role.FACILITATOR and can_view(user, household)


def can_see_identity(user: User, household: Household) -> bool:
    """The full NIK and phone are for the owning facilitator and the coordinator only."""
    return can_view(user, household)


def get_visible_household(user: User, household_id: int) -> Household | None:
    """The household if ``user`` may see it, else None (the view answers 404 either way)."""
    household = db.session.get(Household, household_id)
    if household is None or not can_view(user, household):
        return None
    return household


def record_identity_shown(actor: User, household: Household) -> None:
    """Write the audit event for a full NIK shown on screen, and commit it."""
    record_audit(actor, "household.nik_shown", "household", household.id)
    db.session.commit()


# Reference look-ups ---------------------------------------------------------------------


def kecamatan_codes() -> set[str]:
    """Every known kecamatan as the six digits a NIK starts with (``320116``)."""
    codes = db.session.scalars(select(Region.code).where(Region.level == RegionLevel.SUBDISTRICT))
    return {code.replace(".", "") for code in codes}


def is_known_kecamatan(six_digits: str) -> bool:
    """Whether a NIK's first six digits are a kecamatan code in the region table."""
    dotted = f"{six_digits[0:2]}.{six_digits[2:4]}.{six_digits[4:6]}"
    region = db.session.get(Region, dotted)
    return region is not None and region.level == RegionLevel.SUBDISTRICT


def desa_in_area(user: User, desa_code: str) -> bool:
    """Whether ``desa_code`` is a desa inside ``user``'s assigned area."""
    region = db.session.get(Region, desa_code)
    return region is not None and region.level == RegionLevel.VILLAGE and code_within(desa_code, user.area_codes)


def resolve_desa_input(user: User, text: str | None, code: str | None) -> str | None:
    """The desa a picker field submitted: the picked code, else the typed name resolved inside her area.

    A picked code outside her area is returned as is, so that the form can say so.
    """
    from ..reference.resolver import resolve_region, resolve_region_field

    picked = resolve_region_field(None, code, None) if code else None
    if picked is not None:
        return picked
    if not text or not text.strip():
        return None
    best = None
    for area in user.area_codes:
        found = resolve_region(text, level=RegionLevel.VILLAGE, within=area)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best.code if best else None


def skills_by_slug(slugs: list[str]) -> list[Skill]:
    """The canonical skills with these slugs, in slug order (unknown slugs are ignored)."""
    if not slugs:
        return []
    return list(db.session.scalars(select(Skill).where(Skill.slug.in_(slugs)).order_by(Skill.slug)))


# Writes ---------------------------------------------------------------------------------


def find_likely_duplicate(
    full_name: str, birth_date: dt.date | None, desa_code: str, nik: str, exclude_id: int | None = None
) -> Household | None:
    """Another household that is probably the same woman: similar name, same birth date and desa, other NIK."""
    if birth_date is None:
        return None
    query = select(Household).where(
        Household.birth_date == birth_date, Household.desa_code == desa_code, Household.nik != nik
    )
    if exclude_id is not None:
        query = query.where(Household.id != exclude_id)
    for candidate in db.session.scalars(query.order_by(Household.id)):
        if names_alike(full_name, candidate.full_name):
            return candidate
    return None


def names_alike(first: str, second: str) -> bool:
    """Whether two names are probably the same person's, typed differently."""
    return fuzz.token_sort_ratio(first, second, processor=utils.default_process) >= DUPLICATE_NAME_CUTOFF


MANUAL_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.EXITED)


def _keep_derived_status(data: HouseholdData, household: Household | None) -> None:
    """Keep the status the workflow set: a profile edit never graduates nor un-graduates anyone.

    Graduation needs a coordinator's approval (matchmaker.graduation) and "in progress" follows
    a started match (matchmaker.matches.workflow).
    """
    if household is not None and household.status not in MANUAL_STATUSES:
        data.status = household.status
        data.graduation_type = household.graduation_type
        data.graduated_on = household.graduated_on
    elif data.status not in MANUAL_STATUSES:
        raise HouseholdError("status.not_manual", "status")


def _check_write(actor: User, data: HouseholdData, household: Household | None) -> None:
    """Refuse a write outside her area or with a NIK that is not free.

    Her desa must lie in her area; her NIK's prefix may differ (people move). A NIK of her
    own caseload is a plain duplicate. A NIK not in her caseload (a new household, or a NIK
    changed on edit) goes through the :class:`~.collisions.NikGate`: held elsewhere it gets
    the neutral answer and a case for the coordinator, past the daily limit every new NIK is
    refused. That refusal is its own transaction: whatever the caller had pending (a form's
    submission claim) is rolled back and the case and its audit event are committed, so that
    the caller's rollback on :class:`HouseholdError` cannot undo them.
    """
    from . import collisions

    if actor.role != Role.FACILITATOR:
        raise HouseholdError("not_allowed")
    if not desa_in_area(actor, data.desa_code):
        raise HouseholdError("desa.outside_area", "desa")
    if household is not None and household.nik == data.nik:
        return
    other = db.session.scalar(select(Household).where(Household.nik == data.nik))
    if other is not None and other.facilitator_id == actor.id:
        raise HouseholdError("nik.taken", "nik")
    source = "form" if household is None else "edit"
    if other is None and not collisions.NikGate(actor, source).exhausted:
        return
    values = data.as_columns()
    other_id = other.id if other is not None else None
    db.session.rollback()
    other = db.session.get(Household, other_id) if other_id is not None else None
    gate = collisions.NikGate(actor, source)
    answer, case_id = gate.check(other, values)
    gate.finish()
    db.session.commit()
    # FREE here means the 24-hour window moved on since the check above: refused as at the limit.
    if answer in (collisions.LIMIT, collisions.FREE):
        raise HouseholdError("nik.check_limit", "nik")
    raise HouseholdError("nik.unavailable", "nik", case=case_id)


def create_household(actor: User, data: HouseholdData, skill_slugs: list[str]) -> Household:
    """Create a household owned by ``actor`` (a facilitator) and commit it.

    Raises :class:`HouseholdError` when the desa is outside her area or the NIK exists.
    A likely duplicate (another NIK, same woman) is linked for review, not refused.
    """
    _keep_derived_status(data, None)
    _check_write(actor, data, None)
    household = Household(facilitator_id=actor.id, **data.as_columns())
    household.skills = skills_by_slug(skill_slugs)
    duplicate = find_likely_duplicate(data.full_name, data.birth_date, data.desa_code, data.nik)
    household.likely_duplicate_of_id = duplicate.id if duplicate else None
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdEvent(household_id=household.id, actor_id=actor.id, action="created"))
    db.session.commit()
    return household


def update_household(actor: User, household: Household, data: HouseholdData, skill_slugs: list[str]) -> list[str]:
    """Save an edited profile and return the names of the fields that changed (committed)."""
    if not can_edit(actor, household):
        raise HouseholdError("not_allowed")
    _keep_derived_status(data, household)
    _check_write(actor, data, household)
    changed = changed_fields(household, data)
    new_skills = skills_by_slug(skill_slugs)
    if [s.slug for s in new_skills] != [s.slug for s in household.skills]:
        changed.append("skills")
    if not changed:
        return []
    for name, value in data.as_columns().items():
        setattr(household, name, value)
    household.skills = new_skills
    if {"full_name", "birth_date", "desa_code", "nik"} & set(changed):
        duplicate = find_likely_duplicate(data.full_name, data.birth_date, data.desa_code, data.nik, household.id)
        household.likely_duplicate_of_id = duplicate.id if duplicate else None
    db.session.add(HouseholdEvent(household_id=household.id, actor_id=actor.id, action="updated", fields=changed))
    db.session.commit()
    return changed


def changed_fields(household: Household, data: HouseholdData) -> list[str]:
    """Names of the profile fields whose value in ``data`` differs from ``household``."""
    new = data.as_columns()
    changed = []
    for name, value in new.items():
        old = getattr(household, name)
        if name == "components":
            old = {key: count for key, count in (old or {}).items() if count}
        if (old or None) != (value or None):
            changed.append(name)
    return changed


def clear_duplicate_flag(actor: User, household: Household) -> None:
    """Record that the flagged household is not a duplicate after all (committed)."""
    if not can_edit(actor, household):
        raise HouseholdError("not_allowed")
    household.likely_duplicate_of_id = None
    db.session.add(HouseholdEvent(household_id=household.id, actor_id=actor.id, action="duplicate_cleared"))
    db.session.commit()


# The caseload ---------------------------------------------------------------------------


@dataclass
class CaseloadFilters:
    """What the caseload list is narrowed to; empty strings mean "any"."""

    desa: str = ""
    status: str = ""
    skill_category: str = ""
    work_preference: str = ""
    q: str = ""

    def active(self) -> bool:
        """Whether any filter or search is set."""
        return any((self.desa, self.status, self.skill_category, self.work_preference, self.q))


@dataclass
class CaseloadPage:
    """One page of the caseload."""

    items: list[Household]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """The number of pages (at least one)."""
        return page_count(self.total, self.per_page)

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages


def caseload_query(user: User, filters: CaseloadFilters) -> Select[tuple[Household]]:
    """The households ``user`` may see, narrowed by ``filters`` except the name search."""
    query = select(Household).where(scope_condition(user))
    if filters.desa:
        query = query.where(Household.desa_code == filters.desa)
    if filters.status:
        query = query.where(Household.status == filters.status)
    if filters.work_preference:
        query = query.where(Household.work_preference == filters.work_preference)
    if filters.skill_category:
        query = query.where(Household.skills.any(Skill.category == filters.skill_category))
    digits = "".join(ch for ch in filters.q if ch.isdigit())
    if digits and len(digits) >= NIK_SEARCH_MIN_DIGITS and not any(ch.isalpha() for ch in filters.q):
        query = query.where(Household.nik.contains(digits, autoescape=True))
    return query


def name_query(filters: CaseloadFilters) -> str | None:
    """The search text when it is a name (it has letters) rather than NIK digits."""
    text = filters.q.strip()
    return text if any(ch.isalpha() for ch in text) else None


def search_names(query: str, candidates: list[tuple[int, str]]) -> list[int]:
    """Ids of the candidates whose name matches ``query`` despite typos, best first."""
    choices = {household_id: name for household_id, name in candidates}
    hits = process.extract(
        query,
        choices,
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        score_cutoff=NAME_SEARCH_CUTOFF,
        limit=None,
    )
    # Ties (an exact first name shared by many) keep the alphabetical order of the names.
    hits.sort(key=lambda hit: (-hit[1], hit[0], hit[2]))
    return [household_id for _name, _score, household_id in hits]


def caseload(user: User, filters: CaseloadFilters, page: int = 1, per_page: int = 25) -> CaseloadPage:
    """One page of the households ``user`` may see, filtered and searched.

    The name search runs in Python over the ids and names of the (already scoped and
    filtered) households, so that a typo still finds her; the rest is SQL.
    """
    page = max(1, page)
    base = caseload_query(user, filters)
    name = name_query(filters)
    options = (selectinload(Household.desa),)
    if name is None:
        total = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
        items = list(
            db.session.scalars(
                base.options(*options)
                .order_by(Household.full_name, Household.id)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
        return CaseloadPage(items, total, page, per_page)
    candidates = db.session.execute(
        base.with_only_columns(Household.id, Household.full_name).order_by(Household.full_name, Household.id)
    ).all()
    ids = search_names(name, [(row[0], row[1]) for row in candidates])
    page_ids = page_slice(ids, page, per_page)
    by_id = {
        household.id: household
        for household in db.session.scalars(select(Household).where(Household.id.in_(page_ids)).options(*options))
    }
    return CaseloadPage([by_id[i] for i in page_ids if i in by_id], len(ids), page, per_page)


def desa_filter_choices(user: User) -> dict[str, list[tuple[str, str]]]:
    """The desa of ``user``'s area grouped by kecamatan, for the caseload filter."""
    from sqlalchemy.orm import aliased

    from ..caching import REFERENCE, remember

    areas = sorted(user.area_codes)

    def read() -> dict[str, list[tuple[str, str]]]:
        kecamatan = aliased(Region)
        rows = db.session.execute(
            select(Region.code, Region.name, kecamatan.name)
            .join(kecamatan, Region.parent_code == kecamatan.code)
            .where(Region.level == RegionLevel.VILLAGE, region_within(Region.code, areas))
            .order_by(kecamatan.name, Region.name)
        )
        grouped: dict[str, list[tuple[str, str]]] = {}
        for code, name, kecamatan_name in rows:
            grouped.setdefault(f"Kec. {kecamatan_name}", []).append((code, name))
        return grouped

    # Depends on the areas only (reference data, nothing personal): shared by the users of an area.
    return remember(f"desa-choices:{','.join(areas)}", read, tables=["region"], timeout=REFERENCE)


def skill_categories() -> list[str]:
    """The skill categories that canonical skills use, alphabetically."""
    from ..caching import REFERENCE, remember

    return remember(
        "skill-categories",
        lambda: list(db.session.scalars(select(Skill.category).distinct().order_by(Skill.category))),
        tables=["skill"], timeout=REFERENCE,
    )


# The detail page ------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a household's history: a profile change, a match's status change or a home visit."""

    at: dt.datetime
    kind: str  # "household" or "match"
    action: str
    actor: str | None
    fields: tuple[str, ...] = ()
    match: Match | None = None
    visit: HomeVisit | None = None


def history(household: Household) -> list[HistoryEntry]:
    """The household's profile events and its matches' status changes, newest first."""
    entries = [
        HistoryEntry(event.created_at, "household", event.action, event.actor.name if event.actor else None,
                     tuple(event.fields or ()))
        for event in db.session.scalars(
            select(HouseholdEvent)
            .where(HouseholdEvent.household_id == household.id)
            .options(selectinload(HouseholdEvent.actor))
        )
    ]
    match_events = db.session.scalars(
        select(MatchEvent)
        .join(Match, MatchEvent.match_id == Match.id)
        .where(Match.household_id == household.id)
        .options(selectinload(MatchEvent.actor), selectinload(MatchEvent.match).selectinload(Match.offer))
    )
    entries += [
        HistoryEntry(event.created_at, "match", event.to_status, event.actor.name if event.actor else None,
                     match=event.match)
        for event in match_events
    ]
    from ..visits.services import visits_of

    entries += [
        HistoryEntry(visit.created_at, "visit", "visited", visit.facilitator.name if visit.facilitator else None,
                     visit=visit)
        for visit in visits_of(household)
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


# Canonical skills on the form ----------------------------------------------------------------


@dataclass(frozen=True)
class SkillOption:
    """A checkbox of the form's recognised skills: a linked skill or a suggestion from her words."""

    slug: str
    label: str
    phrase: str | None  # the words it was recognised from, for a suggestion


def suggested_skills(text: str) -> list[tuple[Skill, str]]:
    """Canonical skills the resolver recognises in ``text``, with the phrase each came from."""
    if not text or not text.strip():
        return []
    from ..reference.skill_resolver import resolve_skills

    resolution = resolve_skills(text)
    phrases = {suggestion.slug: suggestion.phrase for suggestion in resolution.skills}
    skills = skills_by_slug(list(phrases))
    return [(skill, phrases[skill.slug]) for skill in skills]


def skill_options(text: str, keep: list[str], locale: str) -> list[SkillOption]:
    """The recognised-skills checkboxes: skills in ``keep`` (linked or ticked) then new suggestions."""
    options = [SkillOption(skill.slug, skill.label(locale), None) for skill in skills_by_slug(keep)]
    seen = {option.slug for option in options}
    for skill, phrase in suggested_skills(text):
        if skill.slug not in seen:
            options.append(SkillOption(skill.slug, skill.label(locale), phrase))
            seen.add(skill.slug)
    return options


def filled(text: str | None) -> bool:
    """Whether a free-text answer says something: "-", "–" or "." typed as a placeholder does not."""
    return bool(text) and any(character.isalnum() for character in text)


def unconfirmed_suggestions(household: Household) -> list[Skill]:
    """Skills recognised in her words that the facilitator has not confirmed yet."""
    linked = {skill.slug for skill in household.skills}
    return [skill for skill, _phrase in suggested_skills(household.skills_text) if skill.slug not in linked]
