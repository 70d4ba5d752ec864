"""{% url %} remembers the addresses it works out, and never hands one back where it would differ."""

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import NoReverseMatch, path, set_script_prefix

from echo_hub.lib.templatetags import cached_url
from tests.factories import ProgramFactory


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _node(source: str):
    return engines["django"].from_string(source).template.nodelist[0]


def test_every_template_url_tag_is_the_remembering_one():
    assert type(_node("{% url 'home' %}")) is cached_url.CachedURLNode
    # Also in a template that loads other libraries, as every page does.
    assert type(_node("{% url 'home' %}{% load i18n static %}")) is cached_url.CachedURLNode


def test_an_address_is_worked_out_once_then_remembered():
    cached_url._reverse.cache_clear()
    source = "{% url 'sessions:program_detail' slug %}"
    assert _render(source, slug="pain") == "/programs/pain/"
    assert _render(source, slug="pain") == "/programs/pain/"
    assert _render(source, slug="liver") == "/programs/liver/"
    info = cached_url._reverse.cache_info()
    assert (info.misses, info.hits) == (2, 1)


def test_integer_and_keyword_arguments():
    assert _render("{% url 'cases:detail' pk %}", pk=404) == "/cases/404/"
    assert _render("{% url 'cases:detail' pk=pk %}", pk=404) == "/cases/404/"
    assert _render("{% url 'cases:detail' pk %}", pk=405) == "/cases/405/"


@pytest.mark.django_db
def test_an_object_argument_is_worked_out_every_time():
    """A model instance's text can change while its key does not: never remembered."""
    program = ProgramFactory(slug="pain")
    cached_url._reverse.cache_clear()
    assert _render("{% url 'sessions:program_detail' program.slug %}", program=program) == "/programs/pain/"
    assert cached_url._reverse.cache_info().currsize == 1
    assert cached_url.cached_reverse("sessions:program_detail", args=[True]) == "/programs/True/"
    assert cached_url._reverse.cache_info().currsize == 1


def test_the_script_prefix_is_part_of_the_address():
    """Behind a proxy that mounts the app under a path, the remembered "/" address is not reused."""
    assert _render("{% url 'home' %}") == "/"
    set_script_prefix("/hub/")
    try:
        assert _render("{% url 'home' %}") == "/hub/"
    finally:
        set_script_prefix("/")
    assert _render("{% url 'home' %}") == "/"


def _other_home(request):  # pragma: no cover - only reversed
    raise AssertionError


urlpatterns = [path("elsewhere/", _other_home, name="home")]


def test_another_urlconf_gets_its_own_addresses():
    assert _render("{% url 'home' %}") == "/"
    with override_settings(ROOT_URLCONF=__name__):
        assert _render("{% url 'home' %}") == "/elsewhere/"
    assert _render("{% url 'home' %}") == "/"


def test_as_variable_and_unknown_names_behave_as_djangos_tag():
    assert _render("{% url 'home' as link %}[{{ link }}]") == "[/]"
    assert _render("{% url 'no-such-page' as link %}[{{ link }}]") == "[]"
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")


def test_a_remembered_address_is_still_escaped():
    source = "{% url 'cpd:verify' code %}"
    assert _render(source, code="A&B") == "/verify/A&amp;B/"
    assert _render(source, code="A&B") == "/verify/A&amp;B/"
    assert _render("{% autoescape off %}" + source + "{% endautoescape %}", code="A&B") == "/verify/A&B/"
