"""Pages of the households domain: the caseload, the profile form and page, import and export."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock, submissions
from ..auth.decorators import roles_required
from ..extensions import db
from ..i18n import current_language
from ..labels import choices, label
from ..matches import workflow
from ..models import Household, Role
from ..offline import is_offline_copy
from ..pagination import clamp_page, page_arg, page_count, page_slice
from ..phones import mask_phone
from ..reference.regions import cached_region_path
from ..tasks import services as task_services
from ..tasks.views import ExportForm
from . import importer, services
from .exporter import export_caseload
from .forms import ConfirmForm, FilterForm, HouseholdForm, ImportForm
from .messages import message
from .next_step import next_action
from .nik import mask_nik

bp = Blueprint("households", __name__, url_prefix="/households")

VIEWERS = (Role.FACILITATOR, Role.COORDINATOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_PER_PAGE = 50
PREVIEW_TABS = (*importer.PREVIEW_STATUSES, "all")


def _household_or_404(household_id: int) -> Household:
    household = services.get_visible_household(current_user, household_id)
    if household is None:
        abort(404)
    return household


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    # WTForms renders optgroups from a dict only: a list of (group, options) pairs would become
    # options whose value is the Python list itself, and filtering by one would find nothing.
    form.desa.choices = {"": [("", _("All villages"))], **services.desa_filter_choices(current_user)}
    form.status.choices = [("", _("Any status")), *choices("household_status")]
    form.skill_category.choices = [("", _("Any skill"))] + [
        (category, _category_label(category)) for category in services.skill_categories()
    ]
    form.work_preference.choices = [("", _("Any preference")), *choices("work_preference")]
    return form


def _category_label(slug: str) -> str:
    from ..reference.skills import vocabulary

    category = vocabulary().category(slug)
    return category.label(current_language()) if category else slug


@bp.route("/")
@roles_required(*VIEWERS)
def index():
    """The caseload: her households (the district's for a coordinator), filtered and searched."""
    form = _filter_form()
    filters = form.filters()
    page = services.caseload(current_user, filters, page_arg(), current_app.config["PER_PAGE"])
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    # As for imports: past the threshold the export is written by the worker (a button that asks for it).
    queued_export = page.total > task_services.export_threshold()
    return render_template(
        "households/index.html", form=form, filters=filters, page=page, args=args, mask_nik=mask_nik,
        queued_export=queued_export, export_form=ExportForm() if queued_export else None,
    )


@bp.route("/export.xlsx")
@roles_required(*VIEWERS)
def export():
    """The filtered caseload as .xlsx (audited); a large one is written in the background instead."""
    filters = _filter_form().filters()
    if services.caseload(current_user, filters, 1, 1).total > task_services.export_threshold():
        flash(_("This export is large: it is prepared in the background. Press “Export to Excel” to ask for it."),
              "info")
        return redirect(url_for("households.index", **{k: v for k, v in request.args.items() if v}))
    content, _count = export_caseload(current_user, filters)
    name = f"kpm-{clock.today():%Y%m%d}.xlsx"
    return send_file(_bytes_io(content), mimetype=XLSX, as_attachment=True, download_name=name)


def _bytes_io(content: bytes):
    import io

    return io.BytesIO(content)


def _prepare_form(form: HouseholdForm, keep: list[str]) -> None:
    """Attach the facilitator (for the desa check) and the recognised-skills checkboxes."""
    form.facilitator = current_user
    options = services.skill_options(form.skills_text.data or "", keep, current_language())
    form.skill_options = options
    form.skills.choices = [(option.slug, option.label) for option in options]


def _apply_error(form: HouseholdForm, error: services.HouseholdError) -> None:
    target = getattr(form, error.field or "", None)
    text = message(error.code, **error.params)
    if target is not None:
        target.errors = list(target.errors) + [text]
    else:
        form.form_errors.append(text)


def _suggesting(form: HouseholdForm) -> bool:
    """The "Suggest skills" button re-shows the form with her words' skills ticked, saving nothing."""
    if not form.suggest.data:
        return False
    ticked = set(form.skills.data or [])
    ticked.update(option.slug for option in form.skill_options)
    form.skills.data = sorted(ticked)
    return True


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def new():
    """Register a household in her caseload."""
    form = HouseholdForm()
    _prepare_form(form, request.form.getlist("skills"))
    if request.method == "POST" and not _suggesting(form) and form.validate_on_submit():
        earlier = submissions.claim(form, current_user, fallback_url=url_for("households.index"))
        if earlier is not None:
            return submissions.redirect_to_earlier(earlier)
        try:
            household = services.create_household(current_user, form.to_data(form.resolved_desa_code), form.skills.data)
        except services.HouseholdError as error:
            db.session.rollback()  # releases the claim: the corrected form is sent with the same token
            _apply_error(form, error)
        else:
            submissions.complete(form, url_for("households.detail", household_id=household.id))
            _flash_saved(household, created=True)
            return redirect(url_for("households.detail", household_id=household.id))
    return render_template("households/form.html", form=form, household=None, picker_within=_picker_within())


@bp.route("/<int:household_id>/edit", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def edit(household_id: int):
    """Edit a profile of her own caseload."""
    household = _household_or_404(household_id)
    if not services.can_edit(current_user, household):
        abort(403)
    if request.method == "GET":
        form = HouseholdForm(obj=household)
        _fill_from_household(form, household)
        _prepare_form(form, [skill.slug for skill in household.skills])
    else:
        form = HouseholdForm()
        _prepare_form(form, request.form.getlist("skills"))
        _unmask_identity(form, household)
    if request.method == "POST" and not _suggesting(form) and form.validate_on_submit():
        data = form.to_data(form.resolved_desa_code)
        # Words of sheet cells no vocabulary knew: the form does not show them, so it must not erase them.
        data.profile_notes = household.profile_notes or ""
        try:
            changed = services.update_household(current_user, household, data, form.skills.data)
        except services.HouseholdError as error:
            _apply_error(form, error)
        else:
            if changed:
                _flash_saved(household, created=False)
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("households.detail", household_id=household.id))
    return render_template(
        "households/form.html", form=form, household=household, picker_within=_picker_within()
    )


def _unmask_identity(form: HouseholdForm, household: Household) -> None:
    """A form sent from the copy kept on her phone carries the NIK and No. KK masked: unchanged."""
    if household.nik and form.nik.data == mask_nik(household.nik):
        form.nik.data = household.nik
    if household.kk_number and form.kk_number.data == mask_nik(household.kk_number):
        form.kk_number.data = household.kk_number


def _picker_within() -> str | None:
    """Where the desa picker searches: her one area, or the kabupaten of her areas."""
    codes = current_user.area_codes
    if len(codes) == 1:
        return codes[0]
    districts = {code[:5] for code in codes}
    return districts.pop() if len(districts) == 1 else None


def _fill_from_household(form: HouseholdForm, household: Household) -> None:
    """Put the stored profile into the fields that do not map one-to-one to columns."""
    for key in services.COMPONENT_KEYS:
        getattr(form.components, key).data = (household.components or {}).get(key, 0)
    form.desa.data = household.desa.name if household.desa else ""
    form.desa_code.data = household.desa_code
    form.assets.data = list(household.assets or [])
    form.other_assets.data = household.assets_text or ""
    form.income_bracket.data = household.income_bracket or ""
    form.skills.data = [skill.slug for skill in household.skills]


def _flash_saved(household: Household, *, created: bool) -> None:
    if created:
        flash(_("The profile of %(name)s is saved.", name=household.full_name), "success")
    else:
        flash(_("The changes to %(name)s are saved.", name=household.full_name), "success")
    if household.likely_duplicate_of_id:
        flash(_("Another household has a similar name, the same birth date and desa: check it is not the same woman."),
              "warning")


@bp.route("/<int:household_id>")
@roles_required(*VIEWERS)
def detail(household_id: int):
    """Her profile, matches and history; the full NIK is shown (and audited) to the owner and the coordinator."""
    household = _household_or_404(household_id)
    # A copy kept on her phone shows the identity block masked (and is not an audited viewing).
    identity = services.can_see_identity(current_user, household) and not is_offline_copy()
    duplicate = None
    if household.likely_duplicate_of_id:
        duplicate = services.get_visible_household(current_user, household.likely_duplicate_of_id)
    page = render_template(
        "households/detail.html",
        household=household,
        identity=identity,
        can_edit=services.can_edit(current_user, household),
        duplicate=duplicate,
        suggestions=services.unconfirmed_suggestions(household),
        history=services.history(household),
        confirm_form=ConfirmForm(),
        mask_nik=mask_nik,
        mask_phone=mask_phone,
        desa_path=cached_region_path(household.desa_code) or household.desa_code,
        component_keys=services.COMPONENT_KEYS,
        next_action=_next_action(household),
    )
    if identity:
        # Recorded (and committed) once the page is made and before it is sent: committing
        # first would expire every loaded object and make the page read them all again.
        services.record_identity_shown(current_user, household)
    return page


def _next_action(household: Household):
    """The action put first on her page, for the current user."""
    from ..graduation.views import graduation_summary  # the card's figures, computed once per request

    summary = graduation_summary(household)
    return next_action(
        household,
        graduation_pending=summary.pending is not None,
        graduation_ready=summary.readiness.ready,
        can_graduate=summary.can_submit,
        steps=lambda match: workflow.allowed_steps(current_user, match),
    )


@bp.route("/<int:household_id>/not-duplicate", methods=["POST"])
@roles_required(Role.FACILITATOR)
def not_duplicate(household_id: int):
    """Clear the likely-duplicate flag after checking."""
    household = _household_or_404(household_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.clear_duplicate_flag(current_user, household)
    except services.HouseholdError:
        abort(403)
    flash(_("Marked as a different woman."), "success")
    return redirect(url_for("households.detail", household_id=household.id))


# Import -----------------------------------------------------------------------------------


@bp.route("/import/template.xlsx")
@roles_required(Role.FACILITATOR)
def import_template():
    """The empty import template."""
    return send_file(
        _bytes_io(importer.template_workbook()), mimetype=XLSX, as_attachment=True,
        download_name="template-kpm.xlsx",
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.FACILITATOR)
def import_upload():
    """Upload a sheet; it is checked and shown before anything is written."""
    form = _QueuedImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = upload.filename or ""
        update_existing = form.update_existing.data == "update"
        # Reading one byte past the limit tells "too large" without holding more in memory.
        content = upload.read(importer.MAX_BYTES + 1)
        try:
            batch, job = task_services.submit_import(
                current_user, content, filename, update_existing=update_existing,
                request_key=form.submission_token.data or task_services.new_request_key(),
            )
        except importer.ImportFileError as error:
            form.file.errors = list(form.file.errors) + [error.message()]
        else:
            if job is not None:
                # A large sheet is read and checked by the worker; the page shows its progress, then the preview.
                return redirect(url_for("jobs.detail", job_id=job.id))
            return redirect(url_for("households.import_preview", batch_id=batch.id))
    return render_template("households/import.html", form=form)


class _QueuedImportForm(ImportForm, submissions.OnceOnlyForm):
    """The upload form with a once-only token: a large sheet sent twice is checked once, in the background."""


def _batch_or_404(batch_id: int):
    batch = importer.get_import(current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


@bp.route("/import/<int:batch_id>")
@roles_required(Role.FACILITATOR)
def import_preview(batch_id: int):
    """Every row with its problems or what it will change, problems first, as cards."""
    batch = _batch_or_404(batch_id)
    # Up to 50,000 stored rows: count them as stored and build objects only for the page shown.
    stored = batch.preview.get("rows", [])
    counts = importer.preview_counts(batch)
    default = "error" if counts["error"] else "all"
    show = request.args.get("show", default)
    if show not in PREVIEW_TABS:
        show = default
    shown = stored if show == "all" else [row for row in stored if row["status"] == show]
    pages = page_count(len(shown), PREVIEW_PER_PAGE)
    page = clamp_page(page_arg(), len(shown), PREVIEW_PER_PAGE)
    rows = [importer.row_from_json(row) for row in page_slice(shown, page, PREVIEW_PER_PAGE)]
    return render_template(
        "households/import_preview.html",
        batch=batch,
        counts=counts,
        show=show,
        tabs=PREVIEW_TABS,
        rows=rows,
        page=page,
        pages=pages,
        columns=batch.preview.get("columns", {}),
        ignored=batch.preview.get("ignored_headers", []),
        desa_names=_desa_names(rows),
        change_text=_change_text,
        confirm_form=ConfirmForm(),
    )


def _desa_names(rows: list[importer.RowResult]) -> dict[str, str]:
    from sqlalchemy import select

    from ..models import Region

    codes = {row.desa_code for row in rows if row.desa_code}
    if not codes:
        return {}
    return dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all())


FIELD_LABELS = {
    "full_name": _l("Full name"), "kk_number": _l("No. KK (family card)"), "birth_date": _l("Birth date"),
    "phone": _l("Phone / WhatsApp"), "address": _l("Address"), "desa_code": _l("Desa/kelurahan"),
    "components": _l("PKH components"), "skills_text": _l("Skills"), "interests": _l("Interests"),
    "work_experience": _l("Work experience"), "business_experience": _l("Business experience"),
    "work_preference": _l("Preferred work"), "hours_per_week": _l("Hours per week she can work"),
    "travel_range": _l("How far she can travel"), "home_based_only": _l("Home-based work only"),
    "constraints": _l("Constraints"), "assets": _l("Assets"), "skills": _l("Skills recognised"),
}


@bp.app_template_filter("import_message")
def _import_message(code: str) -> str:
    """An import message code in the current language."""
    return importer.message(code)


@bp.app_template_test("filled")
def _filled(text: str | None) -> bool:
    """``{% if text is filled %}``: a placeholder such as "-" counts as empty."""
    return services.filled(text)


@bp.app_template_filter("field_label")
def _field_label(key: str) -> str:
    """The translated label of a profile field (the same words as on the form)."""
    return str(FIELD_LABELS.get(key, key))


def _change_text(row: importer.RowResult, key: str, old: bool = False) -> str | None:
    """The new (or, with ``old``, the stored) value of a changed field as the preview shows it.

    None for personal data and the desa, whose values the preview does not show.
    """
    source = row.old if old else row.values
    if key in importer.PERSONAL_KEYS or key not in source or key == "desa_code":
        return None
    value = source[key]
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        return ", ".join(f"{label('pkh_component', code)} {count}" for code, count in value.items())
    if isinstance(value, list):
        groups = {"constraints": "constraint", "assets": "asset"}
        return ", ".join(label(groups.get(key, ""), item) for item in value)
    if key in ("work_preference", "travel_range"):
        return label(key, value)
    return str(value)


@bp.app_template_filter("skill_name")
def _skill_name(slug: str) -> str:
    """A canonical skill's name in the current language, from its slug."""
    skill = _skill_names().get(slug)
    if skill is None:
        return slug
    return skill[1] if current_language() == "en" else skill[0]


def _skill_names() -> dict[str, tuple[str, str]]:
    from flask import g
    from sqlalchemy import select

    from ..models import Skill

    if "skill_names" not in g:
        g.skill_names = {slug: (name_id, name_en) for slug, name_id, name_en in
                         db.session.execute(select(Skill.slug, Skill.name_id, Skill.name_en))}
    return g.skill_names


@bp.route("/import/<int:batch_id>/confirm", methods=["POST"])
@roles_required(Role.FACILITATOR)
def import_confirm(batch_id: int):
    """Import the valid rows in one transaction."""
    batch = _batch_or_404(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        update_all, update_rows = _update_choice()
        result = importer.confirm_import(current_user, batch, update_all=update_all, update_rows=update_rows)
    except importer.ImportFileError as error:
        flash(error.message(), "warning")
        return redirect(url_for("households.import_preview", batch_id=batch.id))
    counts = result.counts
    flash(
        _(
            "Import done: %(imported)d added, %(updated)d updated, %(skipped)d skipped, %(errors)d rejected.",
            imported=counts["imported"], updated=counts["updated"], skipped=counts["skipped"],
            errors=counts["errors"],
        ),
        "success",
    )
    if counts["flagged"]:
        flash(_("%(count)d households look like another one with a different NIK: check them in the caseload.",
                count=counts["flagged"]), "warning")
    return redirect(url_for("households.import_preview", batch_id=batch.id))


def _update_choice() -> tuple[bool | None, frozenset[int]]:
    """Her update choice on the preview: (update every changed row?, the rows she ticked "Perbarui").

    ``update_scope`` is "all" (every changed row of her households), "chosen" (only the ticked
    ``update_rows``) or absent (the upload's choice). Numbers that name no update row are ignored
    by the importer; what is not a number is dropped here.
    """
    scope = request.form.get("update_scope")
    if scope not in ("all", "chosen"):
        return None, frozenset()
    rows = frozenset(int(value) for value in request.form.getlist("update_rows") if value.isdigit())
    return scope == "all", rows


@bp.route("/import/<int:batch_id>/rejected.xlsx")
@roles_required(Role.FACILITATOR)
def import_rejected(batch_id: int):
    """The rejected rows with an error column, to fix and upload again."""
    batch = _batch_or_404(batch_id)
    table = importer.Table.from_json(batch.table)
    rows = [importer.row_from_json(row) for row in batch.preview.get("rows", [])]
    analysis = importer.Analysis(rows, batch.preview.get("columns", {}), [], table.header_row)
    content = importer.rejected_workbook(table, analysis, _("Errors"))
    return send_file(_bytes_io(content), mimetype=XLSX, as_attachment=True, download_name="kpm-ditolak.xlsx")


from . import collision_views  # noqa: E402, F401 - the coordinator's NIK cases on this blueprint
