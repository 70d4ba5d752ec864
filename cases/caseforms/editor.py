"""The coordinator's form editor: the form as rows a page can show without JavaScript (one row
per field, with its section's title), recommendation headings and choices as "key | Label"
lines, moving a row up or down by re-posting, and the rows back into a definition."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .definition import CHOICE_TYPES, FIELD_TYPES, LABEL_MAX, MEDICATIONS, NUMBER, SCORE

PREFIX = "rows"
ROW_NAMES = (
    "section",
    "key",
    "label",
    "type",
    "required",
    "help",
    "unit",
    "min",
    "max",
    "instrument",
    "choices",
    "mme",
    "column",
    "DELETE",
)
BLANK_ROWS = 2


def _lines(pairs) -> str:
    return "\n".join(f"{key} | {label}" for key, label in pairs)


def parse_lines(text: str) -> list[list[str]]:
    """ "key | Label" lines into pairs; a line without "|" is its own key and label."""
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, _sep, label = line.partition("|")
        pairs.append([key.strip(), (label or key).strip()])
    return pairs


class FieldRowForm(forms.Form):
    section = forms.CharField(label=gettext_lazy("Section"), max_length=LABEL_MAX, required=False)
    key = forms.CharField(
        label=gettext_lazy("Key"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("Lower-case letters, digits and _. Keep it when you rename the label."),
    )
    label = forms.CharField(label=gettext_lazy("Label"), max_length=LABEL_MAX, required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=[("", "—"), *FIELD_TYPES.items()], required=False
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    help = forms.CharField(label=gettext_lazy("Help text"), max_length=300, required=False)
    unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
    min = forms.DecimalField(label=gettext_lazy("Lowest value"), required=False)
    max = forms.DecimalField(label=gettext_lazy("Highest value"), required=False)
    instrument = forms.CharField(label=gettext_lazy("Instrument"), max_length=40, required=False)
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line: value | Label."),
    )
    mme = forms.BooleanField(label=gettext_lazy("Work out MME"), required=False)
    column = forms.CharField(required=False, widget=forms.HiddenInput)
    decimals = forms.IntegerField(required=False, min_value=0, max_value=4, widget=forms.HiddenInput)

    def field(self) -> dict | None:
        """The definition field of this row; None for an empty or deleted row."""
        data = self.cleaned_data
        if data.get("DELETE") or not (data.get("key") or data.get("label")):
            return None
        field = {
            "key": data["key"].strip(),
            "type": data["type"],
            "label": data["label"].strip(),
            "help": data["help"].strip(),
            "required": data["required"],
        }
        if data["type"] in (NUMBER, SCORE):
            field["min"] = _plain(data["min"])
            field["max"] = _plain(data["max"])
            field["unit" if data["type"] == NUMBER else "instrument"] = (
                data["unit"] if data["type"] == NUMBER else data["instrument"]
            ).strip()
        if data["type"] in CHOICE_TYPES:
            field["choices"] = parse_lines(data["choices"])
        if data["type"] == MEDICATIONS:
            field["mme"] = data["mme"]
        if data.get("column"):
            field["column"] = data["column"]
        if data["type"] in (NUMBER, SCORE) and data.get("decimals") is not None:
            field["decimals"] = data["decimals"]
        return field


def _plain(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def field_rows(data=None, *, definition: dict | None = None):
    initial = []
    for section in (definition or {}).get("sections", ()):
        for field in section["fields"]:
            initial.append(
                {
                    "section": section["title"],
                    **{
                        name: field.get(name) for name in ("key", "label", "type", "required", "help", "unit")
                    },
                    "min": field.get("min"),
                    "max": field.get("max"),
                    "instrument": field.get("instrument", ""),
                    "choices": _lines(field.get("choices", ())),
                    "mme": field.get("mme", False),
                    "column": field.get("column", ""),
                    "decimals": field.get("decimals"),
                }
            )
    formset = forms.formset_factory(
        FieldRowForm, extra=BLANK_ROWS, can_delete=True, max_num=80, absolute_max=100
    )
    return formset(data, initial=initial, prefix=PREFIX)


def sections_from_rows(formset) -> list[dict]:
    """Consecutive rows with the same section title make one section."""
    sections: list[dict] = []
    for row in formset.forms:
        field = row.field()
        if field is None:
            continue
        title = row.cleaned_data["section"].strip() or _("Case details")
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "fields": []})
        sections[-1]["fields"].append(field)
    return sections


def headings_text(headings) -> str:
    return _lines((h["key"], h["label"]) for h in headings)


def parse_headings(text: str) -> list[dict]:
    return [{"key": key, "label": label} for key, label in parse_lines(text)]


def moved(data: QueryDict, move: str) -> QueryDict:
    """The posted rows with row `index` swapped with its neighbour ("3:up", "3:down")."""
    index_text, _sep, direction = move.partition(":")
    total = int(data.get(f"{PREFIX}-TOTAL_FORMS") or 0)
    if not index_text.isdigit() or direction not in ("up", "down"):
        return data
    index = int(index_text)
    other = index - 1 if direction == "up" else index + 1
    if not (0 <= index < total and 0 <= other < total):
        return data
    data = data.copy()
    for name in ROW_NAMES:
        first, second = f"{PREFIX}-{index}-{name}", f"{PREFIX}-{other}-{name}"
        a, b = data.getlist(first), data.getlist(second)
        data.setlist(first, b)
        data.setlist(second, a)
    return data
