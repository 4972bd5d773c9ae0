"""Form fields of the region picker (see ``region_picker`` in templates/_macros.html)."""

from __future__ import annotations

from wtforms import StringField
from wtforms.widgets import Input


class RegionCodeInput(Input):
    """A hidden input that ``form.hidden_tag()`` leaves alone: the picker macro renders it next to its text input.

    Flask-WTF's ``hidden_tag`` renders every field whose widget is a ``HiddenInput``; this one
    is not, so the code input is written once, where the picker's script looks for it.
    """

    input_type = "hidden"
    validation_attrs = ["maxlength"]


class RegionCodeField(StringField):
    """The code of the region chosen in a picker (empty when only a name was typed)."""

    widget = RegionCodeInput()
