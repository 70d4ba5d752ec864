"""LongSelect draws the same select as Django's own widget, only faster."""

import pytest
from django import forms
from django.test.html import parse_html

from echo_hub.lib.forms import LongSelect

CHOICES = [("", "Any session"), ("3", "Thu 5 Mar — Tapering & <b>naloxone</b>"), ("7", "Thu 12 Mar")]


@pytest.mark.parametrize("value", [None, "7", "99"])
def test_long_select_draws_what_django_select_draws(value):
    attrs = {"id": "id_session", "class": "form-select", "aria-describedby": "hint"}

    fast = LongSelect(choices=CHOICES).render("session", value, attrs)
    django = forms.Select(choices=CHOICES).render("session", value, attrs)

    assert parse_html(fast) == parse_html(django)
    assert "&lt;b&gt;naloxone&lt;/b&gt;" in fast
    assert ('<option value="7" selected>' in fast) is (value == "7")


def test_long_select_refuses_option_groups_instead_of_flattening_them():
    grouped = LongSelect(choices=[("Spring", [("1", "One")])])

    with pytest.raises(ValueError):
        grouped.render("session", None)
