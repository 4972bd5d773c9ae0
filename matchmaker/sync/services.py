"""Applying an action replayed from the phone's outbox: once, in the services' own words, or refused.

Kinds of action (each the form of a page, validated by that page's form and applied by its service):

- ``visit``: a home visit to one of her households (:mod:`matchmaker.visits`);
- ``profile``: her household's profile form (:func:`matchmaker.households.services.update_household`);
- ``checkin``: a graduation check-in (:func:`matchmaker.graduation.services.record_checkin`);
- ``consent``: the woman's consent to an introduction (:func:`matchmaker.matches.workflow.record_consent`).

``profile`` and ``checkin`` edit a record that may have changed since she read it: the action
carries the version she read (for a household, the API's ETag), and a different current version
is refused as a :class:`~matchmaker.models.SyncConflict`, nothing else written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from .. import submissions
from ..api.v1.core import etag_of
from ..api.v1.households import full_representation
from ..extensions import db
from ..graduation import services as graduation_services
from ..graduation.forms import CheckinForm
from ..graduation.forms import message as graduation_message
from ..households import services as household_services
from ..households.forms import HouseholdForm
from ..households.messages import message as household_message
from ..i18n import current_language
from ..matches import workflow
from ..models import FormSubmission, GraduationCheckin, Household, Match, SyncConflict, User, utcnow
from ..visits import services as visit_services
from ..visits.forms import VisitForm
from ..visits.forms import message as visit_message

KINDS = ("visit", "profile", "checkin", "consent")
# Edits of a record that others may change meanwhile: they carry the version she read.
VERSIONED = ("profile", "checkin")
# Form fields that are no part of what she entered (or that need the server: "suggest skills").
IGNORED_FIELDS = frozenset({"csrf_token", "suggest"})
MAX_FIELDS = 300
MAX_VALUE = 20_000


class BadAction(ValueError):
    """The body is not an action the outbox sends (a broken or foreign request)."""


@dataclass
class Action:
    """One queued action as the outbox sends it."""

    key: str
    kind: str
    target: int
    version: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    base: list[tuple[str, str]] = field(default_factory=list)

    def formdata(self, pairs: list[tuple[str, str]] | None = None) -> MultiDict:
        """The posted fields as a form would receive them."""
        return MultiDict([(name, value) for name, value in (self.fields if pairs is None else pairs)
                          if name not in IGNORED_FIELDS])


@dataclass
class Outcome:
    """What became of an action: ``applied`` (now or before), ``conflict``, ``invalid`` or ``refused``."""

    status: str
    http_status: int = 200
    url: str | None = None
    repeated: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str | None = None
    conflict: SyncConflict | None = None

    def as_json(self) -> dict[str, Any]:
        """The answer the outbox reads."""
        body: dict[str, Any] = {"status": self.status}
        if self.url:
            body["url"] = self.url
        if self.repeated:
            body["repeated"] = True
        if self.errors:
            body["errors"] = self.errors
        if self.message:
            body["message"] = self.message
        if self.conflict is not None:
            body["resolve_url"] = url_for("sync.resolve", conflict_id=self.conflict.id)
            body["fields"] = [difference.as_json() for difference in compare(self.conflict)[1]]
        return body


def _pairs(value: Any) -> list[tuple[str, str]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_FIELDS:
        raise BadAction("fields")
    pairs = []
    for item in value:
        if (not isinstance(item, list | tuple) or len(item) != 2 or not all(isinstance(part, str) for part in item)
                or len(item[1]) > MAX_VALUE or "\x00" in item[1]):
            raise BadAction("fields")
        pairs.append((item[0], item[1]))
    return pairs


def parse_action(body: Any) -> Action:
    """The action in a JSON body; :class:`BadAction` when it is not one."""
    if not isinstance(body, dict):
        raise BadAction("body")
    key, kind, target = body.get("key"), body.get("kind"), body.get("target")
    if not isinstance(key, str) or not submissions.TOKEN_PATTERN.match(key):
        raise BadAction("key")
    if kind not in KINDS:
        raise BadAction("kind")
    if isinstance(target, str) and target.isdigit():
        target = int(target)
    if not isinstance(target, int) or isinstance(target, bool) or not 0 < target < 2**31:
        raise BadAction("target")
    version = body.get("version")
    if version is not None and not isinstance(version, str):
        raise BadAction("version")
    return Action(key, kind, target, version or None, _pairs(body.get("fields")), _pairs(body.get("base")))


# Versions ---------------------------------------------------------------------------------------


def household_version(household: Household) -> str:
    """The version of a household an edit was made against: the API's ETag of it."""
    return etag_of(full_representation(household))


def checkin_version(checkin: GraduationCheckin) -> str:
    """The version of a check-in: a digest of what has been recorded in it."""
    return etag_of({"done_on": checkin.done_on, "monthly_income": checkin.monthly_income, "note": checkin.note})


# Applying ---------------------------------------------------------------------------------------


class _Keyed:
    """The once-only key of an action, in the shape :func:`matchmaker.submissions.claim` reads."""

    def __init__(self, key: str) -> None:
        self.submission_token = type("Token", (), {"data": key})()


def _claimed(actor: User, key: str) -> str | None:
    """Claim ``key`` in the current transaction; the URL of the earlier result if it was already used."""
    return submissions.claim(_Keyed(key), actor, fallback_url=url_for("main.index"))  # type: ignore[arg-type]


def _done(key: str, url: str) -> Outcome:
    submissions.complete(_Keyed(key), url)  # type: ignore[arg-type]
    return Outcome("applied", url=url)


def _refused(status: int, text: str | None = None) -> Outcome:
    db.session.rollback()
    return Outcome("refused", status, message=text or _("This record is not available to you."))


def _invalid(errors: dict[str, Any]) -> Outcome:
    db.session.rollback()
    flat: dict[str, list[str]] = {}
    for name, texts in errors.items():
        if isinstance(texts, dict):  # a sub-form (the PKH components)
            for key, sub in texts.items():
                flat[f"{name}-{key}"] = [str(text) for text in sub]
        else:
            flat[name] = [str(text) for text in texts]
    return Outcome("invalid", 422, errors=flat, message=_("Some fields are not valid: open the form and correct them."))


def apply_action(actor: User, action: Action) -> Outcome:
    """Apply ``action`` for ``actor`` once: a key already used answers what it made, nothing is done again."""
    earlier = db.session.scalar(select(FormSubmission).where(FormSubmission.token == action.key))
    if earlier is not None:
        return Outcome("applied", url=earlier.result_url, repeated=True)
    pending = db.session.scalar(select(SyncConflict).where(SyncConflict.token == action.key))
    if pending is not None:
        if pending.user_id != actor.id:
            return _refused(404)
        return Outcome("conflict", 409, conflict=pending, message=_conflict_text())
    return HANDLERS[action.kind](actor, action)


def _conflict_text() -> str:
    return _("This record was changed on the server since you read it: choose, field by field, what to keep.")


def _conflict(actor: User, action: Action) -> Outcome:
    db.session.rollback()
    conflict = SyncConflict(token=action.key, user_id=actor.id, kind=action.kind, target_id=action.target,
                            fields=[list(pair) for pair in action.fields], base=[list(pair) for pair in action.base])
    db.session.add(conflict)
    db.session.commit()
    return Outcome("conflict", 409, conflict=conflict, message=_conflict_text())


def _visit(actor: User, action: Action) -> Outcome:
    household = household_services.get_visible_household(actor, action.target)
    if household is None or not household_services.can_edit(actor, household):
        return _refused(404)
    form = VisitForm(formdata=action.formdata(), meta={"csrf": False})
    if not form.validate():
        return _invalid(form.errors)
    earlier = _claimed(actor, action.key)
    if earlier is not None:
        return Outcome("applied", url=earlier, repeated=True)
    try:
        visit_services.record_visit(actor, household, form.data_object())
    except visit_services.VisitInvalid as invalid:
        return _invalid({name: [visit_message(code)] for name, code in invalid.errors.items()})
    except visit_services.NotAllowed:
        return _refused(404)
    return _done(action.key, url_for("households.detail", household_id=household.id) + "#visits")


def profile_form(actor: User, formdata: MultiDict) -> HouseholdForm:
    """The household form filled with posted fields, prepared as the edit page prepares it."""
    form = HouseholdForm(formdata=formdata, meta={"csrf": False})
    form.facilitator = actor
    options = household_services.skill_options(form.skills_text.data or "", formdata.getlist("skills"),
                                               current_language())
    form.skill_options = options
    form.skills.choices = [(option.slug, option.label) for option in options]
    return form


def identity_filled(pairs: list[tuple[str, str]] | list[list[str]], household: Household) -> MultiDict:
    """Posted profile fields, with the NIK and KK number she did not change taken from the household.

    The outbox keeps a full NIK on the phone only when she changed it (see ``outbox.js``).
    """
    formdata = MultiDict([(name, value) for name, value in pairs if name not in IGNORED_FIELDS])
    if "nik" not in formdata:
        formdata["nik"] = household.nik
    if "kk_number" not in formdata:
        formdata["kk_number"] = household.kk_number or ""
    return formdata


def _locked_household(actor: User, household_id: int, lock: bool = True) -> Household | None:
    household = household_services.get_visible_household(actor, household_id)
    if household is None or not household_services.can_edit(actor, household):
        return None
    if not lock:
        return household
    # Two replays holding the same version must not both pass the check (PostgreSQL; SQLite serialises).
    db.session.execute(select(Household.id).where(Household.id == household.id).with_for_update())
    db.session.refresh(household)
    return household


def _profile(actor: User, action: Action) -> Outcome:
    household = _locked_household(actor, action.target)
    if household is None:
        return _refused(404)
    form = profile_form(actor, identity_filled(action.fields, household))
    if not form.validate():
        return _invalid(form.errors)
    if action.version != household_version(household):
        return _conflict(actor, action)
    data = form.to_data(form.resolved_desa_code)
    data.profile_notes = household.profile_notes or ""
    return _save_profile(actor, household, data, form.skills.data or [], action.key)


def _save_profile(actor: User, household: Household, data: household_services.HouseholdData, skills: list[str],
                  key: str) -> Outcome:
    earlier = _claimed(actor, key)
    if earlier is not None:
        return Outcome("applied", url=earlier, repeated=True)
    try:
        household_services.update_household(actor, household, data, skills)
    except household_services.HouseholdError as error:
        name = {"desa": "desa"}.get(error.field or "", error.field or "")
        return _invalid({name: [household_message(error.code, **error.params)]})
    return _done(key, url_for("households.detail", household_id=household.id))


def _visible_checkin(actor: User, checkin_id: int, lock: bool = True) -> GraduationCheckin | None:
    checkin = graduation_services.visible_checkin(actor, checkin_id)
    if checkin is not None and lock:
        db.session.execute(select(GraduationCheckin.id).where(GraduationCheckin.id == checkin.id).with_for_update())
        db.session.refresh(checkin)
    return checkin


def _checkin(actor: User, action: Action) -> Outcome:
    checkin = _visible_checkin(actor, action.target)
    if checkin is None:
        return _refused(404)
    form = CheckinForm(formdata=action.formdata(), meta={"csrf": False})
    if not form.validate():
        return _invalid(form.errors)
    if action.version != checkin_version(checkin):
        return _conflict(actor, action)
    return _save_checkin(actor, checkin, form.data_object(), action.key)


def _save_checkin(actor: User, checkin: GraduationCheckin, data: graduation_services.CheckinData,
                  key: str) -> Outcome:
    earlier = _claimed(actor, key)
    if earlier is not None:
        return Outcome("applied", url=earlier, repeated=True)
    try:
        graduation_services.record_checkin(actor, checkin, data)
    except graduation_services.GraduationInvalid as invalid:
        return _invalid({name: [graduation_message(code)] for name, code in invalid.errors.items()})
    except graduation_services.NotAllowed:
        return _refused(404)
    return _done(key, url_for("households.detail", household_id=checkin.household_id))


def _consent(actor: User, action: Action) -> Outcome:
    match = db.session.get(Match, action.target)
    if match is None or not household_services.can_edit(actor, match.household):
        return _refused(404)
    earlier = _claimed(actor, action.key)
    if earlier is not None:
        return Outcome("applied", url=earlier, repeated=True)
    url = url_for("matches.detail", match_id=match.id)
    try:
        workflow.record_consent(actor, match)
    except workflow.WorkflowError as error:
        if error.code != "consent_already":
            return _refused(409, error.message)
        # Recorded meanwhile (on another device): what she asked for holds; the key is kept as used.
        db.session.commit()
    return _done(action.key, url)


HANDLERS = {"visit": _visit, "profile": _profile, "checkin": _checkin, "consent": _consent}


# Conflicts: both versions, field by field ------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """One field on which her version and the server's differ."""

    name: str
    label: str
    mine: str
    theirs: str
    she_changed: bool

    def as_json(self) -> dict[str, Any]:
        """The difference as the outbox shows it."""
        return {"name": self.name, "label": self.label, "mine": self.mine, "theirs": self.theirs}


def visible_conflict(actor: User, conflict_id: int) -> SyncConflict | None:
    """Her unresolved conflict, else None."""
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.user_id != actor.id or conflict.resolved_at is not None:
        return None
    return conflict


def _profile_values(data: household_services.HouseholdData, skills: list[str]) -> dict[str, Any]:
    values = data.as_columns()
    values.pop("profile_notes", None)
    values["skills"] = sorted(skills)
    return values


def _household_sides(actor: User, conflict: SyncConflict, lock: bool) -> tuple[Any, dict, dict, dict | None]:
    household = _locked_household(actor, conflict.target_id, lock)
    if household is None:
        return None, {}, {}, None
    mine_form = profile_form(actor, identity_filled(conflict.fields, household))
    mine_form.validate()
    mine = _profile_values(mine_form.to_data(mine_form.resolved_desa_code or household.desa_code),
                           mine_form.skills.data or [])
    theirs = _profile_values(household_services.HouseholdData.from_household(household),
                             [skill.slug for skill in household.skills])
    base = None
    if conflict.base:
        base_form = profile_form(actor, identity_filled(conflict.base, household))
        if base_form.validate():
            base = _profile_values(base_form.to_data(base_form.resolved_desa_code), base_form.skills.data or [])
    return household, mine, theirs, base


def _checkin_values(data: graduation_services.CheckinData) -> dict[str, Any]:
    return {"done_on": data.done_on, "monthly_income": data.monthly_income, "note": (data.note or "").strip() or None}


def _checkin_sides(actor: User, conflict: SyncConflict, lock: bool) -> tuple[Any, dict, dict, dict | None]:
    checkin = _visible_checkin(actor, conflict.target_id, lock)
    if checkin is None:
        return None, {}, {}, None
    mine_form = CheckinForm(formdata=MultiDict([tuple(pair) for pair in conflict.fields]), meta={"csrf": False})
    mine_form.validate()
    mine = _checkin_values(mine_form.data_object())
    theirs = {"done_on": checkin.done_on, "monthly_income": checkin.monthly_income, "note": checkin.note}
    base = None
    if conflict.base:
        base_form = CheckinForm(formdata=MultiDict([tuple(pair) for pair in conflict.base]), meta={"csrf": False})
        if base_form.validate():
            base = _checkin_values(base_form.data_object())
    return checkin, mine, theirs, base


def _same(first: Any, second: Any) -> bool:
    return (first or None) == (second or None)


def compare(conflict: SyncConflict, actor: User | None = None, *,
            lock: bool = False) -> tuple[Any, list[Difference], dict, dict]:
    """The record, the fields where her version and the server's differ, and both versions' values.

    ``lock`` holds the record's row until the transaction ends (to write the resolution).
    """
    from .display import field_label, show_value

    actor = actor or db.session.get(User, conflict.user_id)
    sides = _household_sides if conflict.kind == "profile" else _checkin_sides
    record, mine, theirs, base = sides(actor, conflict, lock)
    differences = [
        Difference(name, field_label(conflict.kind, name), show_value(name, mine[name]),
                   show_value(name, theirs.get(name)), base is None or not _same(mine[name], base.get(name)))
        for name in mine
        if not _same(mine[name], theirs.get(name))
    ]
    return record, differences, mine, theirs


def resolve(actor: User, conflict: SyncConflict, choices: dict[str, str], version: str) -> Outcome:
    """Apply her field-by-field choice (``mine`` or ``theirs`` per differing field) to the current record.

    ``version`` is the version the resolution page showed: changed again since, nothing is written
    and the page is shown anew (``conflict``). Resolved, the action's key counts as used, so that a
    later replay of it from the outbox is answered "applied" and does nothing.
    """
    record, differences, mine, theirs = compare(conflict, actor, lock=True)
    if record is None:
        return _refused(404)
    current = household_version(record) if conflict.kind == "profile" else checkin_version(record)
    if version != current:
        db.session.rollback()
        return Outcome("conflict", 409, conflict=conflict,
                       message=_("The record changed again while you were choosing: check the fields again."))
    merged = dict(theirs)
    for difference in differences:
        if choices.get(difference.name) == "mine":
            merged[difference.name] = mine[difference.name]
    conflict.resolved_at = utcnow()
    if conflict.kind == "profile":
        skills = list(merged.pop("skills"))
        names = {f.name for f in fields(household_services.HouseholdData)}
        data = household_services.HouseholdData(**{name: value for name, value in merged.items() if name in names})
        data.profile_notes = record.profile_notes or ""
        data.graduation_type, data.graduated_on = record.graduation_type, record.graduated_on
        outcome = _save_profile(actor, record, data, skills, conflict.token)
    else:
        data = graduation_services.CheckinData(merged["done_on"], merged["monthly_income"], merged["note"] or "")
        outcome = _save_checkin(actor, record, data, conflict.token)
    if outcome.status == "applied":
        db.session.commit()
    return outcome
