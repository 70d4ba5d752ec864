"""The guard in a form: free-text fields that look like they identify a patient are refused,
with the findings highlighted in the user's own text. Where the form allows it (`vouchable`),
the author may say the highlighted text is not an identifier, with a short reason: the text is
then kept for a coordinator to accept or return, instead of refused."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import find_identifiers
from .findings import FIX_ADVICE, KIND_LABELS, Finding, Vouch, unvouched

VOUCH_REASON_MAX = 200


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


def vouch_names(field: str) -> tuple[str, str]:
    """The names of the checkbox and the reason box that vouch for `field`'s flagged text."""
    return f"not_identifier_{field}", f"not_identifier_reason_{field}"


class IdentifierGuardMixin:
    """Refuse free text that looks like it identifies a patient, and keep what was found
    so the template can highlight it in the user's own text."""

    guarded_fields: tuple[str, ...] = ()
    vouchable = False

    def __init__(self, *args, vouched_before: dict[str, set[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Snippet keys per field already vouched for on this record (pending or accepted).
        self.vouched_before = vouched_before or {}

    def _vouch(self, name: str, findings: list[Finding]) -> tuple[Vouch | None, str]:
        """The author's vouch for `name` from the submitted data, or why it is not accepted."""
        box, reason_box = vouch_names(name)
        if not self.vouchable or not self.data.get(box):
            return None, ""
        reason = " ".join(str(self.data.get(reason_box, "")).split())
        if not reason:
            return None, _("Say in a few words why the highlighted text does not identify the patient.")
        if len(reason) > VOUCH_REASON_MAX:
            return None, _("Keep the reason under %(limit)d characters (it has %(length)d).") % {
                "limit": VOUCH_REASON_MAX,
                "length": len(reason),
            }
        if find_identifiers(reason):
            return None, _(
                "The reason itself looks identifying: describe it without names, places or numbers."
            )
        snippets = tuple(dict.fromkeys(f.text for f in findings))
        return Vouch(reason=reason, snippets=snippets, kinds=tuple(sorted({f.kind for f in findings}))), ""

    def _post_clean_identifiers(self) -> None:
        self.identifier_findings = {}
        self.vouches: dict[str, Vouch] = {}
        for name in self.guarded_fields:
            text = self.cleaned_data.get(name) or ""
            findings = unvouched(find_identifiers(text), self.vouched_before.get(name, set()))
            if not findings:
                continue
            vouch, problem = self._vouch(name, findings)
            if vouch is not None:
                self.vouches[name] = vouch
                continue
            box, reason_box = vouch_names(name)
            self.identifier_findings[name] = {
                "field": self[name],
                "highlighted": highlight(text, findings),
                "items": [
                    (f.text, KIND_LABELS.get(f.kind, f.kind), FIX_ADVICE.get(f.kind, "")) for f in findings
                ],
                "vouchable": self.vouchable,
                "box": box,
                "reason_box": reason_box,
                "ticked": bool(self.data.get(box)),
                "reason": self.data.get(reason_box, ""),
                "problem": problem,
            }
            kinds = sorted({str(KIND_LABELS.get(f.kind, f.kind)).lower() for f in findings})
            self.add_error(
                name,
                problem
                or _(
                    "This looks like it identifies the patient (%(kinds)s). "
                    "Nothing was saved: remove or generalise the highlighted text."
                )
                % {"kinds": ", ".join(kinds)},
            )

    def clean(self):
        cleaned = super().clean()
        self._post_clean_identifiers()
        return cleaned
