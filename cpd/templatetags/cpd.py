from django import template

from .. import credits

register = template.Library()


@register.filter
def amount(value) -> str:
    """Credits or hours exactly as computed, in the reader's language: 1.75, « 1,75 », 2."""
    return credits.display_amount(value) if value is not None else ""


@register.filter
def credit_phrase(credit_name: str) -> str:
    """“Mainpro+ Certified credits”, or “hours of attendance” for no credit type."""
    return credits.credit_phrase(credit_name)


@register.filter
def credits_of(amount, credit_name: str) -> str:
    """`{{ certificate.credits|credits_of:certificate.credit_name }}`: “1.75 Mainpro+ Certified
    credits”, « 1,75 crédit Mainpro+ Certified », “1 hour of attendance”."""
    return credits.credits_text(amount, credit_name) if amount is not None else ""
