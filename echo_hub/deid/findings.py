"""What the guard reports, and what it tells the clinician to do about each kind."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


KIND_LABELS: dict[str, Any] = {
    "name": _("Name of a person"),
    "date": _("Date"),
    "age_over_89": _("Age over 89"),
    "phone": _("Phone or fax number"),
    "email": _("Email address"),
    "url": _("Web address"),
    "ip_address": _("IP address"),
    "address": _("Street or mailing address"),
    "postal_code": _("Postal or ZIP code"),
    "health_card": _("Health card number"),
    "sin_ssn": _("Social insurance or social security number"),
    "record_number": _("Medical record or chart number"),
    "other_id": _("Licence, claim, account or other identifying number"),
    "place": _("Community, town or other place smaller than a province"),
    "employer": _("Employer or workplace"),
}

FIX_ADVICE: dict[str, Any] = {
    "name": _(
        "Remove the name and describe the person by role, such as “the patient”, “her husband” or “the treating surgeon”."
    ),
    "date": _(
        "Give the patient's age band or a relative time such as “three months ago”, never a calendar date."
    ),
    "age_over_89": _("Write “90 or older” instead of the exact age."),
    "phone": _("Delete the phone or fax number; the hub never needs it."),
    "email": _("Delete the email address; the hub never needs it."),
    "url": _("Delete the web address and, if it matters, describe in your own words what the page shows."),
    "ip_address": _("Delete the IP address."),
    "address": _(
        "Delete the address; if distance matters, write something like “lives two hours from the nearest hospital”."
    ),
    "postal_code": _(
        "Delete the postal or ZIP code; if it matters, name a broad region such as “northern Ontario”."
    ),
    "health_card": _("Delete the health card number; the hub never needs it."),
    "sin_ssn": _("Delete the social insurance or social security number; the hub never needs it."),
    "record_number": _("Delete the chart or record number; the hub discusses the case without it."),
    "other_id": _("Delete the number; if it matters, say what it is in words, such as “an open WSIB claim”."),
    "place": _(
        "Remove the place name and describe it broadly, such as “a fly-in First Nation in northern Ontario” "
        "or “a small town two hours from the nearest hospital”."
    ),
    "employer": _(
        "Remove the employer's name and describe the work instead, such as “works at a sawmill” or "
        "“a retired miner”."
    ),
}


def explain(finding: Finding) -> str:
    """What was found and what to do about it, in the active language (the guard's
    detection is the same whatever the language; only this explanation is translated)."""
    return gettext("%(kind)s “%(text)s”: %(advice)s") % {
        "kind": KIND_LABELS[finding.kind],
        "text": finding.text,
        "advice": FIX_ADVICE[finding.kind],
    }


def snippet_key(text: str) -> str:
    """How a flagged piece of text is matched against what someone vouched for: the same
    words, whatever the case and spacing."""
    return " ".join(text.split()).casefold()


def unvouched(findings: list[Finding], vouched: set[str]) -> list[Finding]:
    """The findings whose text nobody has vouched for (see `snippet_key`)."""
    return [f for f in findings if snippet_key(f.text) not in vouched]


@dataclass(frozen=True)
class Vouch:
    """The author's word that the flagged `snippets` of one field identify nobody."""

    reason: str
    snippets: tuple[str, ...]
    kinds: tuple[str, ...]

    @property
    def keys(self) -> set[str]:
        return {snippet_key(s) for s in self.snippets}
