"""Query-string parameters of the JSON API, validated like any form (messages in the user's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, SelectField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..extensions import db
from ..forms import AppForm, max_length, required
from ..models import Region, RegionLevel
from ..reference.regions import normalize_code
from ..reference.skills import vocabulary

MAX_RESULTS = 50


class QueryForm(AppForm):
    """Read from ``request.args``; a GET changes nothing, so no CSRF token is involved."""

    class Meta:
        csrf = False

    q = StringField(_l("Search text"), validators=[required(), max_length(100)])
    limit = IntegerField(
        _l("Number of results"),
        default=10,
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_RESULTS, message=_l("Ask for 1 to %(max)d results.", max=MAX_RESULTS)),
        ],
    )


class RegionSearchForm(QueryForm):
    """``q``, ``level``, ``within`` and ``limit`` of ``/api/regions/search``."""

    level = StringField(_l("Region level"), validators=[Optional()])
    within = StringField(_l("Within region"), validators=[Optional(), max_length(16)])

    def validate_level(self, field: Field) -> None:
        """Name the accepted levels, which the generic choice message does not."""
        if field.data and field.data not in RegionLevel.ALL:
            raise ValidationError(_l("Use one of: %(levels)s.", levels=", ".join(RegionLevel.ALL)))

    def validate_within(self, field: Field) -> None:
        """A Kemendagri code of a region that exists, written with or without dots."""
        if not field.data:
            return
        code = normalize_code(field.data)
        if code is None:
            raise ValidationError(_l("Write a region code such as 32.01 or 32.01.16."))
        if db.session.get(Region, code) is None:
            raise ValidationError(_l("There is no region with this code."))
        field.data = code


class SkillSearchForm(QueryForm):
    """``q`` and ``limit`` of ``/api/skills/search``."""


class RegionFilterForm(RegionSearchForm):
    """``/api/v1/regions``: the search's parameters, the text optional (without it, regions in code order)."""

    q = StringField(_l("Search text"), validators=[Optional(), max_length(100)])


class SkillFilterForm(SkillSearchForm):
    """``/api/v1/skills``: an optional search text and a skill category."""

    q = StringField(_l("Search text"), validators=[Optional(), max_length(100)])
    category = SelectField(_l("Skill category"), validators=[Optional()])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [("", "")] + [(category.slug, category.slug) for category in vocabulary().categories]
