from django import template

from echo_hub.lib import timefmt

register = template.Library()


@register.filter
def session_time(session) -> str:
    return timefmt.session_time(session.starts_at, session.ends_at)


@register.filter
def date_time(value) -> str:
    return timefmt.date_time(value) if value else ""
