"""What people may type: names and case titles of visible characters only, composed (NFC),
and free text within a length limit that models, forms and services all check.

Names are printed on certificates and the public verify page. A bidi control (U+202A–U+202E,
U+2066–U+2069, U+200E/F, U+061C) can print another name than the one stored (U+202E before
"retneserP" shows "Presenter"), and a zero-width character makes two names that look alike
differ. Every such character is in Unicode's category Cf (format): the whole category is refused.
"""

import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy, ngettext

TOO_LONG = gettext_lazy("Keep this to %(limit_value)s characters or fewer (it has %(show_value)s).")


def invisible_characters(text: str) -> list[str]:
    """Each format character of the text once, in the order they first appear."""
    return list(dict.fromkeys(char for char in text if unicodedata.category(char) == "Cf"))


def _names(found: list[str]) -> str:
    return ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}" for char in found)


def invisible_characters_problem(text: str) -> str | None:
    """What is wrong, as the end of a sentence whose subject names the field, or None."""
    found = invisible_characters(text)
    if not found:
        return None
    # Translators: the end of a sentence whose subject is a field, e.g. "Full name …".
    return ngettext(
        "holds an invisible formatting character (%(names)s), which can reverse or hide letters "
        "where it is shown or printed. Retype it without it.",
        "holds invisible formatting characters (%(names)s), which can reverse or hide letters "
        "where it is shown or printed. Retype it without them.",
        len(found),
    ) % {"names": _names(found)}


def invisible_characters_error(found: list[str]) -> str:
    """The whole sentence about the invisible characters `found`, in the reader's language."""
    return ngettext(
        "This text holds an invisible formatting character (%(names)s), which can reverse or hide "
        "letters where it is shown or printed. Retype it without it.",
        "This text holds invisible formatting characters (%(names)s), which can reverse or hide "
        "letters where it is shown or printed. Retype it without them.",
        len(found),
    ) % {"names": _names(found)}


def validate_visible_text(value: str) -> None:
    """Model and form validator for names and titles."""
    found = invisible_characters(value)
    if found:
        raise ValidationError(invisible_characters_error(found), code="invisible_characters")


def normalize_name(value: str) -> str:
    """One spelling per name: composed accents (NFC, as typed on most keyboards) and single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).split())


class BoundedTextField(models.TextField):
    """A text column whose max_length model validation checks too, as for a CharField (Django
    leaves a TextField's max_length to forms). Services check it with text_limits()."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


def text_limits(model: type[models.Model]) -> dict[str, int]:
    """The length limit of each text field of a model, by name."""
    return {
        field.name: field.max_length
        for field in model._meta.get_fields()
        if isinstance(field, (models.CharField, models.TextField)) and field.max_length is not None
    }


def check_lengths(texts: Mapping[str, str], limits: Mapping[str, int | None]) -> None:
    """Raise one error per text longer than its limit, keyed like the texts."""
    errors = {
        name: TOO_LONG % {"limit_value": limit, "show_value": len(text)}
        for name, text in texts.items()
        if (limit := limits.get(name)) is not None and len(text or "") > limit
    }
    if errors:
        raise ValidationError(errors)


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The label of `value` among `choices`, in the active language; the value itself when it
    is none of them (what Django's get_FOO_display answers). Django's builds a dictionary of
    every choice on each call and hashes each lazy label, translating them all (~40 µs); lists
    of cases and people call it on every row."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
