from django.template import Context
from django.template.loader import get_template


def render_text(template_name: str, context: dict) -> str:
    """Render a plain-text template (subject, text body) without HTML escaping:
    "Pain & Opioids" and "We're full" must reach the reader as typed."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))
