"""HTML drawn in Python where a page draws hundreds of pieces (a select's options, a report's
cells): Django's format_html escapes each argument through lazy-aware wrappers, which for a few
thousand cells cost more than the rest of the page."""

import html

from django.utils.safestring import SafeData


def escaped(value) -> str:
    """`value` as HTML text, escaped as Django's conditional_escape escapes it: safe strings
    (already HTML) as they are, anything else (a lazy translation too) as its text."""
    return value if isinstance(value, SafeData) else html.escape(str(value))
