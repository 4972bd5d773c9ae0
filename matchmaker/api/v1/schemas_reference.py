"""Marshmallow schemas of the reference resources (regions, skills, vocabularies): types and documentation."""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import ListArgsSchema


class RegionFilterSchema(ListArgsSchema):
    """A region search (`q`) or listing, narrowed by level and area."""

    q = fields.String(metadata={"description": "A name as people write it (e.g. `Sukamaju, Cibung`) or a code prefix."})
    level = fields.String(metadata={"description": "provinsi, kabupaten, kecamatan or desa."})
    within = fields.String(metadata={"description": "Only regions below this code, e.g. 32.01."})


class RegionSchema(Schema):
    """A region with its Kemendagri code and its full path (narrowest first)."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    path = fields.String(required=True, metadata={"description": "e.g. Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat"})
    parent_code = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True, allow_none=True, metadata={"description": "0–100 for a search, else null."})


class RegionPageSchema(Schema):
    """One page of regions and the next page's cursor (null on the last page)."""

    items = fields.List(fields.Nested(RegionSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class SkillFilterSchema(ListArgsSchema):
    """A skill search (`q`) or listing, narrowed by category."""

    q = fields.String(metadata={"description": "What she can do, as people write it (e.g. `ngejait`)."})
    category = fields.String(metadata={"description": "A category slug (see /api/v1/skills/categories)."})


class SkillSchema(Schema):
    """A canonical skill: its slug (what profiles and offers link), names and synonyms."""

    slug = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "In the language of Accept-Language."})
    name_id = fields.String(required=True)
    name_en = fields.String(required=True)
    category = fields.String(required=True)
    synonyms = fields.List(fields.String(), required=True)
    score = fields.Float(required=True, allow_none=True, metadata={"description": "0–100 for a search, else null."})
    phrase = fields.String(required=True, allow_none=True,
                           metadata={"description": "For a search: the term that matched best."})


class SkillPageSchema(Schema):
    """One page of skills and the next page's cursor (null on the last page)."""

    items = fields.List(fields.Nested(SkillSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class CategorySchema(Schema):
    """A skill category."""

    slug = fields.String(required=True)
    name = fields.String(required=True)
    name_id = fields.String(required=True)
    name_en = fields.String(required=True)
    skill_count = fields.Integer(required=True)


class CategoryListSchema(Schema):
    """Every skill category (a closed list: not paged)."""

    items = fields.List(fields.Nested(CategorySchema), required=True)


class VocabularySummarySchema(Schema):
    """A closed vocabulary's name and number of entries."""

    name = fields.String(required=True)
    size = fields.Integer(required=True)


class VocabularyListSchema(Schema):
    """Every closed vocabulary (not paged)."""

    items = fields.List(fields.Nested(VocabularySummarySchema), required=True)


class VocabularyEntrySchema(Schema):
    """One code of a vocabulary."""

    code = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the language of Accept-Language."})
    label_id = fields.String(required=True)
    label_en = fields.String(required=True)
    export = fields.String(required=True, metadata={"description": "The word an export writes (read back on import)."})
    forms = fields.List(fields.String(), required=True,
                        metadata={"description": "Words people write for it, which imports understand."})
    lacks = fields.List(fields.String(), required=True,
                        metadata={"description": "Constraints: the assets whose absence means this constraint."})


class VocabularySchema(Schema):
    """A closed vocabulary with all its entries in display order (a closed list: not paged)."""

    name = fields.String(required=True)
    entries = fields.List(fields.Nested(VocabularyEntrySchema), required=True)
