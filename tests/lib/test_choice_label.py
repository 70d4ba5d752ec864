"""choice_label answers what Django's get_FOO_display answers, in each language, at a fraction
of the cost; the models whose lists call it on every row use it."""

import pytest
from django.utils import translation

from cases.models import Case
from echo_hub.accounts.models import CommunityType, Profession, User
from echo_hub.lib.text import choice_label

CASES = [
    (Case, "status", Case.Status),
    (User, "profession", Profession),
    (User, "community_type", CommunityType),
]


def _django_display(model, field: str, value: str) -> str:
    """Django's own answer: the label of the field's choice, else the value."""
    return str(dict(model._meta.get_field(field).flatchoices).get(value, value))


@pytest.mark.parametrize("language", ["en-ca", "fr-ca"])
@pytest.mark.parametrize(("model", "field", "choices"), CASES, ids=[c[1] for c in CASES])
def test_the_models_display_every_choice_as_django_does(language, model, field, choices):
    with translation.override(language):
        for value in [*choices.values, "", "not-a-choice"]:
            display = getattr(model(**{field: value}), f"get_{field}_display")()
            assert display == _django_display(model, field, value)
            assert display == choice_label(choices, value)


def test_choice_label_speaks_the_active_language():
    with translation.override("fr-ca"):
        assert choice_label(Case.Status, Case.Status.SCHEDULED) == "Planifié"
    with translation.override("en-ca"):
        assert choice_label(Case.Status, Case.Status.SCHEDULED) == "Scheduled"
