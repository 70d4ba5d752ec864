"""A Django form built from a case form definition: one form field per answer (the medication
list is the medication rows' own formset), the identifier guard on every free-text answer with
the vouch flow of the case form, and the answers back as columns and as JSON."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from echo_hub.deid.forms import IdentifierGuardMixin
from echo_hub.lib.forms import CountedTextarea
from echo_hub.lib.text import TOO_LONG

from .attachments import attachment_kind
from .definition import (
    ATTACHMENT,
    LONG_TEXT,
    MEDICATIONS,
    MULTIPLE_CHOICE,
    NUMBER,
    SCORE,
    SHORT_TEXT,
    SINGLE_CHOICE,
    YES_NO,
    fields,
    shown,
    text_keys,
    text_limit,
)

YES_NO_CHOICES = [("", "—"), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]
# Types answered in this form; the medication list has its own formset.
FORM_TYPES = (SHORT_TEXT, LONG_TEXT, NUMBER, SCORE, SINGLE_CHOICE, MULTIPLE_CHOICE, YES_NO, ATTACHMENT)


class AttachmentField(forms.FileField):
    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            attachment_kind(upload)
        return upload


def _range_help(field: dict) -> str:
    low, high, unit = field.get("min"), field.get("max"), field.get("unit") or ""
    if field["type"] == SCORE:
        return _("%(instrument)s score, %(min)s to %(max)s.") % {
            "instrument": field.get("instrument") or "",
            "min": low,
            "max": high,
        }
    if low is not None and high is not None and unit:
        return _("From %(min)s to %(max)s %(unit)s.") % {"min": low, "max": high, "unit": unit}
    if low is not None and high is not None:
        return _("From %(min)s to %(max)s.") % {"min": low, "max": high}
    return unit


def _choices(field: dict) -> list[tuple[str, str]]:
    return [(value, shown(label)) for value, label in field["choices"]]


def form_field(field: dict) -> forms.Field:
    """The form field of one definition field; `required` is applied when the case is submitted."""
    kind = field["type"]
    common = {"label": shown(field["label"]), "required": False}
    helps = [shown(field.get("help") or "")]
    if kind in (SHORT_TEXT, LONG_TEXT):
        widget = CountedTextarea() if kind == LONG_TEXT else forms.TextInput()
        built = forms.CharField(
            max_length=text_limit(field), widget=widget, error_messages={"max_length": TOO_LONG}, **common
        )
    elif kind in (NUMBER, SCORE):
        places = field.get("decimals", 0 if kind == SCORE else 4)
        built = forms.DecimalField(
            min_value=field.get("min"),
            max_value=field.get("max"),
            decimal_places=places,
            widget=forms.NumberInput(attrs={"step": "any" if places else "1"}),
            **common,
        )
        helps.append(_range_help(field))
    elif kind == SINGLE_CHOICE:
        built = forms.ChoiceField(choices=[("", "—"), *_choices(field)], **common)
    elif kind == ATTACHMENT:
        built = AttachmentField(**common)
        helps.append(_("A PDF or an image (PNG or JPEG). Remove every name, date and number from it first."))
    elif kind == MULTIPLE_CHOICE:
        built = forms.MultipleChoiceField(
            choices=_choices(field), widget=forms.CheckboxSelectMultiple, **common
        )
    elif field.get("column"):
        # The pain form's yes/no questions have always been a box to tick (a column that is
        # never empty); a new form's may stay unanswered.
        built = forms.BooleanField(**common)
    else:
        built = forms.ChoiceField(choices=YES_NO_CHOICES, **common)
    if field.get("required"):
        helps.append(_("Required before you submit."))
    built.help_text = " ".join(h for h in helps if h)
    built.definition_required = bool(field.get("required"))
    return built


def _initial(field: dict, case) -> object:
    if case is None or field["type"] == ATTACHMENT:
        return None
    if field.get("column"):
        return getattr(case, field["column"])
    value = case.answers.get(field["key"])
    if field["type"] == YES_NO and value is not None:
        return "yes" if value else "no"
    return value


def _stored(field: dict, value) -> object:
    """A cleaned value as the answers JSON keeps it."""
    kind = field["type"]
    if value in ("", None, []):
        return None
    if kind in (NUMBER, SCORE):
        return int(value) if value == value.to_integral_value() else str(value)
    if kind == YES_NO and not field.get("column"):
        return value == "yes"
    return value


class AnswersForm(IdentifierGuardMixin, forms.Form):
    """The answers to a case form's fields. `submitting` applies the fields' `required`."""

    vouchable = True

    def __init__(self, *args, definition: dict, case=None, submitting: bool = False, **kwargs):
        self.definition = definition
        self.by_key = {f["key"]: f for f in fields(definition) if f["type"] in FORM_TYPES}
        self.guarded_fields = text_keys(definition)
        super().__init__(*args, **kwargs)
        for key, field in self.by_key.items():
            self.fields[key] = form_field(field)
            # A required attachment already stored needs no new upload: the service checks it.
            self.fields[key].required = (
                submitting and field.get("required", False) and field["type"] != ATTACHMENT
            )
            if case is not None and key not in self.initial:
                self.initial[key] = _initial(field, case)

    def columns(self) -> dict:
        """Answers stored in a Case column (the pain form's), by column."""
        return {
            field["column"]: self.cleaned_data[key]
            for key, field in self.by_key.items()
            if field.get("column") and key in self.cleaned_data
        }

    def uploads(self) -> dict:
        """Files newly attached, by field key."""
        return {
            key: self.cleaned_data[key]
            for key, field in self.by_key.items()
            if field["type"] == ATTACHMENT and self.cleaned_data.get(key)
        }

    def answers(self) -> dict:
        """Answers stored in Case.answers, as JSON, unanswered ones left out."""
        stored = {
            key: _stored(field, self.cleaned_data.get(key))
            for key, field in self.by_key.items()
            if not field.get("column") and field["type"] != ATTACHMENT
        }
        return {key: value for key, value in stored.items() if value is not None}


def form_sections(definition: dict, answers: AnswersForm) -> list[dict]:
    """The form's sections with their bound fields, in order; the medication list where the
    form puts it."""
    sections = []
    for section in definition["sections"]:
        items = []
        for field in section["fields"]:
            if field["type"] == MEDICATIONS:
                items.append(
                    {"medications": True, "label": shown(field["label"]), "without_mme": not field.get("mme")}
                )
            elif field["key"] in answers.fields:
                items.append({"field": answers[field["key"]]})
        sections.append({"title": shown(section["title"]), "items": items})
    return sections
