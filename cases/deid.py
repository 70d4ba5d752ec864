"""Find patient identifiers in a free-text case before it reaches the hub.

Covers the HIPAA Safe Harbor items that turn up in typed case presentations,
in their North American and Canadian forms: pattern rules, cue phrases ("her
husband Paul", "MRN 1234") and a small lexicon of common first names and
surnames; no models. Erring towards a flag is deliberate: a false alarm costs
the clinician a second look, a miss leaks a patient.
"""

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
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
}


def explain(finding: Finding) -> str:
    return f"{KIND_LABELS[finding.kind]} “{finding.text}”: {FIX_ADVICE[finding.kind]}"


# --- Building blocks ------------------------------------------------------------------------------
#
# Speed: a pattern that starts with a lookbehind or a case-insensitive word
# list is tried at every position of the text. So cue rules run only where one
# of their cue words starts (`triggers`), and shape rules start with the digit
# or capital itself and check the character before it with a two-character
# lookbehind such as `\d(?<![\w-]\d)`, which lets the regex engine skip ahead.

_TOKEN = re.compile(r"[^\W\d_]+")


def _any_of(phrases: Iterable[str]) -> str:
    """Alternation of literal phrases, longest first; a space matches any whitespace."""
    escaped = (
        re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]")
        for phrase in sorted(phrases, key=len, reverse=True)
    )
    return "(?:" + "|".join(escaped) + ")"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|"))


def _first_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(_TOKEN.match(phrase).group().lower() for phrase in phrases)


_MONTH_WORDS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sept Sep Oct Nov Dec"
)
# Case-sensitive on purpose: "may" and "march" are everyday words, and all-caps
# "MAR" is the medication administration record, so upper-case months only
# count inside a numeric date such as 14-MAR-2025.
_MONTH = r"(?:" + "|".join(_MONTH_WORDS) + r")(?![A-Za-z])\.?"
_MONTH_ANY_CASE = r"(?:" + "|".join((*_MONTH_WORDS, *(m.upper() for m in _MONTH_WORDS))) + r")(?![A-Za-z])\.?"
_MONTH_FULL = r"(?:" + "|".join(_MONTH_WORDS[:12]) + r")(?![A-Za-z])"
_MONTH_TRIGGERS = frozenset(month.lower() for month in _MONTH_WORDS)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:19|20)\d{2}(?!\d)"

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME_WORD = rf"(?:O['’]|Mc|Mac|D['’])?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# A name word may carry a possessive ("Kevin's") but not run into more letters.
_NAME_END = r"(?![\w-])(?!['’](?!s\b))"
_NAME_WORD_RE = re.compile(_NAME_WORD + _NAME_END)
# Names never continue across a line break: a heading is not a surname.
_GAP = r"[^\S\n]"
# "van der Merwe", "de la Cruz", "bin Laden"
_PARTICLES = rf"(?:(?:van|von|der|den|de|del|della|di|da|du|le|la|bin|ibn|al|el|ben){_GAP}+){{0,3}}"
_NAMES = rf"{_PARTICLES}{_NAME_WORD}(?:{_GAP}+(?:[A-Z]\.{_GAP}*)?{_PARTICLES}{_NAME_WORD}){{0,2}}"

# A chart, claim or card number: digit groups, optionally led by up to four
# capitals ("H0045213", "ABCD 123", "T1234-56789-01234", "SN-48812-C").
_ID_CHUNK = r"[A-Z]{0,4}\d[\dA-Z]*"
_ID_VALUE = rf"(?:[A-Z]{{1,4}}[ -]?)?\d[\dA-Z]*(?:[ /-]{_ID_CHUNK})*(?:-[A-Z]{{1,2}}(?![\w-]))?"
_ID_TAIL = r"(?:\s+(?:number|no\.?|num\.?|#|ID|is|was|reads|card|field))*\s*[:#]?\s*"
_CUE_END = r"(?:(?<=[#.])|(?![\w-]))"
# 90 to 119, not part of a longer number or a decimal.
_AGE_90_PLUS = r"[19](?<![\d.].)(?:(?<=9)\d|(?<=1)[01]\d)(?!\d|\.\d|%)"

_UNIT_AFTER = re.compile(
    r"\s*(?:mg|mcg|µg|ug|g|kg|ml|mL|L|mmol|umol|µmol|nmol|pmol|units?|IU|%|MME|tabs?|tablets?|caps?|capsules?"
    r"|patch(?:es)?|puffs?|drops?|sprays?|mm|cm|km|m|ms|bpm|hours?|hrs?|h|days?|weeks?|wks?|months?|years?"
    r"|times|x|minutes?|mins?|°|deg|degrees|people|patients|participants)(?![A-Za-z])"
)
_YEAR_ONLY = re.compile(r"(?:19|20)\d{2}")
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")

Span = tuple[int, int]
Check = Callable[[str, re.Match, int, int], Span | None]


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern
    group: int = 0
    check: Check | None = None
    # Lower-case words where the pattern may start; None means scan the whole text.
    triggers: frozenset[str] | None = None
    # A cheap search that must succeed before the whole text is scanned.
    needs: re.Pattern | None = None


def _rule(
    kind: str,
    pattern: str,
    *,
    group: int = 0,
    check: Check | None = None,
    triggers: Iterable[str] | None = None,
    needs: str | None = None,
) -> _Rule:
    return _Rule(
        kind=kind,
        pattern=re.compile(pattern),
        group=group,
        check=check,
        triggers=None if triggers is None else frozenset(triggers),
        needs=None if needs is None else re.compile(needs),
    )


def _not_a_quantity(text: str, match: re.Match, start: int, end: int) -> Span | None:
    return None if _UNIT_AFTER.match(text, end) else (start, end)


def _id_value(min_digits: int) -> Check:
    def check(text: str, match: re.Match, start: int, end: int) -> Span | None:
        value = text[start:end]
        if len(_DIGIT.findall(value)) < min_digits or _UNIT_AFTER.match(text, end):
            return None
        # "claim 2019" is a year; "chart #2019" is a chart number.
        if _YEAR_ONLY.fullmatch(value) and "#" not in text[match.start() : start]:
            return None
        return start, end

    return check


def _calendar_date(text: str, match: re.Match, start: int, end: int) -> Span | None:
    first, second = int(match.group("a")), int(match.group("b"))
    valid = (first <= 31 and second <= 12) or (first <= 12 and second <= 31)
    if not valid or min(first, second) == 0 or _UNIT_AFTER.match(text, end):
        return None
    # A two-digit year only with slashes: "5/6/19" is a date, "5-10-15" a titration.
    if len(match.group("y")) == 2 and match.group("sep") != "/":
        return None
    return start, end


def _day_of_month(text: str, match: re.Match, start: int, end: int) -> Span | None:
    return (start, end) if 1 <= int(_DIGIT_RUN.match(text, start).group()) <= 31 else None


def _month_slash_day(text: str, match: re.Match, start: int, end: int) -> Span | None:
    # "on 3/14" is a date; "from 8/10" is a pain score and "on 1/2" a tablet fraction.
    month, day = int(match.group("m")), int(match.group("d"))
    if not 1 <= month <= 12 or day > 31 or day <= 4 or day == 10 or _UNIT_AFTER.match(text, end):
        return None
    return match.start("m"), end


def _iso_date(text: str, match: re.Match, start: int, end: int) -> Span | None:
    year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
    return (start, end) if 1900 <= year < 2100 and 1 <= month <= 12 and 1 <= day <= 31 else None


def _sin_groups(text: str, match: re.Match, start: int, end: int) -> Span | None:
    # "300-600-900" is a gabapentin titration, not a SIN.
    groups = re.split(r"[ -]", text[start:end])
    if all(group.endswith("0") for group in groups) or _UNIT_AFTER.match(text, end):
        return None
    return start, end


def _trim_url(text: str, match: re.Match, start: int, end: int) -> Span | None:
    while end > start and text[end - 1] in ".,;:!?)'\"”’":
        end -= 1
    return (start, end) if end > start else None


def _ipv6(text: str, match: re.Match, start: int, end: int) -> Span | None:
    groups = [group for group in text[start:end].split(":") if group]
    return (start, end) if len(groups) >= 3 else None


_RR_CONTEXT = re.compile(r"(?i)\b(?:address|lives?|living|mail(?:ing)?|farm|box|route|township|road)\b")
_TOWN_AFTER = re.compile(r",?\s*[A-Z][a-z]")


def _rural_route(text: str, match: re.Match, start: int, end: int) -> Span | None:
    # "RR 6" is also a respiratory rate; a rural route comes with a town or an address word.
    if _TOWN_AFTER.match(text, end) or _RR_CONTEXT.search(text, max(0, start - 40), start):
        return start, end
    return None


_STREET_TYPE = (
    r"(?:(?:Street|Road|Avenue|Boulevard|Drive|Lane|Crescent|Court|Way|Place|Terrace|Trail|Circle|Parkway|Square"
    r"|Highway|Line|Sideroad|Gate|Grove|Heights|Close|Row|Path|Landing|Bay|Point)(?![A-Za-z])"
    r"|(?:St|Rd|Ave|Av|Blvd|Dr|Ln|Cres|Ct|Pl|Terr|Trl|Cir|Pkwy|Sq|Hwy|Hts)(?![A-Za-z])\.?)"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)(?!\w))?"
)
_STREET_NAME = rf"(?:[{_UPPER}][\w'’.-]*\s+|(?:de|du|des|la|le|of|the)\s+){{1,4}}?"
_US_STATES = _words(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC "
    "ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
_POSTAL_FIRST = "ABCEGHJ-NPRSTVXYabceghj-nprstvxy"
_POSTAL_LETTER = "ABCEGHJ-NPRSTV-Zabceghj-nprstv-z"

_PHONE_CUES = _words(
    "phone phoned tel telephone cell cellphone mobile fax pager call called calls text texted reach reached contact"
)
_SIN_CUES = ("SIN", "SSN", "social insurance", "social security")
_RECORD_CUES = _phrases(
    "MRN | medical record | health record | chart | hospital number | hospital no. | hospital # | "
    "hospital ID | record | patient ID | patient number | patient no. | patient # | encounter | "
    "visit number | visit no. | visit # | visit ID | accession | EMR ID | EMR number | EMR # | "
    "file | registration | requisition | lab number | lab no. | lab # | lab ID | case number | "
    "case no. | case # | case ID"
)
_OTHER_ID_CUES = _phrases(
    "driver's licence | drivers licence | driver licence | driver's license | drivers license | "
    "driver license | licence plate | license plate | licence | license | plate | account | acct. | "
    "acct | policy | member ID | member number | member no. | member # | membership number | "
    "subscriber | group number | group no. | group # | claim | serial | badge | employee | student | "
    "passport | status card | band | treaty | certificate | CPSO | billing | prescriber | WSIB | "
    "WCB | VIN | device"
)
_HEALTH_CARD_CUES = _phrases(
    "OHIP | health card | healthcard | HCN | PHN | RAMQ | MSP | MSI | AHCIP | MCP | health number | "
    "health insurance number | health no. | card number | card no. | card #"
)
_DATE_CUES = _words(
    "in since on of last this next early mid late until till by from during before after around through"
)
_BIRTH_CUES = _phrases(
    "DOB | D.O.B. | D.O.B | date of birth | birth date | birthdate | birthday | born on | born in | born"
)
_HOLIDAYS = _phrases(
    "Christmas Eve | Christmas Day | Boxing Day | New Year's Eve | New Year's Day | Canada Day | "
    "Victoria Day | Labour Day | Labor Day | Remembrance Day | Family Day | Thanksgiving Day | "
    "Thanksgiving Monday | Easter Sunday | Easter Monday | Good Friday | Valentine's Day | "
    "St. Patrick's Day | Halloween"
)
_RESIDENCE_CUES = _words("lives live living resides reside residing moved moving house home")


# Earlier rules win when two candidates cover exactly the same span, so the
# cue rules (which know what a number is) come before the bare shapes.
_RULES: list[_Rule] = [
    # Email, web and network addresses.
    _rule(
        "email",
        r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])",
        needs="@",
    ),
    _rule("url", r"(?i)\b(?:https?://|www\.)[^\s<>\"]+", check=_trim_url, needs=r"://|www\.|WWW\."),
    _rule(
        "url",
        r"(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?:com|ca|org|net|gov|edu|info|io|health|me|us|co|app|biz)"
        r"(?![\w-])(?:/[^\s<>\"]*)?",
        check=_trim_url,
        needs=r"\.(?:com|ca|org|net|gov|edu|info|io|health|me|us|co|app|biz)(?![\w-])",
    ),
    # A social media handle: "@bev_lachance".
    _rule("url", r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])", needs="@"),
    _rule(
        "ip_address",
        r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\.?\d)",
        needs=r"\d\.\d{1,3}\.\d{1,3}\.\d",
    ),
    _rule(
        "ip_address",
        r"[0-9A-Fa-f](?<![\w:].)[0-9A-Fa-f]{0,3}:(?:[0-9A-Fa-f]{1,4}:){6}[0-9A-Fa-f]{1,4}(?![\w:])",
    ),
    _rule(
        "ip_address",
        r"(?i)(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![\w:])",
        check=_ipv6,
        needs="::",
    ),
    # Phone and fax numbers.
    _rule(
        "phone",
        r"(?<![\w+])(?:\+\s?1[ .-]?|1[ .-])?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)"
        r"(?:,?\s*(?i:ext\.?|x|extension|local)\s*\d{1,5}(?!\d))?",
        needs=r"\d{3}[ .-]\d{4}(?!\d)",
    ),
    _rule(
        "phone",
        rf"(?i:\b{_any_of(_PHONE_CUES)}\b(?:\s+[\w']+){{0,3}}?\s*[:#]?\s*)(\d{{10}}|\d{{3}}[ .-]\d{{4}})(?![\d-])",
        group=1,
        check=_not_a_quantity,
        triggers=_PHONE_CUES,
    ),
    _rule("phone", r"(?i:ext)\.\s*\d{3,5}(?!\d)", triggers={"ext"}),
    # SIN and SSN.
    _rule(
        "sin_ssn",
        rf"(?:\b(?:SIN|SSN)\b|(?i:\bsocial\s+(?:insurance|security)\b)){_ID_TAIL}(\d{{3}}[ -]?\d{{2,3}}[ -]?\d{{3,4}})(?![\w-])",
        group=1,
        triggers=_first_words(_SIN_CUES),
    ),
    # Chart, record, licence, claim and card numbers after a cue word.
    _rule(
        "record_number",
        rf"(?i:\b{_any_of(_RECORD_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE})",
        group=1,
        check=_id_value(3),
        triggers=_first_words(_RECORD_CUES),
    ),
    _rule(
        "other_id",
        rf"(?i:\b{_any_of(_OTHER_ID_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE})",
        group=1,
        check=_id_value(3),
        triggers=_first_words(_OTHER_ID_CUES),
    ),
    _rule(
        "health_card",
        rf"(?i:\b{_any_of(_HEALTH_CARD_CUES)}{_CUE_END}{_ID_TAIL})({_ID_VALUE}(?:[ -]?[A-Z]{{2}}(?![\w-]))?)",
        group=1,
        check=_id_value(6),
        triggers=_first_words(_HEALTH_CARD_CUES),
    ),
    # Dates more specific than a year.
    _rule(
        "date",
        rf"{_MONTH}\s+{_DAY}(?:,?\s+(?:{_YEAR}|'\d{{2}}(?!\d)))?",
        check=_not_a_quantity,
        triggers=_MONTH_TRIGGERS,
    ),
    _rule("date", rf"{_MONTH}\s+(?:of\s+)?(?:{_YEAR}|'\d{{2}}(?!\d))", triggers=_MONTH_TRIGGERS),
    _rule(
        "date",
        rf"\d(?<![\w]\d)\d?(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH}(?:,?\s+{_YEAR})?",
        check=_day_of_month,
        needs=_any_of(_MONTH_WORDS),
    ),
    _rule(
        "date",
        rf"\d(?<![\w]\d)\d?[-/ .]{_MONTH_ANY_CASE}[-/ .](?:{_YEAR}|\d{{2}}(?!\d))",
        check=_day_of_month,
    ),
    _rule(
        "date",
        r"(?P<a>\d(?<![\d/.-]\d)\d?)(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d|[/.-]\d)",
        check=_calendar_date,
    ),
    _rule(
        "date",
        r"(?P<y>[12](?<![\d/.-].)\d{3})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d|[/.-]\d)",
        check=_iso_date,
    ),
    _rule(
        "date",
        rf"(?i:\b{_any_of(_DATE_CUES)}[\s-]+(?:(?:early|mid|late|last|this|next)[\s-]+)?)({_MONTH_FULL})",
        group=1,
        triggers=_DATE_CUES,
    ),
    _rule(
        "date",
        r"(?i:(?:on|since|until|till|by|before|after|from)\s+the\s+)((?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th))"
        r"(?=\s*(?:[.,;:)!?]|$)|\s+(?:at|in|when|with|for|to|he|she|they|we|I|and\s+(?:again|then|on|the\s+\d))\b)",
        group=1,
        triggers={"on", "since", "until", "till", "by", "before", "after", "from"},
    ),
    _rule(
        "date",
        r"(?i:(?:on|since|seen|dated|until|till|before|after|from)\s+)(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![/\d])",
        check=_month_slash_day,
        triggers={"on", "since", "seen", "dated", "until", "till", "before", "after", "from"},
    ),
    _rule("date", rf"(?i:{_any_of(_HOLIDAYS)})(?![\w-])", triggers=_first_words(_HOLIDAYS)),
    _rule(
        "date",
        rf"(?i:\b{_any_of(_BIRTH_CUES)}\s*(?:[:=-]|is|was)?\s*)((?:19|20)\d{{2}})(?!\d|[/.-]\d)",
        group=1,
        triggers=_first_words(_BIRTH_CUES),
    ),
    # Ages over 89.
    _rule(
        "age_over_89",
        rf"{_AGE_90_PLUS}\s*-?\s*(?:years?[- ]old|yrs?[- ]old|year-old|y/o|y\.o\.?|yo|yrs?\s+of\s+age"
        r"|years\s+of\s+age)(?![A-Za-z])",
    ),
    _rule("age_over_89", r"[19](?<![\d.].)(?:(?<=9)\d|(?<=1)[01]\d)[MF]\b"),
    _rule("age_over_89", rf"(?i:\b(?:aged?|age:)\s*){_AGE_90_PLUS}", triggers={"age", "aged"}),
    _rule(
        "age_over_89",
        r"(?i:(?:he|she|they|patient|pt)(?:['’]s|\s+(?:is|was|turned|turns|will\s+be))\s+(?:now\s+|just\s+|nearly\s+)?)"
        rf"({_AGE_90_PLUS})(?!\s*/)",
        group=1,
        check=_not_a_quantity,
        triggers={"he", "she", "they", "patient", "pt"},
    ),
    _rule(
        "age_over_89",
        r"(?i)\b(?:in|into)\s+(?:his|her|their|the\s+patient['’]s)\s+(?:(?:early|mid|late)[\s-]+)?(?:90['’]?s|nineties)\b",
        triggers={"in", "into"},
    ),
    _rule(
        "age_over_89",
        r"(?i)\b(?:(?:ninety|one[\s-]hundred|a\s+hundred)(?:[\s-](?:and[\s-])?(?:one|two|three|four|five|six|seven|eight|nine))?"
        r"[\s-]years?[\s-]old|nonagenarian|centenarian)\b",
        triggers={"ninety", "one", "a", "nonagenarian", "centenarian"},
    ),
    # Street and mailing addresses.
    _rule(
        "address",
        rf"\d(?<![\w-]\d)\d{{0,5}}[A-Za-z]?(?:\s*[-–]\s*\d{{1,6}})?,?\s+{_STREET_NAME}{_STREET_TYPE}",
    ),
    _rule(
        "address",
        r"\d(?<![\w-]\d)\d{0,5}\s+(?:Highway|Hwy\.?|County\s+Road|County\s+Rd\.?|Regional\s+Road|Concession(?:\s+Road)?"
        r"|Conc\.?|Sideroad|Side\s+Road|Line|Range\s+Road|Township\s+Road|Route|Rang)\s+\d{1,4}[A-Z]?\b",
    ),
    _rule(
        "address",
        r"\d(?<![\w-]\d)\d{0,5}[A-Za-z]?,?\s+(?:rue|Rue|chemin|Chemin|ch\.|boul\.|Boul\.|boulevard|Boulevard|avenue"
        r"|Avenue|av\.|Av\.|route|Route|rang|Rang|place|Place|montée|Montée|côte|Côte)\s+(?:(?:de|du|des|la|le)\s+|[ld]['’])*"
        rf"[{_UPPER}][\w'’-]*(?:\s+[{_UPPER}][\w'’-]*)?",
    ),
    _rule(
        "address",
        r"(?:apt|Apt|APT|apartment|Apartment|suite|Suite|ste|Ste|Unit|UNIT|unit\s*\#)\.?\s*\#?\s*\d{1,5}[A-Za-z]?\b",
        triggers={"apt", "apartment", "suite", "ste", "unit"},
    ),
    _rule("address", r"(?:R\.R\.|Rural\s+Route)\s*\#?\s*\d{1,2}\b", triggers={"r", "rural"}),
    _rule(
        "address",
        r"(?i:lot)\s+\d{1,3}[A-Z]?,?\s+(?i:concession|con\.?|conc\.?)\s+\d{1,2}[A-Z]?\b",
        triggers={"lot"},
    ),
    _rule("address", r"RR\s*(?:\#\s*\d{1,2}|[1-9])(?!\d)", check=_rural_route, triggers={"rr"}),
    _rule(
        "address", r"(?i:(?:P\.?\s?O\.?|post\s+office)\s*box)\s*\#?\s*\d{1,6}\b", triggers={"p", "po", "post"}
    ),
    _rule(
        "address",
        rf"(?i:{_any_of(_RESIDENCE_CUES)}\s+(?:at|on|to)\s+)"
        rf"((?:\d{{1,6}}[A-Za-z]?\s+)?{_STREET_NAME}{_STREET_TYPE}|\d{{1,6}}\s+[{_UPPER}]\w+(?:\s+[{_UPPER}]\w+)?)",
        group=1,
        triggers=_RESIDENCE_CUES,
    ),
    # Postal codes.
    _rule(
        "postal_code",
        rf"[{_POSTAL_FIRST}](?<![\w-].)\d[{_POSTAL_LETTER}][ -]?\d[{_POSTAL_LETTER}]\d(?![\w-])",
    ),
    _rule(
        "postal_code",
        rf"{_any_of(_US_STATES)}\.?,?\s+(\d{{5}}(?:-\d{{4}})?)(?![\w-])",
        group=1,
        triggers={state.lower() for state in _US_STATES},
    ),
    _rule(
        "postal_code",
        r"(?i:zip(?:\s*code)?\s*[:#]?\s*)(\d{5}(?:-\d{4})?)(?![\w-])",
        group=1,
        triggers={"zip"},
    ),
    _rule(
        "postal_code",
        r"(?i:postal\s+code\s*[:,]?\s*(?:is\s+)?)([A-Za-z]\d[A-Za-z](?:[ -]?\d[A-Za-z]\d)?)(?![\w-])",
        group=1,
        triggers={"postal"},
    ),
    # Card and personal numbers by shape alone.
    _rule("sin_ssn", r"\d(?<![\w-]\d)\d{2}-\d{2}-\d{4}(?![\w-])"),
    _rule("sin_ssn", r"\d(?<![\w-]\d)\d{2}([ -])\d{3}\1\d{3}(?![\w-])", check=_sin_groups),
    _rule(
        "health_card",
        r"\d(?<![\w-]\d)\d{3}([ -]?)\d{3}\1\d{3}(?:[ -]?[A-Z]{2})?(?![\w-])",
        check=_not_a_quantity,
    ),
    _rule("health_card", r"[A-Z](?<![\w-].)[A-Z]{3}[ -]?\d{4}[ -]?\d{4}(?![\w-])"),
    _rule("health_card", r"\d(?<![\w-]\d)\d{4}-\d{4}(?![\w-])"),
    _rule("other_id", r"[A-Z](?<![\w-].)\d{4}-\d{5}-\d{5}(?![\w-])"),
    _rule("other_id", r"\d(?<![\w.,/-]\d)\d{6,}(?![\w,/-]|\.\d)", check=_not_a_quantity),
]


# --- Names ----------------------------------------------------------------------------------------

_TITLES = _words(
    "Mr Mrs Ms Mx Dr Prof Mme Mlle Rev Miss Doctor Nurse Professor Sister Father Pastor Reverend Elder Chief "
    "Constable Cst Officer Sgt Sergeant Detective Judge Justice Coach Captain Capt"
)
_TITLE_TRIGGERS = frozenset(title.lower() for title in _TITLES)
_TITLED_NAME = re.compile(
    rf"{_any_of(_TITLES)}\.?(?:{_GAP}+(?:and|&){_GAP}+(?:Mr|Mrs|Ms|Dr)\.?)?{_GAP}+"
    # "Mrs. B" or "Ms. K." stand for a name just as much as "Mrs. Beaulieu".
    rf"(?:(?:[A-Z]\.{_GAP}*){{0,2}}({_NAMES})|([A-Z])(?![\w'’-])\.?)"
)
_NAME_CUE_TRIGGERS = frozenset(
    _words(
        "first last middle maiden full given family legal preferred real name named called goes known signed "
        "surname nickname dear re attn attention sincerely regards thanks"
    )
)
_CUED_NAME = re.compile(
    r"(?i:(?:(?:first|last|middle|maiden|full|given|family|legal|preferred|real)\s+)?name(?:\s*(?:is|was|:)|['’]s)"
    r"|named|called|goes\s+by|known\s+as|signed(?:\s+by)?\s*:?|surname\s*(?:is|:)?|nickname\s*(?:is|:)?"
    r"|dear|re\s*:|attn\.?:?|attention:?|sincerely,?|regards,?|thanks,?)\s+"
    rf"({_NAMES})"
)
_RELATIONS = (
    *_words(
        "husband wife spouse partner son sons daughter daughters mother father mom mum dad brother sister sibling "
        "boyfriend girlfriend fiancé fiancée fiance fiancee grandson granddaughter grandmother grandfather grandma "
        "grandpa grandchild aunt uncle niece nephew cousin stepson stepdaughter stepfather stepmother stepdad stepmom "
        "son-in-law daughter-in-law mother-in-law father-in-law brother-in-law sister-in-law caregiver friend "
        "neighbour neighbor roommate landlord landlady employer boss co-worker coworker supervisor foreman manager "
        "pharmacist counsellor counselor therapist psychologist psychiatrist adjuster lawyer physio physiotherapist "
        "chiropractor kid kids children child baby grandkid grandkids patient pt client resident colleague locum "
        "surgeon specialist internist GP NP caseworker"
    ),
    "social worker",
    "case manager",
    "case worker",
    "nurse practitioner",
    "family doctor",
    "family physician",
)
_RELATED_NAME = re.compile(rf"(?i:{_any_of(_RELATIONS)}(?![\w-]),?{_GAP}+)({_NAMES})")
_RELATION_TRIGGERS = _first_words(_RELATIONS)
_NAME_LIST_MORE = re.compile(rf"(?:{_GAP}*,{_GAP}*|{_GAP}+(?:and|&){_GAP}+)({_NAMES})")
_DOTTED_INITIALS = re.compile(r"[A-Z](?<![\w.].)\.\s?[A-Z]\.(?:\s?[A-Z]\.)?(?!\w)")
_CUED_INITIALS = re.compile(r"(?i:(?:patient|pt\.?|client|initials|init\.?)\s*:?\s+)([A-Z]{2,3})(?![\w.])")
_INITIALS_TRIGGERS = frozenset({"patient", "pt", "client", "initials", "init"})
_EPONYM_AFTER = re.compile(
    r"(?:['’]s?)?\s+(?:disease|syndrome|sign|test|palsy|phenomenon|manoeuvre|maneuver|criteria|fracture|contracture"
    r"|neuroma|ulcer|cyst|esophagus|oesophagus|thyroiditis|disorder|scale|score|tool|questionnaire|index|law|rule"
    r"|splint|procedure|operation|classification|node|tumou?r|lymphoma|chorea|dementia|neuralgia)\b",
    re.IGNORECASE,
)
_NEXT_NAME_WORD = re.compile(rf"{_GAP}+({_NAME_WORD}){_NAME_END}")
# "St. Joseph's Hospital", "Sault Ste. Marie", "Prince George", "Ross Memorial Hospital".
_PLACE_BEFORE = re.compile(
    r"\b(?:St|Ste|Saint|Sainte|Mt|Mount|Mont|Port|Fort|Lake|Cape|Prince|Princess|Queen|King|Lady|Sir|Grand|New)"
    r"\.?[\s-]+$"
)
_PLACE_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:Hospital|Memorial|Health|Centre|Center|Clinic|University|College|Institute|School|Lake|River"
    r"|Bay|Falls|Island|Park|Street|St|Road|Rd|Avenue|Ave|Drive|Foundation|House|Lodge|Manor|Villa|Pharmacy"
    r"|Church|Reserve|First\s+Nation|Township)\b"
)

_INITIALS_NOT_NAMES = frozenset(
    _words(
        "U.S. U.K. P.T. O.T. E.R. E.D. A.M. P.M. B.C. N.S. N.B. P.E. D.O. M.D. R.N. N.P. P.O. I.V. I.M. S.C. G.P. "
        "O.D. M.S. P.S. O.K. A.A. N.A. T.O. D.C. L.A. P.A. S.W. I.D. E.G. I.E. V.S. C.S. Q.D. H.S. O.R. R.R. "
        "D.O.B. P.R.N. B.I.D. T.I.D. Q.I.D. N.P.O. C.B.T. P.E.I. U.S.A. O.T.C. A.D.L. E.M.S. C.N.S. R.P.N. "
        "B.Sc. M.Sc. Ph.D. Q.H.S. P.R. N.R. S.L. A.C. P.C. U.D.S. O.U.D."
    )
)
_ABBREVIATIONS_NOT_INITIALS = frozenset(
    _words(
        "ID ED ER GP NP OT PT MD RN DO IV IM SC PO OR US UK ON BC QC AB MB SK NS NB PE NL YT NT NU MS TB BP HR RR "
        "OA RA MI CP OK NA AA SW PA PM AM CT MR HX DX RX TX SX FX PMH HPI ROS UDS OUD MME PRN BID TID QID ICU CBT "
        "PHQ GAD ORT PEG EMR FHT NSAID TCA SNRI SSRI COPD MVA WSIB ODSP HIV HCV HEP DM HTN CKD AKI UTI GERD OSA "
        "IR SR CR XR ER IUD BMI EKG ECG MRI EMG NCS LBP DVT PE CVA TIA PTSD ADHD AUD SUD OAT MAT ODB OHIP"
    )
)

_FIRST_NAMES = frozenset(
    _words(
        """
    Aaron Abdul Abigail Adam Adrian Ahmad Ahmed Aisha Alan Albert Alex Alexander Alexandra Alexis Alice Alicia
    Alison Allan Allison Amanda Amar Amit Amy Andre André Andrea Andrew Angela Angelique Anil Anita Anjali Ann
    Anna Anne Annette Annie Anthony Antoine Arjun Arthur Ashley Audrey Barbara Barb Benjamin Ben Bernard Beth
    Bethany Betty Beverley Beverly Bev Bob Bobby Bonnie Brad Bradley Brandon Brenda Brent Brian Bridget
    Brittany Bruce Bryan Caitlin Calvin Cameron Carl Carla Carlos Carmen Carol Carole Caroline Carolyn Cassandra
    Catherine Cathy Cecile Cécile Céline Chad Chantal Charles Charlene Charlie Cheryl Chidi Chloe Chris
    Christina Christine Christopher Chuck Cindy Claire Clara Claude Claudette Colin Connie Connor Corey Courtney
    Craig Curtis Cynthia Daniel Danielle Danny Darlene Darren Daryl Dave David Dawson Debbie Deborah Debra Deb
    Deepak Denis Denise Dennis Derek Diana Diane Dianne Dolores Donald Donna Doreen Doris Dorothy Doug Douglas
    Dwayne Dylan Edith Edna Edward Eileen Elaine Eleanor Elizabeth Ellen Emily Emma Eric Erica Erin Ethan Eugene
    Evelyn Fatima Florence Francine Francis Francois François Gaetan Gaétan Gail Gary Gaston Genevieve Geneviève
    George Gerald Gerard Gilles Gillian Ginette Gisele Gisèle Gloria Gord Gordon Greg Gregory Gurpreet Hannah
    Harold Harpreet Harry Hassan Heather Helen Helene Hélène Henry Howard Hussein Ian Irene Isabelle Jack
    Jackie Jacob Jacqueline Jacques James Jamie Jane Janet Janice Jasmine Jason Jaspreet Jean Jean-Luc
    Jean-Marc Jean-Pierre Jeff Jeffrey Jennifer Jenny Jeremy Jerry Jess Jessica Jill Jim Jimmy Joan Joanne
    Jocelyn Jocelyne Joe Joel Johanne John Johnny Jonathan Jordan Josee Josée Joseph Josh Joshua Joyce Juan
    Judith Judy Julia Julie Justin Karen Karine Kate Katherine Kathleen Kathy Katie Kayla Keith Kelly Ken
    Kendra Kenneth Kevin Khalid Kim Kimberly Kirk Krista Kristen Kwame Kyle Larry Laura Lauren Laurie Layla
    Leah Leo Leonard Leslie Lin Linda Lisa Lise Lloyd Lois Lori Lorraine Louis Louise Luc Lucie Lucy Luke Lynn
    Lynne Madeleine Madison Manon Manpreet Marc Marcel Margaret Maria Mariam Marie Marilyn Mario Marion Marjorie
    Marlene Martha Martin Martine Mary Mary-Ellen Matthew Maureen Megan Melanie Mélanie Melissa Michael Michel
    Michele Michelle Mike Mildred Mohammed Mohamed Monique Muhammad Nancy Natalie Nathalie Nathan Neha Neil
    Nicholas Nicole Noah Normand Olivia Omar Pamela Pascal Paul Paula Pauline Peggy Penny Peter Philip Phyllis
    Pierre Pooja Priya Rachel Raj Rajesh Ralph Randy Ravi Ray Raymond Rebecca Real Réal Regis Réjean Rejean
    Rene René Renee Renée Rhonda Richard Rick Ricky Rita Robert Roberta Robin Rohan Roger Ronald Ronnie Ross
    Roy Russell Ruth Ryan Sabrina Sally Samantha Samuel Sandra Sanjay Sara Sarah Scott Sean Serge Shane Shannon
    Sharon Shawn Sheila Shelley Sherry Shirley Simon Simran Sonia Sophie Stacey Stephane Stéphane Stephanie
    Stephen Steve Steven Sunita Susan Suzanne Sylvain Sylvie Tammy Tanya Tara Teresa Terry Theresa Thomas
    Tiffany Tim Timothy Tina Todd Tom Tommy Tony Tracey Tracy Travis Trevor Troy Tyler Valerie Vanessa Vera
    Veronica Victor Vincent Virginie Walter Wanda Warren Wayne Wendy Wesley William Yusuf Yves Zachary
    """
    )
)
_SURNAMES = frozenset(
    _words(
        """
    Tremblay Gagnon Côté Cote Bouchard Gauthier Morin Lavoie Fortin Gagné Gagne Ouellet Pelletier Bélanger
    Belanger Lévesque Levesque Bergeron Leblanc LeBlanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier
    Dubé Dube Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault Nadeau Martel Hébert Hebert
    Desjardins Lachance Larocque Beaudoin Lafleur Chartrand Lalonde Charbonneau Villeneuve Smith Johnson
    Williams Jones Miller Davis Wilson Anderson Thompson MacDonald Macdonald McDonald Campbell Stewart Robertson
    Murray MacLeod McLeod Fraser Ferguson Morrison Henderson Mitchell Patterson Kowalski Nowak Wiebe Friesen
    Penner Klassen Patel Singh Sharma Sidhu Grewal Dhillon Chen Wang Zhang Liu Nguyen Tran Pham Kim Lee Wong
    Chan Leung Ahmed Khan Hussain Okafor Mensah Nakamura Tanaka Rodriguez Garcia Martinez Lopez Gonzalez
    Hernandez O'Brien O'Connor Murphy Kelly Sullivan Walsh Doyle Byrne Whitehorse Beardy Meekis Kakegamic
    Linklater Okemaw Sutherland Chapman Campeau Fiddler
    """
    )
)
_NOT_NAMES = frozenset(
    _words(
        """
    Mr Mrs Ms Miss Mx Dr Prof Doctor Nurse Professor Sister Father Mme Mlle Rev St Elder Chief
    He She They It His Her Their We I You The A An This That These Those There Here Our Your My Its Then
    When While After Before Since During Today Tomorrow Yesterday And Or But So If As At On In By For From
    With Without To Of Not No Yes All Both Some Any Each Every Also Please Thank Thanks Hi Hello Dear Re
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
    Spring Summer Fall Autumn Winter Christmas Easter Thanksgiving
    Patient Patients Pt Client Resident Case Background Plan Assessment History Medications Medication
    Question Questions Summary Note Notes Update Impression Social Family Past Medical Goals Goal Safety
    Function Exam Examination Imaging Labs Allergies Allergy Diagnosis Diagnoses Problem Problems Issues
    Health Care Clinic Hospital Pharmacy Team Unit Program Programme Service Services Centre Center Office
    Emergency Department Family Physician Pain Chronic Opioid Opioids Addiction Mental Primary Rehab
    Indigenous First Nations Nation Métis Metis Inuit French English Catholic Christian Muslim Canadian
    American Ontario Canada Quebec Manitoba Alberta Saskatchewan Nova Scotia Brunswick Newfoundland Labrador
    Yukon Nunavut Territories Northwest British Columbia Toronto Ottawa Sudbury Timmins Kingston Thunder Bay
    Hamilton London Windsor Barrie Sault North Bay Kenora Moosonee Moose Factory Attawapiskat Espanola
    Massey Chapleau Kapuskasing Hearst Cochrane Parry Sound Huntsville Orillia Peterborough Belleville
    Cornwall Pembroke Renfrew Winnipeg Regina Saskatoon Calgary Edmonton Vancouver Victoria Halifax Montreal
    Florida Naples Arizona Texas Sciences South East West
    Tylenol Percocet Percodan Dilaudid Suboxone Sublocade Lyrica Cymbalta Butrans Duragesic Kadian Hydromorph
    Contin Tramacet Nucynta Statex Jurnista Targin Methadose Metadol Advil Aleve Motrin Celebrex Arthrotec
    Voltaren Pennsaid Elavil Effexor Wellbutrin Seroquel Imovane Ativan Xanax Valium Rivotril Flexeril
    Robaxin Robaxacet Narcan Belbuca Ultram Zytram Tridural Durela Ralivia Neurontin Topamax Botox Cesamet
    Sativex Nexium Tecta Pantoloc Lasix Eliquis Xarelto Coumadin Lipitor Crestor Synthroid Ozempic Jardiance
    Januvia Lantus Ventolin Symbicort Advair Spiriva Medrol Kenalog Lidoderm Shingrix Naloxone Codeine
    Morphine Oxycodone Hydromorphone Fentanyl Methadone Buprenorphine Tramadol Tapentadol Gabapentin
    Pregabalin Duloxetine Amitriptyline Nortriptyline Acetaminophen Naproxen Ibuprofen Cannabis
    Parkinson Crohn Tinel Phalen Babinski Spurling Hoffmann Hoffman Romberg Patrick Faber Gaenslen
    Trendelenburg Waddell Schober Lhermitte Raynaud Addison Cushing Graves Hashimoto Sjogren Sjögren
    Guillain Barré Barre Bell Alzheimer Huntington Hodgkin Tourette Asperger Down Baker Dupuytren Morton
    Osgood Schlatter Achilles Colles Charcot Wernicke Korsakoff Scheuermann Paget Reiter Kawasaki Lyme Epley
    McMurray Lachman Finkelstein Apley Neer Hawkins Yergason Kernig Brudzinski
    Telehealth ConnexOntario Shoppers Rexall Walmart Costco Legion Friendship Sobeys Loblaws Tim Hortons
    Blue Cross Manulife Sun Life Canada Post Google Facebook Zoom
    Gravida Para Type Grade Stage Level Score Tool Manager Risk Scale Project Cases Outcomes Education
    Experience Handout Portal Information Agreement Navigator Advocate Presentation Profile Story Voice
    Complaint Complaints Concern Concerns Practitioner Practitioners Educator Visit Visits Coordinator Lead
    Director Specialist Assistant Aide Worker Workers Support Supports
    """
    )
) | frozenset(_TITLES)


def _is_name_word(text: str, word: re.Match) -> bool:
    value = word.group()
    if value in _NOT_NAMES or any(part in _NOT_NAMES for part in value.split("-")):
        return False
    if _PLACE_BEFORE.search(text, max(0, word.start() - 12), word.start()):
        return False
    return not (_EPONYM_AFTER.match(text, word.end()) or _PLACE_AFTER.match(text, word.end()))


def _trim_names(text: str, start: int, end: int) -> int | None:
    """End of the leading run of name-like words in text[start:end], or None."""
    kept_end = None
    for word in _NAME_WORD_RE.finditer(text, start, end):
        if not _is_name_word(text, word):
            break
        kept_end = word.end()
    return kept_end


def _matches(
    pattern: re.Pattern, triggers: frozenset[str] | None, text: str, words: dict[str, list[int]]
) -> Iterator[re.Match]:
    if triggers is None:
        yield from pattern.finditer(text)
        return
    for word in words.keys() & triggers:
        for position in words[word]:
            if match := pattern.match(text, position):
                yield match


def _name_candidates(text: str, words: dict[str, list[int]], capitalised: list[int]) -> Iterator[Span]:
    for match in _matches(_TITLED_NAME, _TITLE_TRIGGERS, text, words):
        if match.group(2):
            yield match.span()
            continue
        end = _trim_names(text, match.start(1), match.end(1))
        if end is not None:
            yield match.start(), end
    for pattern, triggers in ((_CUED_NAME, _NAME_CUE_TRIGGERS), (_RELATED_NAME, _RELATION_TRIGGERS)):
        for match in _matches(pattern, triggers, text, words):
            end = _trim_names(text, match.start(1), match.end(1))
            if end is None:
                continue
            yield match.start(1), end
            # "her kids Emma and Noah", "sons Kevin, Mark and Luc"
            while more := _NAME_LIST_MORE.match(text, end):
                more_end = _trim_names(text, more.start(1), more.end(1))
                if more_end is None:
                    break
                yield more.start(1), more_end
                end = more_end
    for match in _DOTTED_INITIALS.finditer(text):
        if match.group().replace(" ", "") not in _INITIALS_NOT_NAMES:
            yield match.span()
    for match in _matches(_CUED_INITIALS, _INITIALS_TRIGGERS, text, words):
        if match.group(1) not in _ABBREVIATIONS_NOT_INITIALS:
            yield match.span(1)
    # Common first names and surnames need no cue: "Bob is a 62-year-old retired miner".
    for position in capitalised:
        if position and text[position - 1] in "-'’":
            continue
        word = _NAME_WORD_RE.match(text, position)
        if word is None:
            continue
        value = word.group()
        known = (
            value in _FIRST_NAMES or value in _SURNAMES or any(p in _FIRST_NAMES for p in value.split("-"))
        )
        if not known or not _is_name_word(text, word):
            continue
        end = word.end()
        surname = _NEXT_NAME_WORD.match(text, end)
        if surname and _is_name_word(text, _NAME_WORD_RE.match(text, surname.start(1))):
            end = surname.end()
        yield word.start(), end


# --- Putting it together --------------------------------------------------------------------------


def find_identifiers(text: str) -> list[Finding]:
    """Identifiers in text, sorted by position; where candidates overlap, the longest wins."""
    if not text:
        return []
    words: dict[str, list[int]] = {}
    capitalised: list[int] = []
    for token in _TOKEN.finditer(text):
        value = token.group()
        words.setdefault(value.lower(), []).append(token.start())
        if value[0].isupper():
            capitalised.append(token.start())

    candidates: list[tuple[int, int, int, str]] = []
    for rank, rule in enumerate(_RULES):
        if rule.needs is not None and rule.needs.search(text) is None:
            continue
        for match in _matches(rule.pattern, rule.triggers, text, words):
            span: Span | None = match.span(rule.group)
            if rule.check is not None:
                span = rule.check(text, match, *span)
            if span is not None and span[0] < span[1]:
                candidates.append((span[0], span[1], rank, rule.kind))
    name_rank = len(_RULES)
    candidates.extend(
        (start, end, name_rank, "name") for start, end in _name_candidates(text, words, capitalised)
    )

    # Longest first, then rule order; a candidate overlapping one already chosen is dropped.
    starts: list[int] = []
    chosen: list[tuple[int, int, str]] = []
    for start, end, _rank, kind in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        index = bisect.bisect_left(starts, start)
        if index > 0 and chosen[index - 1][1] > start:
            continue
        if index < len(chosen) and chosen[index][0] < end:
            continue
        starts.insert(index, start)
        chosen.insert(index, (start, end, kind))
    return [Finding(kind=kind, start=start, end=end, text=text[start:end]) for start, end, kind in chosen]
