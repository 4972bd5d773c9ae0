"""``/api/v1/regions``, ``/api/v1/skills``, ``/api/v1/vocabularies``: the reference data, read-only.

Any valid token reads them, whatever its role. Regions are searched and described by the
resolver the desa picker uses (:mod:`matchmaker.reference.resolver`), skills by the skill
resolver of the skill picker, with the pickers' parameter forms and messages; the closed
vocabularies are listed from their one data file through :mod:`matchmaker.reference.vocabulary`.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from ...api.forms import RegionFilterForm, SkillFilterForm
from ...extensions import db
from ...i18n import current_language
from ...reference import vocabulary as vocabularies
from ...reference.regions import list_regions as regions_in_code_order
from ...reference.regions import normalize_code, parent_code_of
from ...reference.resolver import MAX_LIMIT as MAX_REGION_MATCHES
from ...reference.resolver import RegionMatch, describe_region, search_regions
from ...reference.skill_resolver import MAX_LIMIT as MAX_SKILL_MATCHES
from ...reference.skill_resolver import search_skills
from ...reference.skills import SkillEntry, vocabulary
from .core import decode_cursor, encode_cursor, page_size, problem, protect, query_fingerprint, refuse_nul
from .schemas import ListArgsSchema
from .schemas_reference import (
    CategoryListSchema,
    RegionFilterSchema,
    RegionPageSchema,
    RegionSchema,
    SkillFilterSchema,
    SkillPageSchema,
    SkillSchema,
    VocabularyListSchema,
    VocabularySchema,
)

blp = protect(Blueprint(
    "api_v1_reference", __name__, url_prefix="/api/v1",
    description="Reference data, read-only for any token: regions, skills and the closed vocabularies.",
))

MAX_CODE = 20  # a region code is at most 13 characters; anything longer names none


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 404: "NOT_FOUND", 422: "UNPROCESSABLE_CONTENT", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


def _form_problem(form) -> Exception:
    return problem(422, errors={name: [str(text) for text in texts] for name, texts in form.errors.items()})


def _page(items: list[Any], key, cursor: str | None, size: int, fingerprint: str) -> tuple[list[Any], str | None]:
    """One page of a list computed whole (a search's best matches): after the last item of the
    previous page, else at its offset."""
    position = decode_cursor(cursor, fingerprint) or {}
    keys = [key(item) for item in items]
    start = int(position.get("offset") or 0)
    if position.get("after") in keys:
        start = keys.index(position["after"]) + 1
    page = items[start:start + size]
    more = start + size < len(items)
    if not (more and page):
        return page, None
    return page, encode_cursor({"after": key(page[-1]), "offset": start + size}, fingerprint)


# Regions --------------------------------------------------------------------------------------


def _region(match: RegionMatch, score: float | None = None) -> dict[str, Any]:
    return {"code": match.code, "name": match.name, "level": match.level, "path": match.path,
            "parent_code": parent_code_of(match.code), "score": score}


def _described(codes: list[str]) -> list[dict[str, Any]]:
    return [_region(match) for match in map(describe_region, codes) if match is not None]


def _keyset_page(codes_page: list[str], size: int, fingerprint: str) -> tuple[list[dict[str, Any]], str | None]:
    """The regions of a keyset page (``size + 1`` codes were read: one more tells there is a next page)."""
    items = _described(codes_page[:size])
    more = len(codes_page) > size
    return items, encode_cursor({"after": codes_page[size - 1]}, fingerprint) if more else None


@blp.route("/regions", methods=["GET"])
@blp.arguments(RegionFilterSchema, location="query", as_kwargs=True)
@blp.response(200, RegionPageSchema)
@_problems(401, 422, 429)
def list_regions(cursor: str | None = None, limit: int | None = None, **args: Any):
    """Regions (provinsi, kabupaten, kecamatan, desa). With `q`, the desa picker's search: names as people
    write them (typos, old spellings, a kecamatan after a comma) or a code prefix, best first, at most
    its 50 best matches; without `q`, every region of `level` within `within`, in code order."""
    refuse_nul({"cursor": cursor, **args})
    size = page_size(limit)
    form = RegionFilterForm(formdata=MultiDict({k: str(v) for k, v in args.items() if v is not None}))
    if not form.validate():
        raise _form_problem(form)
    level, within, text = form.level.data or None, form.within.data or None, (form.q.data or "").strip()
    fingerprint = query_fingerprint({"q": text, "level": level, "within": within})
    g.api_target = ("region", None)
    if text:
        matches = search_regions(text, level=level, within=within, limit=MAX_REGION_MATCHES)
        page, next_cursor = _page(matches, lambda match: match.code, cursor, size, fingerprint)
        items = [_region(match, match.score) for match in page]
    else:
        after = (decode_cursor(cursor, fingerprint) or {}).get("after")
        codes = [region.code for region in regions_in_code_order(db.session, level=level, within=within,
                                                        after=str(after) if after else None, limit=size + 1)]
        items, next_cursor = _keyset_page(codes, size, fingerprint)
    g.api_audit_detail = {"count": len(items)}
    return {"items": items, "next_cursor": next_cursor, "limit": size}


def _region_or_404(code: str) -> RegionMatch:
    """The region of ``code`` (dotted or not); 404 if there is none."""
    normal = normalize_code(code) if len(code) <= MAX_CODE else None
    match = describe_region(normal) if normal else None
    if match is None:
        raise problem(404)
    g.api_target = ("region", None)
    return match


@blp.route("/regions/<code>", methods=["GET"])
@blp.response(200, RegionSchema)
@_problems(401, 404, 429)
def get_region(code: str):
    """One region by its Kemendagri code (`32.01.16.2013`, or without dots), with its full path."""
    return _region(_region_or_404(code))


@blp.route("/regions/<code>/children", methods=["GET"])
@blp.arguments(ListArgsSchema, location="query", as_kwargs=True)
@blp.response(200, RegionPageSchema)
@_problems(401, 404, 422, 429)
def region_children(code: str, cursor: str | None = None, limit: int | None = None):
    """The regions directly below a region (a kabupaten's kecamatan, a kecamatan's desa), in code order."""
    refuse_nul({"cursor": cursor})
    parent = _region_or_404(code)
    size = page_size(limit)
    fingerprint = query_fingerprint({"parent": parent.code})
    after = (decode_cursor(cursor, fingerprint) or {}).get("after")
    codes = [region.code for region in regions_in_code_order(db.session, parent=parent.code,
                                                    after=str(after) if after else None, limit=size + 1)]
    items, next_cursor = _keyset_page(codes, size, fingerprint)
    g.api_audit_detail = {"count": len(items)}
    return {"items": items, "next_cursor": next_cursor, "limit": size}


# Skills ---------------------------------------------------------------------------------------


def _skill(entry: SkillEntry, score: float | None = None, phrase: str | None = None) -> dict[str, Any]:
    language = current_language()
    return {"slug": entry.slug, "name": entry.name_en if language == "en" else entry.name_id,
            "name_id": entry.name_id, "name_en": entry.name_en, "category": entry.category,
            "synonyms": list(entry.synonyms), "score": score, "phrase": phrase}


@blp.route("/skills", methods=["GET"])
@blp.arguments(SkillFilterSchema, location="query", as_kwargs=True)
@blp.response(200, SkillPageSchema)
@_problems(401, 422, 429)
def list_skills(cursor: str | None = None, limit: int | None = None, **args: Any):
    """The canonical skills. With `q`, the skill picker's search (typos and colloquial words), best
    first, at most its 50 best matches; without `q`, every skill by slug. `category` narrows either."""
    refuse_nul({"cursor": cursor, **args})
    size = page_size(limit)
    form = SkillFilterForm(formdata=MultiDict({k: str(v) for k, v in args.items() if v is not None}))
    if not form.validate():
        raise _form_problem(form)
    text, category = (form.q.data or "").strip(), form.category.data or None
    fingerprint = query_fingerprint({"q": text, "category": category})
    entries = {entry.slug: entry for entry in vocabulary().skills}
    if text:
        found = [(entries[s.slug], s.score, s.phrase) for s in search_skills(text, limit=MAX_SKILL_MATCHES)]
    else:
        found = [(entries[slug], None, None) for slug in sorted(entries)]
    found = [item for item in found if category is None or item[0].category == category]
    page, next_cursor = _page(found, lambda item: item[0].slug, cursor, size, fingerprint)
    g.api_target = ("skill", None)
    g.api_audit_detail = {"count": len(page)}
    return {"items": [_skill(*item) for item in page], "next_cursor": next_cursor, "limit": size}


@blp.route("/skills/categories", methods=["GET"])
@blp.response(200, CategoryListSchema)
@_problems(401, 429)
def skill_categories():
    """The skill categories (a closed list), with their names and how many skills each holds."""
    vocab = vocabulary()
    language = current_language()
    counts: dict[str, int] = {}
    for entry in vocab.skills:
        counts[entry.category] = counts.get(entry.category, 0) + 1
    g.api_target = ("skill", None)
    return {"items": [{"slug": category.slug, "name": category.label(language), "name_id": category.name_id,
                       "name_en": category.name_en, "skill_count": counts.get(category.slug, 0)}
                      for category in vocab.categories]}


@blp.route("/skills/<slug>", methods=["GET"])
@blp.response(200, SkillSchema)
@_problems(401, 404, 429)
def get_skill(slug: str):
    """One canonical skill by its slug, with its names and the words people write for it."""
    entry = next((item for item in vocabulary().skills if item.slug == slug), None)
    if entry is None:
        raise problem(404)
    g.api_target = ("skill", None)
    return _skill(entry)


# Vocabularies ---------------------------------------------------------------------------------


@blp.route("/vocabularies", methods=["GET"])
@blp.response(200, VocabularyListSchema)
@_problems(401, 429)
def list_vocabularies():
    """The closed vocabularies of profiles and offers (PKH components, work preference, travel range, reach,
    yes/no, constraints, assets, offer kinds), by name, with how many entries each has."""
    g.api_target = ("vocabulary", None)
    return {"items": [{"name": name, "size": len(vocabularies.entries(name))} for name in vocabularies.names()]}


@blp.route("/vocabularies/<name>", methods=["GET"])
@blp.response(200, VocabularySchema)
@_problems(401, 404, 429)
def get_vocabulary(name: str):
    """Every entry of one vocabulary in display order: its code (what the API takes and gives), labels,
    the word an export writes, and the forms people write for it (what the import understands)."""
    if name not in vocabularies.names():
        raise problem(404)
    language = current_language()
    g.api_target = ("vocabulary", None)
    return {"name": name, "entries": [
        {"code": item.code, "label": item.label(language), "label_id": item.label_id, "label_en": item.label_en,
         "export": item.export, "forms": list(item.forms), "lacks": list(item.lacks)}
        for item in vocabularies.entries(name)]}
