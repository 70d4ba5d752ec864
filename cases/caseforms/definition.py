"""The shape of a case form definition, and its checks.

    {"template": "hepatitis_c",
     "sections": [{"title": "...", "fields": [FIELD, ...]}, ...],
     "headings": [{"key": "treatment", "label": "Treatment choice"}, ...]}

A FIELD has a stable `key` (answers are stored under it, so renaming a label keeps them), a
`type` (FIELD_TYPES), `label`, `required` and `help`, and per type: `unit`, `min`, `max`
(number), `min`, `max`, `instrument` (score), `choices` as [value, label] pairs (single and
multiple choice), `mme` (medication list). `column` names the Case column a chronic-pain field
has always been stored in (see templates_pain.py); every other answer lives in Case.answers.

Labels and help texts of the built-in templates are English message ids translated when shown
(gettext finds them in the catalogue); what a coordinator types is shown as typed."""

import re
from collections.abc import Iterator, Mapping
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
NUMBER = "number"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
YES_NO = "yes_no"
SCORE = "score"
MEDICATIONS = "medications"
ATTACHMENT = "attachment"

FIELD_TYPES = {
    SHORT_TEXT: gettext_lazy("Short text"),
    LONG_TEXT: gettext_lazy("Long text"),
    NUMBER: gettext_lazy("Number"),
    SINGLE_CHOICE: gettext_lazy("Single choice"),
    MULTIPLE_CHOICE: gettext_lazy("Multiple choice"),
    YES_NO: gettext_lazy("Yes / no"),
    SCORE: gettext_lazy("Score"),
    MEDICATIONS: gettext_lazy("Medication list"),
    ATTACHMENT: gettext_lazy("Attachment (image or PDF)"),
}
TEXT_TYPES = (SHORT_TEXT, LONG_TEXT)
CHOICE_TYPES = (SINGLE_CHOICE, MULTIPLE_CHOICE)
RANGED_TYPES = (NUMBER, SCORE)

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
LABEL_MAX = 120
HELP_MAX = 300
MAX_SECTIONS = 20
MAX_FIELDS = 80
MAX_CHOICES = 40
MAX_HEADINGS = 12
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The case's own columns and form names every form has: a field key must not shadow them.
RESERVED_KEYS = frozenset(
    {
        "title",
        "age_band",
        "sex_gender",
        "main_concern",
        "consent",
        "question_1",
        "question_2",
        "question_3",
        "attested_deidentified",
        "library_shared",
        "requested_session",
        "save",
        "submit",
        "csrfmiddlewaretoken",
    }
)
PAIN_COLUMNS = frozenset(
    {
        "pain_onset",
        "pain_duration",
        "pain_location",
        "pain_character",
        "pain_intensity",
        "function_goals",
        "treatments_tried",
        "benzodiazepine_coprescribed",
        "investigations",
        "peg_score",
        "phq9_score",
        "gad7_score",
        "ort_score",
        "uds_recency",
        "uds_result",
        "monitoring_checked",
        "treatment_agreement",
        "mental_health",
        "substance_use",
        "social_context",
        "medications",
    }
)


@cache
def _column_types() -> dict[str, str]:
    from .templates_pain import pain_definition  # the template is built from this module's names

    return {f["column"]: f["type"] for f in fields(pain_definition())}


def fields(definition: Mapping) -> Iterator[dict]:
    for section in definition.get("sections", ()):
        yield from section.get("fields", ())


def field_map(definition: Mapping) -> dict[str, dict]:
    return {field["key"]: field for field in fields(definition)}


def text_keys(definition: Mapping) -> tuple[str, ...]:
    """The free-text answers: the identifier guard reads each of them."""
    return tuple(f["key"] for f in fields(definition) if f["type"] in TEXT_TYPES)


def answer_text_keys(definition: Mapping) -> tuple[str, ...]:
    """The free-text answers kept in Case.answers (not in a column of the pain form)."""
    return tuple(f["key"] for f in fields(definition) if f["type"] in TEXT_TYPES and not f.get("column"))


def text_limit(field: Mapping) -> int:
    return SHORT_TEXT_MAX if field["type"] == SHORT_TEXT else LONG_TEXT_MAX


def has_attachments(definition: Mapping) -> bool:
    return any(f["type"] == ATTACHMENT for f in fields(definition))


def heading_keys(definition: Mapping) -> tuple[str, ...]:
    return tuple(h["key"] for h in definition.get("headings", ()))


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_range(field: Mapping, where: str, errors: list[str]) -> None:
    low, high = field.get("min"), field.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and not _number(value):
            errors.append(_("%(where)s: the %(name)s must be a number.") % {"where": where, "name": name})
            return
    if field["type"] == SCORE and (low is None or high is None):
        errors.append(
            _("%(where)s: a score needs the lowest and highest value of its scale.") % {"where": where}
        )
    elif low is not None and high is not None and low >= high:
        errors.append(_("%(where)s: the lowest value must be below the highest.") % {"where": where})


def _check_choices(field: Mapping, where: str, errors: list[str]) -> None:
    choices = field.get("choices") or []
    values = [c[0] for c in choices if isinstance(c, list | tuple) and len(c) == 2]
    if len(values) != len(choices) or not all(isinstance(v, str) and v.strip() for v in values):
        errors.append(_("%(where)s: each choice needs a value and a label.") % {"where": where})
    elif len(values) < 2:
        errors.append(_("%(where)s: give at least two choices.") % {"where": where})
    elif len(values) > MAX_CHOICES:
        errors.append(_("%(where)s: keep to %(max)s choices.") % {"where": where, "max": MAX_CHOICES})
    elif len(set(values)) != len(values):
        errors.append(_("%(where)s: two choices are the same.") % {"where": where})


def _check_field(field: Mapping, where: str, errors: list[str]) -> None:
    if field.get("type") not in FIELD_TYPES:
        errors.append(_("%(where)s: choose the type of the field.") % {"where": where})
        return
    label = str(field.get("label") or "").strip()
    if not label:
        errors.append(_("%(where)s: give the field a label.") % {"where": where})
    elif len(label) > LABEL_MAX:
        errors.append(
            _("%(where)s: keep the label to %(max)s characters.") % {"where": where, "max": LABEL_MAX}
        )
    if len(str(field.get("help") or "")) > HELP_MAX:
        errors.append(
            _("%(where)s: keep the help text to %(max)s characters.") % {"where": where, "max": HELP_MAX}
        )
    column = field.get("column")
    if column is not None and column not in PAIN_COLUMNS:
        errors.append(_("%(where)s: unknown stored column.") % {"where": where})
    elif column is not None and field["type"] != _column_types()[column]:
        # The pain form's answers live in typed columns: a number column cannot hold text.
        errors.append(
            _("%(where)s: this field of the chronic pain form keeps its type (%(type)s).")
            % {"where": where, "type": FIELD_TYPES[_column_types()[column]]}
        )
    if field["type"] in RANGED_TYPES:
        _check_range(field, where, errors)
    if field["type"] in CHOICE_TYPES:
        _check_choices(field, where, errors)


def validate_definition(definition: Mapping) -> None:
    """Raise ValidationError listing every problem: keys unique and well-formed, each field
    complete for its type, ranges sane, at least one recommendation heading."""
    errors: list[str] = []
    sections = definition.get("sections")
    if not isinstance(sections, list) or len(sections) > MAX_SECTIONS:
        raise ValidationError(_("A form has a list of at most %(max)s sections.") % {"max": MAX_SECTIONS})
    seen: set[str] = set()
    medication_lists = 0
    for number, section in enumerate(sections, start=1):
        if not str(section.get("title") or "").strip():
            errors.append(_("Section %(number)s: give the section a title.") % {"number": number})
        for field in section.get("fields", ()):
            key = field.get("key", "")
            where = _("Field “%(key)s”") % {"key": key or field.get("label") or "?"}
            if not isinstance(key, str) or not KEY_PATTERN.match(key):
                errors.append(
                    _("%(where)s: a key is lower-case letters, digits and _, starting with a letter.")
                    % {"where": where}
                )
            elif key in RESERVED_KEYS:
                errors.append(
                    _("%(where)s: this key is the name of a field every case has.") % {"where": where}
                )
            elif key in seen:
                errors.append(_("%(where)s: two fields have this key.") % {"where": where})
            seen.add(key)
            medication_lists += field.get("type") == MEDICATIONS
            _check_field(field, where, errors)
    if len(seen) > MAX_FIELDS:
        errors.append(_("Keep the form to %(max)s fields.") % {"max": MAX_FIELDS})
    if medication_lists > 1:
        errors.append(_("A form has at most one medication list."))
    _check_headings(definition.get("headings"), errors)
    if errors:
        raise ValidationError(errors)


def _check_headings(headings, errors: list[str]) -> None:
    if not isinstance(headings, list) or not headings:
        errors.append(_("Give at least one recommendation heading."))
        return
    if len(headings) > MAX_HEADINGS:
        errors.append(_("Keep to %(max)s recommendation headings.") % {"max": MAX_HEADINGS})
    keys = [h.get("key", "") for h in headings]
    if any(not isinstance(k, str) or not KEY_PATTERN.match(k) or len(k) > 20 for k in keys):
        errors.append(_("A heading's key is up to 20 lower-case letters, digits and _."))
    if len(set(keys)) != len(keys):
        errors.append(_("Two recommendation headings have the same key."))
    if any(not str(h.get("label") or "").strip() or len(str(h["label"])) > LABEL_MAX for h in headings):
        errors.append(
            _("Give every recommendation heading a label of up to %(max)s characters.") % {"max": LABEL_MAX}
        )


def shown(text: str) -> str:
    """A label or help text of a definition in the reader's language: a built-in template's
    English text is a message id of the catalogue; what a coordinator typed stays as typed."""
    return _(text) if text else ""


def heading_labels(definition: Mapping) -> dict[str, str]:
    """Each recommendation heading's label by key, in the definition's order."""
    return {h["key"]: shown(h["label"]) for h in definition.get("headings", ())}
