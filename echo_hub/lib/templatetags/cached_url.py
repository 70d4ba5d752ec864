"""{% url %} with each address remembered by the process: a template builtin (settings.TEMPLATES)
that replaces Django's tag everywhere, ours and the libraries' templates alike.

Every page draws the navigation's and the program tabs' twenty to forty links, and Django works
each one out again on every drawing (the URL patterns searched, the arguments converted and
checked, the result quoted): about a millisecond a page, a tenth of a light page's time. An
address only changes with what it is worked out from, so it is kept under all of it: the name,
the arguments, the namespace in use, the URLconf, the script prefix and the language. Only
arguments whose text is their value (strings and integers) are kept; anything else (a model
instance, a lazy string) is worked out every time. No maintained library does this (Django's
own caches stop at the compiled patterns), hence the few lines here."""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

# Distinct addresses a process keeps: the links of every program's tabs and of each list's rows.
SIZE = 4096


@functools.lru_cache(maxsize=SIZE)
def _reverse(view_name: str, args: tuple, kwargs: tuple, current_app, *_context) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(view_name, args=(), kwargs=None, current_app=None) -> str:
    """reverse(), remembered when every argument is a string or an integer."""
    kwargs = kwargs or {}
    values = (*args, *kwargs.values())
    if not isinstance(view_name, str) or not all(type(v) in (str, int) for v in values):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reverse(
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        urlconf,
        get_script_prefix(),
        get_language(),
    )


def _current_app(context):
    """The namespace Django's tag reverses in: the request's current_app, else the namespace
    of the URL it resolved to."""
    request = getattr(context, "request", None)
    try:
        return request.current_app
    except AttributeError:
        return getattr(getattr(request, "resolver_match", None), "namespace", None)


class CachedURLNode(URLNode):
    """Django's URLNode.render with cached_reverse in place of reverse (Django's imports reverse
    inside the method, so it cannot be handed another)."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=_current_app(context))
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
