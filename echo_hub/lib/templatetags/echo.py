from django import template

from echo_hub.lib import timefmt
from echo_hub.lib.client import describe_user_agent
from echo_hub.lib.renders import explain_render_error

register = template.Library()


@register.filter
def session_time(session) -> str:
    return timefmt.session_time(session.starts_at, session.ends_at)


@register.filter
def date_time(value) -> str:
    return timefmt.date_time(value) if value else ""


@register.filter
def long_day(value) -> str:
    """“Wednesday 21 October 2026”, « mercredi 21 octobre 2026 »."""
    return timefmt.long_date(value, weekday=True) if value else ""


@register.filter
def long_date(value) -> str:
    """“21 October 2026”, « 1er octobre 2026 »."""
    return timefmt.long_date(value) if value else ""


@register.filter
def short_date(value) -> str:
    """“21 Oct 2026”, « 21 oct. 2026 »."""
    return timefmt.short_date(value) if value else ""


@register.filter
def device(user_agent: str) -> str:
    """ "Firefox on Windows" for a signed-in browser's User-Agent."""
    return describe_user_agent(user_agent)


@register.filter
def render_problem(last_error: str) -> str:
    """Why a certificate or letter PDF could not be made, in a coordinator's words."""
    return explain_render_error(last_error)
