"""Rules for French notes ("née le 14 mars 1962", "92 ans", "C.P. 123", "habite sur le rang
Saint-Joseph") and for record numbers by shape ("SJHC-553120"). The cue words of the shared
rules (carte santé, NAS, dossier, permis) are in text.py with their English counterparts."""

import re

from .text import (
    _AGE_90_PLUS,
    _UNIT_AFTER,
    _UPPER,
    _YEAR,
    Span,
    _any_of,
    _first_words,
    _phrases,
    _Rule,
    _rule,
    _words,
)

_MOIS_FULL = _words(
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre"
)
_MOIS = (
    r"(?i:"
    + "|".join(
        (
            *_MOIS_FULL,
            r"janv\.",
            r"févr\.",
            r"fév\.",
            r"avr\.",
            r"juil\.",
            r"sept\.",
            r"oct\.",
            r"nov\.",
            r"déc\.",
        )
    )
    + r")(?![\w])"
)
_MOIS_TRIGGERS = frozenset((*_MOIS_FULL, "janv", "févr", "fév", "avr", "juil", "sept", "oct", "nov", "déc"))
_DATE_CUES_FR = _phrases(
    "en | depuis | début | fin | mi | jusqu'en | avant | après | dès | au mois de | le mois de | courant | vers la fin de"
)
_HOLIDAYS_FR = _phrases(
    "veille de Noël | jour de Noël | lendemain de Noël | jour de l'An | Saint-Jean-Baptiste | Fête nationale | "
    "fête du Canada | Action de grâce | Action de grâces | Vendredi saint | lundi de Pâques | jour du Souvenir"
)
_STREET_FR = (
    r"(?:rue|Rue|chemin|Chemin|ch\.|boul\.|Boul\.|boulevard|Boulevard|avenue|Avenue|av\.|Av\.|route|Route|rang|Rang"
    r"|montée|Montée|côte|Côte|impasse|Impasse|allée|Allée|croissant|Croissant|promenade|Promenade|terrasse"
    r"|Terrasse|sentier|Sentier|carré|Carré|place|Place)"
)
_RESIDENCE_FR = _words("habite habitait demeure demeurait réside résidait vit vivait")

_DAY_BEFORE = re.compile(r"(?<![\w])(?:3[01]|[12]\d|0?[1-9])(?:er)?\s+$")


def _with_day(text: str, match: re.Match, start: int, end: int) -> Span | None:
    """ "14 mars", "1er mai 2025": the month counts with the day in front of it."""
    day = _DAY_BEFORE.search(text, max(0, start - 6), start)
    if day is None or _UNIT_AFTER.match(text, end):
        return None
    return day.start(), end


RULES_FR: list[_Rule] = [
    _rule("date", rf"{_MOIS}(?:\s+{_YEAR})?", check=_with_day, triggers=_MOIS_TRIGGERS),
    _rule("date", rf"{_MOIS}\s+(?:de\s+l['’]an\s+)?{_YEAR}", triggers=_MOIS_TRIGGERS),
    _rule(
        "date",
        rf"(?i:\b{_any_of(_DATE_CUES_FR)}[\s-]+)((?i:{'|'.join(_MOIS_FULL)})(?![\w]))",
        group=1,
        triggers=_first_words(_DATE_CUES_FR),
    ),
    _rule("date", rf"(?i:{_any_of(_HOLIDAYS_FR)})(?![\w-])", triggers=_first_words(_HOLIDAYS_FR)),
    _rule("age_over_89", rf"{_AGE_90_PLUS}\s*ans\b", needs=r"\d\s*ans\b"),
    _rule(
        "age_over_89",
        r"(?i)\b(?:quatre-vingt-(?:dix|onze|douze|treize|quatorze|quinze|seize|dix-sept|dix-huit|dix-neuf)\s+ans"
        r"|nonagénaire|centenaire)\b",
        triggers={"quatre", "nonagénaire", "centenaire"},
    ),
    _rule(
        "address",
        rf"\d(?<![\w-]\d)\d{{0,5}}[A-Za-z]?,?\s+(?:\d{{1,2}}(?:e|ème)\s+)?{_STREET_FR}\s+"
        rf"(?:(?:de|du|des|la|le)\s+|[ld]['’])*[{_UPPER}\d][\w'’-]*(?:\s+[{_UPPER}][\w'’-]*)?",
    ),
    _rule("address", r"\d(?<![\w-]\d)\d?(?:e|ème)\s+[Rr]ang(?:\s+(?:Est|Ouest|Nord|Sud))?\b"),
    _rule(
        "address",
        rf"(?i:{_any_of(_RESIDENCE_FR)}\s+(?:sur\s+(?:la\s+|le\s+)?|au\s+|dans\s+le\s+))"
        rf"({_STREET_FR}\s+(?:(?:de|du|des|la|le)\s+|[ld]['’])*[{_UPPER}][\w'’-]*(?:\s+[{_UPPER}][\w'’-]*)?)",
        group=1,
        triggers=_RESIDENCE_FR,
    ),
    _rule(
        "address",
        r"(?:C\.P\.|CP|case\s+postale|Case\s+postale)\s*\d{1,6}\b|(?i:app\.|appartement|logement)\s*\#?\s*\d{1,5}[A-Za-z]?\b",
        triggers={"c", "cp", "case", "app", "appartement", "logement"},
    ),
    # Record numbers by shape: a facility prefix and a long number ("SJHC-553120", "H0045213").
    _rule("record_number", r"[A-Z](?<![\w-].)[A-Z]{0,5}-?\d{5,10}(?:-\d{1,6})?(?![\w-])"),
]
