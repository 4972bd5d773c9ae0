"""JSON endpoints: ``/api/regions/search`` and ``/api/skills/search`` (logged-in users only).

Only GET endpoints live here so far; Flask-WTF's CSRF check applies to POST, PUT, PATCH and
DELETE only, so any state-changing endpoint added later is protected without exempting it.
Anonymous callers get a 401 JSON answer, not the login page, since a script cannot follow
a redirect to a form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..reference.resolver import RegionMatch, search_regions
from ..reference.skill_resolver import SkillSuggestion, search_skills
from .forms import RegionSearchForm, SkillSearchForm

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def require_login():
    """Refuse anonymous callers with a 401 JSON error."""
    if not current_user.is_authenticated:
        return jsonify(error=_("Log in to use this service.")), 401
    return None


def validation_error(form: RegionSearchForm | SkillSearchForm):
    """A 400 answer naming each bad parameter and what is wrong with it."""
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    return jsonify(error=_("Some parameters are not valid."), errors=errors), 400


def region_search_response(args: MultiDict[str, str], *, level: str | None = None, within: str | None = None):
    """Validate ``args`` and answer a region search; ``level``/``within`` given here override the query."""
    form = RegionSearchForm(formdata=args)
    if not form.validate():
        return validation_error(form)
    matches = search_regions(
        form.q.data,
        level=level or form.level.data or None,
        within=within or form.within.data or None,
        limit=form.limit.data or 10,
    )
    return jsonify(results=[region_json(match) for match in matches])


def region_json(match: RegionMatch) -> dict[str, Any]:
    """The JSON form of a region match."""
    return {"code": match.code, "name": match.name, "level": match.level, "path": match.path, "score": match.score}


def skill_json(suggestion: SkillSuggestion) -> dict[str, Any]:
    """The JSON form of a skill suggestion, with its name in the user's language."""
    return {
        "slug": suggestion.slug,
        "name": suggestion.label(str(get_locale() or "id")),
        "name_id": suggestion.name_id,
        "name_en": suggestion.name_en,
        "category": suggestion.category,
        "score": suggestion.score,
        "phrase": suggestion.phrase,
    }


@bp.get("/regions/search")
def regions_search():
    """``?q=&level=&within=&limit=`` → ``{"results": [{"code", "name", "level", "path", "score"}]}``."""
    return region_search_response(request.args)


@bp.get("/skills/search")
def skills_search():
    """``?q=&limit=`` → ``{"results": [{"slug", "name", "name_id", "name_en", "category", "score", "phrase"}]}``."""
    form = SkillSearchForm(formdata=request.args)
    if not form.validate():
        return validation_error(form)
    return jsonify(results=[skill_json(item) for item in search_skills(form.q.data, limit=form.limit.data or 10)])
