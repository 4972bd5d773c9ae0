"""Partner pages: a partner's profile, colleagues and offers; the facilitators' search."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from .. import submissions
from ..auth.decorators import roles_required
from ..extensions import db
from ..i18n import current_language
from ..labels import choices, label
from ..models import OfferStatus, OrgKind, Role, User
from ..pagination import page_arg
from ..phones import whatsapp_link
from ..reference.choices import desa_choices, home_district_code, kecamatan_choices
from ..reference.resolver import describe_region
from . import search as searching
from . import services
from .cli import close_expired_command
from .forms import (
    ActionForm,
    MemberForm,
    OfferForm,
    PartnerSearchForm,
    ProfileForm,
    kecamatan_filter_choices,
    offer_form,
    offer_search_form,
    search_filters,
)
from .messages import offer_error, status_error

bp = Blueprint("partners", __name__, url_prefix="/partners")
bp.cli.add_command(close_expired_command)

BROWSERS = services.BROWSER_ROLES


def _organization_or_404():
    organization = current_user.organization
    if organization is None:
        abort(404)
    return organization


# --- Profile ----------------------------------------------------------------------------------

PROFILE_ERRORS = {
    "bad_region": lambda: _("Choose a place from the list."),
    "bad_sector": lambda: _("Choose a sector from the list."),
}


def _fill_desa_name(form, code: str | None) -> None:
    """Show the picked desa by its full path, or clear a code the typed name did not confirm."""
    if form.desa_name.errors:
        form.desa_code.data = ""
        return
    code = form.desa_code.data or code
    picked = describe_region(code) if code else None
    if picked is not None:
        form.desa_code.data = picked.code
        form.desa_name.data = picked.path


def _served_area_choices() -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {
        _("Whole sub-district"): [(code, f"Kec. {name}") for code, name in kecamatan_choices()]
    }
    grouped.update(desa_choices())
    return grouped


@bp.route("/profile")
@roles_required(*Role.PARTNERS)
def profile():
    """The organization's profile as facilitators see it, and its state."""
    organization = _organization_or_404()
    return render_template(
        "partners/profile.html",
        organization=organization,
        is_owner=services.is_owner(current_user, organization),
        members=services.members_of(organization),
    )


@bp.route("/profile/edit", methods=["GET", "POST"])
@roles_required(*Role.PARTNERS)
def edit_profile():
    """The owner edits the organization's profile."""
    organization = _organization_or_404()
    if not services.is_owner(current_user, organization):
        abort(403)
    form = ProfileForm(obj=organization)
    form.sector.choices = [("", _("— not chosen —"))] + [
        (code, f"{code} · {text}") for code, text in choices("kbli_sector")
    ]
    if organization.kind == OrgKind.BUSINESS:
        del form.serves_code
    else:
        del form.sector
        form.serves_code.choices = _served_area_choices()
    if form.validate_on_submit():
        data = services.ProfileData(
            name=form.name.data,
            description=form.description.data or "",
            desa_code=form.desa_code.data,
            address=form.address.data,
            contact_person=form.contact_person.data,
            phone=form.phone.data,
            email=form.email.data,
            sector=form.sector.data if "sector" in form else None,
            serves_code=form.serves_code.data if "serves_code" in form else None,
        )
        try:
            services.update_profile(current_user, organization, data)
        except services.PartnerError as exc:
            db.session.rollback()
            field_name = "desa_name" if exc.field == "desa_code" else exc.field or "name"
            getattr(form, field_name).errors.append(PROFILE_ERRORS[exc.code]())
        else:
            flash(_("The profile is saved."), "success")
            return redirect(url_for("partners.profile"))
    _fill_desa_name(form, organization.desa_code)
    return render_template(
        "partners/profile_edit.html", form=form, organization=organization, home_district=home_district_code()
    )


# --- Members ------------------------------------------------------------------------------------


def _owner_or_403():
    organization = _organization_or_404()
    if not services.is_owner(current_user, organization):
        abort(403)
    return organization


@bp.route("/members", methods=["GET", "POST"])
@roles_required(*Role.PARTNERS)
def members():
    """The owner sees her colleagues and adds one."""
    organization = _owner_or_403()
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member, issued = services.add_member(
                current_user,
                name=form.name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data if form.access.data == "password" else None,
            )
        except services.PartnerError as exc:
            if exc.code != "email_taken":
                raise
            form.email.errors.append(_("An account with this e-mail address already exists."))
        else:
            if issued is None:
                flash(_("The account of %(name)s is ready. Give her the first password in private.", name=member.name),
                      "success")
                return redirect(url_for("partners.members"))
            return _show_code(member, issued)
    return render_template(
        "partners/members.html",
        organization=organization,
        members=services.members_of(organization),
        form=form,
        action_form=ActionForm(),
    )


def _show_code(member: User, issued):
    reset_url = url_for("auth.reset_password", code=issued.code, _external=True)
    return render_template("partners/invite_code.html", member=member, issued=issued, reset_url=reset_url)


def _member_or_404(member_id: int) -> User:
    member = db.session.get(User, member_id)
    if member is None or member.organization_id != current_user.organization_id or member.id == current_user.id:
        abort(404)
    return member


@bp.route("/members/<int:member_id>/code", methods=["POST"])
@roles_required(*Role.PARTNERS)
def member_code(member_id: int):
    """Issue a colleague a new one-time code (she lost hers, or forgot her password)."""
    _owner_or_403()
    member = _member_or_404(member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _show_code(member, services.new_invite_code(current_user, member))


@bp.route("/members/<int:member_id>/access", methods=["POST"])
@roles_required(*Role.PARTNERS)
def member_access(member_id: int):
    """Take a colleague's access away, or give it back."""
    _owner_or_403()
    member = _member_or_404(member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    services.set_member_active(current_user, member, active)
    if active:
        flash(_("%(name)s can log in again.", name=member.name), "success")
    else:
        flash(_("%(name)s can no longer log in.", name=member.name), "info")
    return redirect(url_for("partners.members"))


# --- Own offers ---------------------------------------------------------------------------------

@bp.route("/offers")
@roles_required(*Role.PARTNERS)
def my_offers():
    """The organization's opportunities or programs, with places taken and their state."""
    organization = _organization_or_404()
    services.close_expired_offers()
    return render_template(
        "partners/my_offers.html",
        organization=organization,
        rows=services.organization_offers(organization),
        can_publish=services.can_publish(organization),
    )


def _attach_errors(form: OfferForm, errors: dict[str, str]) -> None:
    for name, code in errors.items():
        target = form.desa_name if name == "desa_code" else getattr(form, name, None) or form.title
        target.errors.append(offer_error(code))


@bp.route("/offers/new", methods=["GET", "POST"])
@roles_required(*Role.PARTNERS)
def new_offer():
    """Publish a new opportunity (business) or program (village office)."""
    organization = _organization_or_404()
    if not services.can_publish(organization):
        return render_template("partners/cannot_publish.html", organization=organization), 403
    form = offer_form(organization)
    if form.validate_on_submit():
        earlier = submissions.claim(form, current_user, fallback_url=url_for("partners.my_offers"))
        if earlier is not None:
            return submissions.redirect_to_earlier(earlier)
        try:
            offer = services.create_offer(current_user, form.to_data())
        except services.OfferInvalid as exc:
            db.session.rollback()
            _attach_errors(form, exc.errors)
        else:
            submissions.complete(form, url_for("partners.offer_detail", offer_id=offer.id))
            flash(_("“%(title)s” is saved.", title=offer.title), "success")
            return redirect(url_for("partners.offer_detail", offer_id=offer.id))
    _fill_desa_name(form, organization.desa_code)
    return render_template(
        "partners/offer_form.html", form=form, organization=organization, offer=None, home_district=home_district_code()
    )


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@roles_required(*Role.PARTNERS)
def edit_offer(offer_id: int):
    """Change an offer of one's own organization."""
    organization = _organization_or_404()
    offer = services.get_own_offer(current_user, offer_id)
    if offer is None:
        abort(404)
    if not services.can_publish(organization):
        return render_template("partners/cannot_publish.html", organization=organization), 403
    form = offer_form(organization, offer)
    if form.validate_on_submit():
        try:
            services.update_offer(current_user, offer, form.to_data())
        except services.OfferInvalid as exc:
            db.session.rollback()
            _attach_errors(form, exc.errors)
        else:
            flash(_("“%(title)s” is saved.", title=offer.title), "success")
            return redirect(url_for("partners.offer_detail", offer_id=offer.id))
    _fill_desa_name(form, offer.desa_code)
    return render_template(
        "partners/offer_form.html",
        form=form,
        organization=organization,
        offer=offer,
        home_district=home_district_code(),
    )


@bp.route("/offers/<int:offer_id>/status", methods=["POST"])
@roles_required(*Role.PARTNERS)
def offer_status(offer_id: int):
    """Open, close or return an offer to draft."""
    offer = services.get_own_offer(current_user, offer_id)
    if offer is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    status = request.form.get("status", "")
    try:
        services.set_offer_status(current_user, offer, status)
    except services.PartnerError as exc:
        flash(status_error(exc.code), "warning")
    else:
        flash(_("“%(title)s” is now: %(status)s.", title=offer.title, status=label("offer_status", status)), "success")
    return redirect(url_for("partners.offer_detail", offer_id=offer.id))


# --- Reading offers and partners ---------------------------------------------------------------


def _whatsapp_message(contact: str | None, title: str | None) -> str:
    """The prefilled WhatsApp text: always Indonesian, the partner's language."""
    user: User = current_user
    with force_locale("id"):
        if title:
            return _(
                "Hello %(contact)s, I am %(name)s, a PKH facilitator. I saw “%(title)s” on Mitra Graduasi "
                "and would like to ask whether places are still available. Thank you.",
                contact=contact or "",
                name=user.name,
                title=title,
            )
        return _(
            "Hello %(contact)s, I am %(name)s, a PKH facilitator. I found your profile on Mitra Graduasi "
            "and would like to talk about opportunities for the families I accompany. Thank you.",
            contact=contact or "",
            name=user.name,
        )


@bp.route("/offers/<int:offer_id>")
@roles_required(*Role.PARTNERS, *BROWSERS)
def offer_detail(offer_id: int):
    """An offer's page: its terms, places, and how to contact the provider."""
    offer = services.visible_offer(current_user, offer_id)
    if offer is None:
        abort(404)
    organization = offer.organization
    is_member = current_user.organization_id == organization.id
    wa_link = None
    if not is_member and organization.phone:
        wa_link = whatsapp_link(organization.phone, _whatsapp_message(organization.contact_person, offer.title))
    return render_template(
        "partners/offer.html",
        offer=offer,
        row=services.offer_row(offer),
        organization=organization,
        is_member=is_member,
        can_publish=services.can_publish(organization),
        wa_link=wa_link,
        action_form=ActionForm(),
        locale=current_language(),
    )


@bp.route("/search")
@roles_required(*BROWSERS)
def search():
    """Facilitators and coordinators find opportunities and programs.

    Offers past their end date are filtered and labelled by date in the query itself; persisting
    "closed" is left to the owner's page and `flask partners close-expired`, not every search.
    """
    form = offer_search_form(request.args)
    locale = current_language()
    form.validate()
    filters = search_filters(form)
    page_number = page_arg()
    # One page of cards: a list of thousands of offers is too heavy for a phone on a weak signal.
    page = searching.search_offers_page(current_user, filters, page_number, current_app.config["PER_PAGE"])
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("partners/search.html", form=form, rows=page.rows, page=page, args=args, locale=locale)


@bp.route("/directory")
@roles_required(*BROWSERS)
def directory():
    """Facilitators and coordinators browse the verified partners."""
    form = PartnerSearchForm(request.args)
    form.kind.choices = [("", _("Businesses and village offices"))] + choices("org_kind")
    form.kecamatan.choices = kecamatan_filter_choices()
    form.validate()
    rows = searching.search_partners(
        current_user,
        q=form.q.data or "",
        kind=form.kind.data if not form.kind.errors else None,
        kecamatan=form.kecamatan.data if not form.kecamatan.errors else None,
    )
    return render_template("partners/directory.html", form=form, rows=rows)


@bp.route("/organizations/<int:organization_id>")
@roles_required(*BROWSERS)
def organization(organization_id: int):
    """A partner's public page: profile, contact and published offers."""
    organization = services.visible_organization(current_user, organization_id)
    if organization is None:
        abort(404)
    rows = [row for row in services.organization_offers(organization) if row.offer.status != OfferStatus.DRAFT]
    wa_link = None
    if organization.phone:
        wa_link = whatsapp_link(organization.phone, _whatsapp_message(organization.contact_person, None))
    return render_template("partners/organization.html", organization=organization, rows=rows, wa_link=wa_link)
