"""Match workflow pages: "Find partners" for a household, a match's page and its steps, the partner's inbox
and candidates. Routes of the ``matches`` blueprint; the rules live in :mod:`.workflow`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import clock, submissions
from ..audit import record_audit
from ..auth.decorators import roles_required
from ..extensions import db
from ..households.services import get_visible_household
from ..i18n import current_language
from ..labels import choices, label
from ..models import Household, Match, Offer, OfferKind, OrgStatus, Region, User
from ..partners.services import get_own_offer
from ..phones import contact_ways, has_smartphone
from . import services, workflow
from .forms import STEP_FORMS, FindFilterForm, ProposeForm, prepare_step_form
from .views import bp

# Each step's form and target state; None is "record consent" (no change of state).
ACTIONS: dict[str, tuple[str | None, type]] = {
    action: (to_status, STEP_FORMS[action]) for action, to_status in workflow.STEP_TARGETS.items()
}


@bp.app_template_global()
def match_steps(match: Match) -> list[str]:
    """The target states the current user may move ``match`` to (for buttons on other pages)."""
    return workflow.allowed_steps(current_user, match) if current_user.is_authenticated else []


# --- Finding partners for a household ---------------------------------------------------------


@bp.route("/households/<int:household_id>/find")
@roles_required(*workflow.FACILITATOR_SIDE)
def find(household_id: int):
    """"Find partners": ranked offers for her with reasons, missing skills and training, filterable."""
    household = get_visible_household(current_user, household_id)
    if household is None:
        abort(404)
    filters = _find_filters(request.args)
    kind, tier = _chosen(filters)
    rows = services.household_proposals(household, current_language(), kind=kind, tier=tier)
    return render_template(
        "matches/find.html", household=household, filters=filters, rows=rows, form=ProposeForm(),
        can_propose=workflow.owns_household(current_user, household), filtered=bool(kind or tier),
        kind=kind, tier=tier,
    )


def _find_filters(data) -> FindFilterForm:
    filters = FindFilterForm(data)
    filters.kind.choices = [("", _("All kinds"))] + [(kind, label("offer_kind", kind)) for kind in OfferKind.ALL]
    filters.tier.choices = [("", _("Any distance")), *choices("locality_tier")]
    return filters


def _chosen(filters: FindFilterForm) -> tuple[str | None, str | None]:
    """The kind and distance filters, when valid (anything else means no filter)."""
    kind = filters.kind.data if filters.kind.data in OfferKind.ALL else None
    tier = filters.tier.data if filters.tier.data in ("desa", "kecamatan", "kabupaten") else None
    return kind, tier


@bp.route("/households/<int:household_id>/propose", methods=["POST"])
@roles_required(*workflow.FACILITATOR_SIDE)
def propose(household_id: int):
    """Propose the chosen offer to her; the match page then asks for her consent."""
    household = get_visible_household(current_user, household_id)
    if household is None:
        abort(404)
    form = ProposeForm()
    if not form.validate_on_submit():
        abort(400)
    offer = db.session.get(Offer, form.target.data)
    if offer is None:
        abort(404)
    earlier = submissions.claim(
        form, current_user, fallback_url=url_for("households.detail", household_id=household.id)
    )
    if earlier is not None:
        return submissions.redirect_to_earlier(earlier)
    # The decision log keeps where the offer stood in the list she was shown and its score,
    # as the server computes them: the same ranking, with the same filters, done again.
    kind, tier = _chosen(_find_filters(request.form))
    try:
        match = services.propose_shown(current_user, household, offer, current_language(), kind=kind, tier=tier)
    except workflow.WorkflowError as error:
        db.session.rollback()
        if error.code == "not_in_list":
            flash(_("This offer is no longer in her list. Here is the list as it is now."), "error")
            return redirect(url_for("matches.find", household_id=household.id, kind=kind or None,
                                    tier=tier or None))
        flash(error.message, "error")
        return redirect(url_for("matches.find", household_id=household.id))
    submissions.complete(form, url_for("matches.detail", match_id=match.id))
    flash(_("Proposed “%(title)s”. Record her consent, then send the introduction.", title=offer.title),
          "success")
    return redirect(url_for("matches.detail", match_id=match.id))


# --- A match's page and its steps -----------------------------------------------------------------


def _match_or_404(match_id: int) -> Match:
    match = db.session.get(Match, match_id)
    if match is None or not workflow.can_view_match(current_user, match):
        abort(404)
    return match


def _step_forms(match: Match, posted: tuple[str, object] | None = None) -> dict[str, object]:
    """A form for each step the current user may take now (the posted one keeps its input and errors)."""
    wanted = workflow.available_actions(current_user, match)
    forms: dict[str, object] = {}
    for action in wanted:
        if posted is not None and posted[0] == action:
            forms[action] = posted[1]
            continue
        form = ACTIONS[action][1](formdata=None)
        _prepare(action, form)
        if action == "start":
            form.started_on.data = clock.today()
        if action == "complete":
            form.ended_on.data = clock.today()
        forms[action] = form
    return forms


def _prepare(action: str, form) -> None:
    prepare_step_form(action, form)


def _wa_message_to_her(match: Match, partner: User) -> str:
    """The prefilled WhatsApp text from the partner to her: always Indonesian."""
    with force_locale("id"):
        return _("Hello Ibu %(name)s, I am %(contact)s from %(organization)s. Your PKH facilitator introduced us "
                 "on Mitra Graduasi for “%(title)s”. When could we meet?",
                 name=match.household.full_name, contact=partner.name,
                 organization=match.offer.organization.name, title=match.offer.title)


def _wa_message_to_partner(match: Match, facilitator: User) -> str:
    """The prefilled WhatsApp text from the facilitator to the partner: always Indonesian."""
    organization = match.offer.organization
    with force_locale("id"):
        return _("Hello %(contact)s, I am %(name)s, the PKH facilitator of Ibu %(household)s. Thank you for "
                 "accepting her for “%(title)s”. When could she come to meet you?",
                 contact=organization.contact_person or organization.name, name=facilitator.name,
                 household=match.household.full_name, title=match.offer.title)


def _render(match: Match, *, posted: tuple[str, object] | None = None, error: str | None = None,
            status: int = 200):
    household = match.household
    household_side = workflow.owns_household(current_user, household)
    her_contact = None
    contact_shown = False
    if not household_side and workflow.partner_sees_contact(current_user, match):
        # The partner accepted her: her name and phone, recorded as shown (below, once the page is made).
        contact_shown = True
        phone = household.phone
        smartphone = has_smartphone(household.constraints, household.assets)
        facilitator = household.facilitator
        her_contact = {
            "phone": phone, "smartphone": smartphone,
            "ways": contact_ways(phone, _wa_message_to_her(match, current_user), smartphone=smartphone)
            if phone else [],
            "facilitator_ways": contact_ways(facilitator.phone) if facilitator and facilitator.phone else [],
        }
    partner_ways = []
    organization = match.offer.organization
    if household_side and match.status in workflow.CONTACT_STATUSES and organization.phone:
        partner_ways = contact_ways(organization.phone, _wa_message_to_partner(match, current_user))
    events = match.events
    page = render_template(
        "matches/detail.html", match=match, household=household, offer=match.offer,
        organization=organization, household_side=household_side, her_contact=her_contact,
        partner_ways=partner_ways, forms=_step_forms(match, posted), error=error, events=events,
        contact_statuses=workflow.CONTACT_STATUSES, organization_inactive=not workflow.organization_active(match.offer),
        can_print_letter=_may_print_letter(match, household_side),
    )
    if contact_shown:
        # Committed before the page is sent, but after it is made: committing first would expire
        # every loaded object and make the page read them all again.
        record_audit(current_user, "match.contact_shown", "match", match.id, household=match.household_id)
        db.session.commit()
    return page, status


def _may_print_letter(match: Match, household_side: bool) -> bool:
    """The letter names her: for her side once the partner accepted, for the partner once it sees her contact."""
    if match.status not in workflow.CONTACT_STATUSES:
        return False
    return household_side or workflow.partner_sees_contact(current_user, match)


@bp.route("/<int:match_id>")
@roles_required(*workflow.FACILITATOR_SIDE, *workflow.PARTNER_SIDE)
def detail(match_id: int):
    """A match: the offer, the candidate (anonymised for a partner until accepted), its history, next steps."""
    return _render(_match_or_404(match_id))


@bp.route("/<int:match_id>/letter")
@roles_required(*workflow.FACILITATOR_SIDE, *workflow.PARTNER_SIDE)
def letter(match_id: int):
    """A printable introduction letter she takes to the partner: both names, the offer, her facilitator, signatures.

    Only once the partner accepted her (before that a partner may not know her name); never her NIK.
    """
    match = _match_or_404(match_id)
    household_side = workflow.owns_household(current_user, match.household)
    if not _may_print_letter(match, household_side):
        abort(404)
    record_audit(current_user, "match.letter_shown", "match", match.id, household=match.household_id)
    db.session.commit()
    return render_template("matches/letter.html", match=match, household=match.household, offer=match.offer,
                           organization=match.offer.organization, facilitator=match.household.facilitator,
                           today=clock.today())


SUCCESS = {
    "consent": lambda: _("Her consent is recorded. You can now send the introduction."),
    "introduce": lambda: _("The introduction was sent to the partner."),
    "approve": lambda: _("Request approved: the introduction was sent to the partner."),
    "refuse": lambda: _("The match is declined."),
    "accept": lambda: _("Accepted. Her contact details are below."),
    "decline": lambda: _("The introduction is declined. The facilitator will be told."),
    "start": lambda: _("The match has started."),
    "complete": lambda: _("The outcome is recorded: the match is completed."),
    "drop": lambda: _("The match is stopped."),
}


@bp.route("/<int:match_id>/<action>", methods=["POST"])
@roles_required(*workflow.FACILITATOR_SIDE, *workflow.PARTNER_SIDE)
def step(match_id: int, action: str):
    """Take one step of the workflow: validate the form, call the workflow, go back to the match."""
    if action not in ACTIONS:
        abort(404)
    match = _match_or_404(match_id)
    form_class = ACTIONS[action][1]
    form = form_class()
    _prepare(action, form)
    if not form.validate_on_submit():
        return _render(match, posted=(action, form), status=400)
    values = {key: getattr(form, key).data for key in ("reason", "consent", "started_on", "ended_on", "income_after")
              if hasattr(form, key)}
    try:
        workflow.take_step(current_user, match, action, note=(form.note.data or "").strip() or None, **values)
    except workflow.WorkflowError as error:
        db.session.expire_all()
        code = 403 if error.code in ("wrong_role", "not_yours") else 409
        field = getattr(form, error.field, None) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
            return _render(match, posted=(action, form), status=code)
        return _render(match, error=error.message, status=code)
    flash(SUCCESS[action](), "success")
    return redirect(url_for("matches.detail", match_id=match.id))


# --- The partner's side -----------------------------------------------------------------------------


def _partner_matches(user: User) -> list[Match]:
    statement = (
        services.visible_matches_query(user)
        .options(selectinload(Match.events), selectinload(Match.household).selectinload(Household.skills),
                 # The cards name her desa and kecamatan: two queries in all, not two per card.
                 selectinload(Match.household).selectinload(Household.desa).selectinload(Region.parent),
                 selectinload(Match.offer))
        .order_by(Match.updated_at.desc(), Match.id.desc())
    )
    return list(db.session.scalars(statement))


@bp.route("/inbox")
@roles_required(*workflow.PARTNER_SIDE)
def inbox():
    """Incoming introductions as anonymised candidate cards, the partner's requests, and the rest."""
    if current_user.organization_id is None:
        abort(403)
    matches = _partner_matches(current_user)
    groups = {key: [m for m in matches if m.status in statuses] for key, statuses in services.INBOX_GROUPS.items()}
    groups["closed"] = groups["closed"][:50]
    # A suspended or rejected organization's members see anonymised cards only, even for matches
    # they had accepted.
    active = current_user.organization is not None and current_user.organization.status == OrgStatus.ACTIVE
    return render_template("matches/inbox.html", groups=groups, locale=current_language(), show_contacts=active)


def _candidates(offer: Offer) -> list:
    """Ranked candidates from facilitators' caseloads (households with a facilitator)."""
    return services.offer_candidates(offer, current_language())


@bp.route("/offers/<int:offer_id>/candidates")
@roles_required(*workflow.PARTNER_SIDE)
def candidates(offer_id: int):
    """Ranked anonymised candidates for one of the partner's offers; it may ask for introductions."""
    offer = get_own_offer(current_user, offer_id)
    if offer is None:
        abort(404)
    if not workflow.organization_active(offer):
        abort(403)  # a suspended or rejected partner browses no candidates
    return render_template("matches/candidates.html", offer=offer, rows=_candidates(offer), form=ProposeForm(),
                           locale=current_language())


@bp.route("/offers/<int:offer_id>/request", methods=["POST"])
@roles_required(*workflow.PARTNER_SIDE)
def request_introduction(offer_id: int):
    """Ask the facilitator of a ranked candidate for an introduction."""
    offer = get_own_offer(current_user, offer_id)
    if offer is None:
        abort(404)
    if not workflow.organization_active(offer):
        abort(403)
    form = ProposeForm()
    if not form.validate_on_submit():
        abort(400)
    # Only a candidate the ranking showed: a partner cannot reach other households by their id.
    shown = {c.household.id: c for c in _candidates(offer)}
    candidate = shown.get(form.target.data)
    if candidate is None:
        abort(404)
    earlier = submissions.claim(form, current_user, fallback_url=url_for("matches.inbox"))
    if earlier is not None:
        return submissions.redirect_to_earlier(earlier)
    try:
        match = workflow.request_introduction(current_user, candidate.household, offer, score=candidate.score,
                                              position=candidate.position, reasons=candidate.reasons)
    except workflow.WorkflowError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("matches.candidates", offer_id=offer.id))
    submissions.complete(form, url_for("matches.detail", match_id=match.id))
    flash(_("Request sent. Her facilitator will ask her and answer."), "success")
    return redirect(url_for("matches.detail", match_id=match.id))
