from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .text import TOO_LONG

# A bigint has at most 19 digits: a longer number is no row's id (and int() refuses 4,300 digits).
MAX_ID_DIGITS = 18


def typed_id(value: str) -> int | None:
    """A row's id typed into a form or a query string, or None when it cannot be one: ASCII
    digits only ("²".isdigit() is true, and int() refuses it), short enough for a bigint."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS else None


class DateRangeMixin:
    """Optional `start` and `end` date fields: the end may not come before the start."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at its field when the form has one,
    at the top otherwise, so the user's input stays and the message says what to fix."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class CountedTextarea(forms.Textarea):
    """A textarea whose characters are counted under it as the person types
    (static/js/char-count.js reads the maxlength its form field sets). Browsers count a line
    break as one character but send it as two (CRLF): it arrives here as one (LF), so a text
    the browser let through is never refused as too long."""

    def __init__(self, attrs=None) -> None:
        super().__init__({"rows": 3, **(attrs or {}), "data-char-count": ""})

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class TextLimitsMixin:
    """Every text field's "too long" error in the words the services use."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.error_messages["max_length"] = TOO_LONG


class LongSelect(forms.Select):
    """A select of a few hundred options (a program's sessions) drawn in Python: Django draws
    every option through its own template include, which for 200 options took longer than the
    rest of the case queue. The same markup as forms.Select; no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group, _index in widget["optgroups"]:
            if group_name is not None:
                raise ValueError("LongSelect draws no option groups.")
            options.extend(group)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join(
                "\n",
                '<option value="{}"{}>{}</option>',
                ((o["value"], mark_safe(" selected") if o["selected"] else "", o["label"]) for o in options),
            ),
        )
