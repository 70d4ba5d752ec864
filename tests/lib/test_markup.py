"""echo_hub.lib.markup escapes as Django's conditional_escape does."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from echo_hub.lib.markup import escaped


@pytest.mark.parametrize(
    "value",
    [
        'O\'Brien & <Sons> "quoted"',
        "",
        12,
        mark_safe("<em>drawn</em> &amp; kept"),
        gettext_lazy("Any session"),
    ],
)
def test_escaped_matches_djangos_conditional_escape(value):
    assert escaped(value) == conditional_escape(value)


def test_a_lazy_label_is_escaped_in_the_language_it_is_drawn_in():
    with override("fr-ca"):
        assert escaped(gettext_lazy("Any session")) == str(gettext_lazy("Any session"))
