from django import template

from .. import credits

register = template.Library()


@register.filter
def amount(value) -> str:
    """Credits or hours exactly as computed: 1.75, 1.5, 2."""
    return credits.format_amount(value) if value is not None else ""


@register.filter
def credit_phrase(credit_name: str) -> str:
    """“Mainpro+ Certified credits”, or “hours of attendance” for no credit type."""
    return credits.credit_phrase(credit_name)
