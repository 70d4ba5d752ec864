"""The guard in a form: free-text fields that look like they identify a patient are refused,
with the findings highlighted in the user's own text."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import find_identifiers
from .findings import FIX_ADVICE, KIND_LABELS, Finding


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """The user's text, escaped, with each finding wrapped in <mark>."""
    parts, cursor = [], 0
    for finding in findings:
        parts.append(escape(text[cursor : finding.start]))
        label = escape(KIND_LABELS.get(finding.kind, finding.kind))
        parts.append(f'<mark title="{label}">{escape(text[finding.start : finding.end])}</mark>')
        cursor = finding.end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))


class IdentifierGuardMixin:
    """Refuse free text that looks like it identifies a patient, and keep what was found
    so the template can highlight it in the user's own text."""

    guarded_fields: tuple[str, ...] = ()

    def _post_clean_identifiers(self) -> None:
        self.identifier_findings = {}
        for name in self.guarded_fields:
            text = self.cleaned_data.get(name) or ""
            findings = find_identifiers(text)
            if not findings:
                continue
            self.identifier_findings[name] = {
                "field": self[name],
                "highlighted": highlight(text, findings),
                "items": [
                    (f.text, KIND_LABELS.get(f.kind, f.kind), FIX_ADVICE.get(f.kind, "")) for f in findings
                ],
            }
            kinds = sorted({KIND_LABELS.get(f.kind, f.kind).lower() for f in findings})
            self.add_error(
                name,
                f"This looks like it identifies the patient ({', '.join(kinds)}). "
                "Nothing was saved: remove or generalise the highlighted text.",
            )

    def clean(self):
        cleaned = super().clean()
        self._post_clean_identifiers()
        return cleaned
