"""Building blocks of the guard's rules: word lists, regular-expression pieces and span
checks, shared by the pattern rules (rules.py) and the name finder (names.py)."""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

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
        re.escape(phrase).replace(r"\ \#", r"\s*\#").replace(r"\ ", r"\s+").replace("'", "['’]")
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
_ID_CHUNK = r"(?:[A-Z]{0,4}\d[\dA-Z]*|[A-Z]{1,4}(?=[/-]\d))"
_ID_VALUE = rf"(?:[A-Z]{{1,4}}[ -]?)?\d[\dA-Z]*(?:[ /-]{_ID_CHUNK})*(?:-[A-Z]{{1,2}}(?![\w-]))?"
_ID_TAIL = r"(?:\s+(?:number|no\.?|num\.?|#|ID|is|was|reads|card|field|numéro|n°|no|est|était|le|indique))*\s*[:#]?\s*"
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
    "phone phoned tel telephone cell cellphone mobile fax pager call called calls text texted reach reached contact "
    "tél téléphone cellulaire télécopieur joindre rejoindre appeler appelé appelée texto"
)
_SIN_CUES = ("SIN", "SSN", "NAS", "social insurance", "social security", "assurance sociale")
_RECORD_CUES = _phrases(
    "MRN | medical record | health record | chart | hospital number | hospital no. | hospital # | "
    "hospital ID | record | patient ID | patient number | patient no. | patient # | encounter | "
    "visit number | visit no. | visit # | visit ID | accession | EMR ID | EMR number | EMR # | "
    "file | registration | requisition | lab number | lab no. | lab # | lab ID | case number | "
    "case no. | case # | case ID | dossier | numéro de dossier | no de dossier | n° de dossier | "
    "numéro de patient | no de patient | numéro d'hôpital | no d'hôpital | carte d'hôpital | "
    "numéro de visite | no de visite | numéro d'épisode | épisode | réquisition | DME"
)
_OTHER_ID_CUES = _phrases(
    "driver's licence | drivers licence | driver licence | driver's license | drivers license | "
    "driver license | licence plate | license plate | licence | license | plate | account | acct. | "
    "acct | policy | member ID | member number | member no. | member # | membership number | "
    "subscriber | group number | group no. | group # | claim | serial | badge | employee | student | "
    "passport | status card | band | treaty | certificate | CPSO | billing | prescriber | WSIB | "
    "WCB | VIN | device | permis de conduire | permis | plaque d'immatriculation | plaque | réclamation | "
    "numéro de réclamation | CNESST | SAAQ | police d'assurance | numéro de police | numéro de membre | "
    "no de membre | numéro de compte | compte | carte de statut | certificat de statut | numéro de bande | "
    "matricule d'employé | matricule | numéro d'employé | numéro de série | série"
)
_HEALTH_CARD_CUES = _phrases(
    "OHIP | health card | healthcard | HCN | PHN | RAMQ | MSP | MSI | AHCIP | MCP | health number | "
    "health insurance number | health no. | card number | card no. | card # | carte santé | carte-santé | "
    "carte soleil | carte d'assurance maladie | carte d'assurance-maladie | NAM | numéro d'assurance maladie | "
    "numéro d'assurance-maladie | no d'assurance maladie | numéro de carte"
)
_DATE_CUES = _words(
    "in since on of last this next early mid late until till by from during before after around through"
)
_BIRTH_CUES = _phrases(
    "DOB | D.O.B. | D.O.B | date of birth | birth date | birthdate | birthday | born on | born in | born | "
    "né le | née le | né(e) le | né en | née en | né(e) en | date de naissance | DDN | D.D.N."
)
_HOLIDAYS = _phrases(
    "Christmas Eve | Christmas Day | Boxing Day | New Year's Eve | New Year's Day | Canada Day | "
    "Victoria Day | Labour Day | Labor Day | Remembrance Day | Family Day | Thanksgiving Day | "
    "Thanksgiving Monday | Easter Sunday | Easter Monday | Good Friday | Valentine's Day | "
    "St. Patrick's Day | Halloween"
)
_RESIDENCE_CUES = _words("lives live living resides reside residing moved moving house home")


def _matches(
    pattern: re.Pattern, triggers: frozenset[str] | None, text: str, words: dict[str, list[int]]
) -> Iterator[re.Match]:
    """Matches of pattern starting where one of its trigger words starts (anywhere when None)."""
    if triggers is None:
        yield from pattern.finditer(text)
        return
    for word in words.keys() & triggers:
        for position in words[word]:
            if match := pattern.match(text, position):
                yield match


def trim_end(text: str, start: int, end: int) -> int:
    """End of text[start:end] without the full stop, dash or quote that closes the sentence."""
    while end > start and text[end - 1] in ".-'’":
        end -= 1
    return end
