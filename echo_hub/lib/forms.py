from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .markup import escaped
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
    every option through its own template include, and builds a dictionary of attributes for
    each first, which for 200 options took longer than the rest of the case queue. The same
    markup as forms.Select; no option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        # Widget's context, not ChoiceWidget's: that one builds every option's dictionary.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen, options, has_selected = widget["value"], [], False
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise ValueError("LongSelect draws no option groups.")
            option_value = "" if option_value is None else str(option_value)
            # As Django's Select: only the first option of the value is selected.
            selected = not has_selected and option_value in chosen
            has_selected |= selected
            options.append((option_value, label, selected))
        # Each option escaped once (echo_hub.lib.markup), not through format_html per option.
        drawn = "\n".join(_option(value, label, selected) for value, label, selected in options)
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe(drawn)
        )


def _option(value: str, label, selected: bool) -> str:
    return f'<option value="{escaped(value)}"{" selected" if selected else ""}>{escaped(label)}</option>'


class ListedChoiceIterator(ModelChoiceIterator):
    """A model choice field's options read in one query: Django reads them through
    QuerySet.iterator(), a server-side cursor on PostgreSQL (three round trips) meant for
    more rows than a select ever holds."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # Iterating a queryset (not .iterator()) reads every row in one plain query.
        for obj in self.queryset.all():
            yield self.choice(obj)


class LongModelChoiceField(forms.ModelChoiceField):
    """A choice of one of many rows (a program's sessions or cycles): one query, drawn by
    LongSelect."""

    iterator = ListedChoiceIterator
    widget = LongSelect
