"""LongSelect draws the same select as Django's own widget, only faster."""

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from echo_hub.lib.forms import LongModelChoiceField, LongSelect
from sessions.models import Program
from tests.factories import ProgramFactory

CHOICES = [("", "Any session"), ("3", "Thu 5 Mar — Tapering & <b>naloxone</b>"), ("7", "Thu 12 Mar")]


@pytest.mark.parametrize("value", [None, "7", "99"])
def test_long_select_draws_what_django_select_draws(value):
    attrs = {"id": "id_session", "class": "form-select", "aria-describedby": "hint"}

    fast = LongSelect(choices=CHOICES).render("session", value, attrs)
    django = forms.Select(choices=CHOICES).render("session", value, attrs)

    assert parse_html(fast) == parse_html(django)
    assert "&lt;b&gt;naloxone&lt;/b&gt;" in fast
    assert ('<option value="7" selected>' in fast) is (value == "7")


def test_long_select_escapes_values_and_labels_as_django_does_and_keeps_safe_labels():
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    choices = [
        ("", gettext_lazy("Any session")),
        ('a"b&c', "O'Brien & <Sons>"),
        ("s", mark_safe("<em>drawn</em> &amp; kept")),
    ]

    fast = LongSelect(choices=choices).render("session", 'a"b&c')

    assert parse_html(fast) == parse_html(forms.Select(choices=choices).render("session", 'a"b&c'))
    assert '<option value="a&quot;b&amp;c" selected>O&#x27;Brien &amp; &lt;Sons&gt;</option>' in fast
    assert "<em>drawn</em> &amp; kept</option>" in fast


def test_long_select_refuses_option_groups_instead_of_flattening_them():
    grouped = LongSelect(choices=[("Spring", [("1", "One")])])

    with pytest.raises(ValueError):
        grouped.render("session", None)


def test_long_select_selects_only_the_first_option_of_the_value_as_django_does():
    twice = [*CHOICES, ("7", "Thu 12 Mar, again")]

    fast = LongSelect(choices=twice).render("session", "7")

    assert parse_html(fast) == parse_html(forms.Select(choices=twice).render("session", "7"))
    assert fast.count(" selected") == 1


@pytest.mark.django_db
def test_long_model_choice_field_reads_its_options_in_one_plain_query():
    """Django reads a model choice field's options through a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE); a select's few hundred rows come in one statement."""
    programs = [ProgramFactory(name=f"Program {n}") for n in range(3)]

    class Choice(forms.Form):
        program = LongModelChoiceField(queryset=Program.objects.order_by("name"), empty_label="Any")

    form = Choice({"program": str(programs[1].pk)})
    assert form.is_valid() and form.cleaned_data["program"] == programs[1]
    with CaptureQueriesContext(connection) as ctx:
        html = str(form["program"])

    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["SELECT"]
    assert f'<option value="{programs[1].pk}" selected>Program 1</option>' in html
    assert html.count("<option") == 4
