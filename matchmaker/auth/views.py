"""Log in and out, partner registration, passwords and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.datastructures import MultiDict

from ..api.views import region_search_response
from ..i18n import SESSION_LANGUAGE_KEY
from ..models import RegionLevel, utcnow
from ..reference.choices import home_district_code
from ..reference.resolver import describe_region
from ..security import (
    FAILED_LOGIN_LIMIT,
    RESET_CODE_LIMIT,
    limit_failed_attempts,
    limit_password_changes,
    limit_registrations,
)
from . import services, tokens
from .forms import (
    ApiTokenForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    PartnerRegistrationForm,
    ResetPasswordForm,
    RevokeTokenForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str | None:
    """Accept only a path on this site, so that a crafted link cannot send users elsewhere.

    Control characters (a CR/LF would split the Location header) and backslashes (which
    browsers read as ``/``, making ``/\\evil.example`` another host) are refused too.
    """
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


LOGIN_ERRORS = {
    "bad_credentials": lambda detail: _("The e-mail address or the password is not right."),
    "pending": lambda detail: _("Your registration is still waiting for a coordinator's approval."),
    "rejected": lambda detail: _(
        "Your registration was not approved. The coordinator wrote: %(reason)s", reason=detail
    ),
    "disabled": lambda detail: _("This account has been disabled. Ask your coordinator."),
}


@bp.route("/login", methods=["GET", "POST"])
@limit_failed_attempts(FAILED_LOGIN_LIMIT)
def login():
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountError as exc:
            form.form_errors.append(LOGIN_ERRORS[exc.code](exc.detail))
        else:
            login_user(user, remember=form.remember.data)
            session.pop(SESSION_LANGUAGE_KEY, None)
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, so that a link on another site cannot do it).

    The account's session generation changes, so a copy of the cookie stops working too.
    """
    services.log_out(current_user)
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Log out on every device (a lost phone, a shared computer); recorded in the audit trail."""
    services.log_out_everywhere(current_user)
    logout_user()
    flash(_("You have logged out on every device."), "info")
    return redirect(url_for("auth.login"))


REGISTRATION_ERRORS = {
    "bad_region": ("desa_name", lambda: _("Choose a village from the list.")),
    "bad_role": ("kind", lambda: _("Choose a business or a village office.")),
}


@bp.route("/register", methods=["GET", "POST"])
@limit_registrations
def register():
    """A business or village office applies for an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = PartnerRegistrationForm()
    if form.validate_on_submit():
        try:
            services.register_partner(
                kind=form.kind.data,
                organization_name=form.organization_name.data,
                desa_code=form.desa_code.data,
                contact_name=form.contact_name.data,
                email=form.email.data,
                phone=form.phone.data,
                password=form.password.data,
            )
        except services.AccountError as exc:
            field_name, message = REGISTRATION_ERRORS[exc.code]
            getattr(form, field_name).errors.append(message())
        else:
            return render_template("auth/registered.html")
    if form.desa_name.errors:
        form.desa_code.data = ""
    elif form.desa_code.data:
        # Show which village the code stands for, so that the page sent back is unambiguous.
        picked = describe_region(form.desa_code.data)
        form.desa_name.data = picked.path if picked else form.desa_name.data
    return render_template("auth/register.html", form=form, home_district=home_district_code())


@bp.get("/register/regions")
def register_regions():
    """The desa picker of the registration form, for visitors not logged in yet.

    Region names are public (the Kemendagri list); this answers only desa of the home
    district, as the picker on ``/api/regions/search`` would for a logged-in user.
    """
    # Whatever level or scope the caller asks for, only q and limit are read.
    args = MultiDict({key: request.args[key] for key in ("q", "limit") if key in request.args})
    return region_search_response(args, level=RegionLevel.VILLAGE, within=home_district_code())


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limit_password_changes
def change_password():
    """A user changes her own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError:
            form.current_password.errors.append(_("The current password is not right."))
        else:
            # The change ended every session; this one goes on under the new generation.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered, fresh=True)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return _account_page(form, ApiTokenForm(formdata=None))


def _account_page(password_form: ChangePasswordForm, token_form: ApiTokenForm):
    """The account page: her password, her devices and her API tokens."""
    return render_template(
        "auth/change_password.html",
        form=password_form,
        token_form=token_form,
        tokens=tokens.user_tokens(current_user),
        now=utcnow(),
    )


TOKEN_ERRORS = {
    "too_many": lambda: _("You have too many active tokens. Revoke one you no longer use first."),
    "bad_scope": lambda: _("Choose what the token may do."),
    "bad_lifetime": lambda: _("Choose how long the token is valid."),
}


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token():
    """Create a personal access token; its secret is shown on the answer page, once."""
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            created = tokens.create_token(current_user, form.name.data, form.scope.data, form.lifetime.data)
        except tokens.TokenError as exc:
            form.form_errors.append(TOKEN_ERRORS[exc.code]())
        else:
            return render_template("auth/token_created.html", token=created.token, secret=created.secret)
    return _account_page(ChangePasswordForm(formdata=None), form), 400


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of her tokens: scripts using it are refused from the next request on."""
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    token = tokens.revoke_token(current_user, token_id)
    if token is None:
        abort(404)
    flash(_("The token %(name)s is revoked.", name=token.name), "success")
    return redirect(url_for("auth.change_password", _anchor="api-tokens"))


@bp.route("/reset", methods=["GET", "POST"])
@limit_failed_attempts(RESET_CODE_LIMIT, per_account=False)
def reset_password():
    """Set a new password with the one-time code a coordinator gave (no e-mail needed)."""
    form = ResetPasswordForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            services.redeem_password_reset(form.code.data, form.password.data)
        except services.AccountError:
            form.code.errors.append(_("This code is not valid: it may be mistyped, used or expired."))
        else:
            flash(_("Your new password is set. You can log in now."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language and remember it."""
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    language = form.language.data
    if current_user.is_authenticated:
        services.set_language(current_user, language)
    session[SESSION_LANGUAGE_KEY] = language
    return redirect(_safe_next(request.form.get("next")) or url_for("main.home"))
