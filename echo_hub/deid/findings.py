"""What the guard reports, and what it tells the clinician to do about each kind."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


KIND_LABELS: dict[str, str] = {
    "name": "Name of a person",
    "date": "Date",
    "age_over_89": "Age over 89",
    "phone": "Phone or fax number",
    "email": "Email address",
    "url": "Web address",
    "ip_address": "IP address",
    "address": "Street or mailing address",
    "postal_code": "Postal or ZIP code",
    "health_card": "Health card number",
    "sin_ssn": "Social insurance or social security number",
    "record_number": "Medical record or chart number",
    "other_id": "Licence, claim, account or other identifying number",
    "place": "Community, town or other place smaller than a province",
    "employer": "Employer or workplace",
}

FIX_ADVICE: dict[str, str] = {
    "name": "Remove the name and describe the person by role, such as “the patient”, “her husband” or “the treating surgeon”.",
    "date": "Give the patient's age band or a relative time such as “three months ago”, never a calendar date.",
    "age_over_89": "Write “90 or older” instead of the exact age.",
    "phone": "Delete the phone or fax number; the hub never needs it.",
    "email": "Delete the email address; the hub never needs it.",
    "url": "Delete the web address and, if it matters, describe in your own words what the page shows.",
    "ip_address": "Delete the IP address.",
    "address": "Delete the address; if distance matters, write something like “lives two hours from the nearest hospital”.",
    "postal_code": "Delete the postal or ZIP code; if it matters, name a broad region such as “northern Ontario”.",
    "health_card": "Delete the health card number; the hub never needs it.",
    "sin_ssn": "Delete the social insurance or social security number; the hub never needs it.",
    "record_number": "Delete the chart or record number; the hub discusses the case without it.",
    "other_id": "Delete the number; if it matters, say what it is in words, such as “an open WSIB claim”.",
    "place": "Remove the place name and describe it broadly, such as “a fly-in First Nation in northern Ontario” "
    "or “a small town two hours from the nearest hospital”.",
    "employer": "Remove the employer's name and describe the work instead, such as “works at a sawmill” or "
    "“a retired miner”.",
}


def explain(finding: Finding) -> str:
    return f"{KIND_LABELS[finding.kind]} “{finding.text}”: {FIX_ADVICE[finding.kind]}"


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
