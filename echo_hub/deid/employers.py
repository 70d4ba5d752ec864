"""Employers and workplaces after a cue: "works at Foodland", "retired from Inco", "the
sawmill owned by Resolute", "travaille chez Hydro-Québec". A small town has one sawmill: the
employer's name points at the patient as surely as the town's."""

import re
from collections.abc import Iterator

from .lexicon import REGION, lexicon, name_key
from .text import _UPPER, Span, _any_of, _first_words, _matches, _phrases, _words, trim_end

_EMPLOYER_CUES = _phrases(
    "works at | works for | working at | working for | worked at | worked for | work at | work for | "
    "works with | worked with | employed by | employed at | employed with | employee of | employee at | "
    "employer is | owned by | run by | retired from | laid off from | laid off by | fired from | let go from | "
    "let go by | job at | job with | shifts at | hired by | contract with | contractor for | "
    "travaille chez | travaille pour | travaille à | travaille au | travaillait chez | travaillait pour | "
    "travaillait à | travaillait au | employé par | employée par | employé de | employée de | employé chez | "
    "employée chez | à l'emploi de | retraité de | retraitée de | congédié de | congédiée de | "
    "mis à pied par | mise à pied par | propriété de | appartenant à"
)
_OCCUPATION = (
    r"(?:logger|trucker|truck\s+driver|driver|cook|cashier|miner|teacher|mechanic|welder|labou?rer|operator"
    r"|clerk|janitor|cleaner|guard|server|waitress|waiter|bartender|carpenter|electrician|plumber|line(?:man|worker)"
    r"|foreman|supervisor|receptionist|secretary|housekeeper|technician|firefighter|paramedic|guide|fisherman"
    r"|farmhand|millwright|contractor|employee|worker|camionneur|chauffeur|cuisinier|cuisinière|caissière|caissier"
    r"|mineur|enseignante?|mécanicien|soudeur|journalier|journalière|opérateur|commis|concierge|serveuse|serveur"
    r"|menuisier|électricien|plombier|contremaître|réceptionniste|secrétaire|préposée?|technicienne?|pompier"
    r"|ambulancier|bûcheron|employée?|travailleuse|travailleur)s?"
)
_ORG_WORD = rf"(?:[{_UPPER}][\w&'’.-]*|[{_UPPER}]{{2,6}})"
_ORG = rf"{_ORG_WORD}(?:[^\S\n]+(?:(?:&|and|of|de|du|des|la|le|et)[^\S\n]+)?{_ORG_WORD}){{0,4}}"
_EMPLOYER = re.compile(
    rf"(?i:\b(?:{_any_of(_EMPLOYER_CUES)}"
    r"|work(?:s|ed|ing)?\s+as\s+an?\s+(?:[\w-]+\s+){1,3}?(?:at|for)"
    # "a logger for Tembec", "head cook at the Legion", "un camionneur pour Transport Robert"
    rf"|(?:an?|un|une)\s+(?:[\w-]+\s+)?{_OCCUPATION}\s+(?:at|for|with|pour|chez)"
    r"|travaill\w*\s+comme\s+(?:[\w-]+\s+){1,3}?(?:chez|pour|à|au))"
    rf"[^\S\n]+(?:(?:the|a|an|la|le|les|l['’])[^\S\n]*)?)({_ORG})(?![\w-])"
)
_EMPLOYER_TRIGGERS = _first_words(_EMPLOYER_CUES) | {"work", "works", "worked", "working", "travaille"}
_EMPLOYER_TRIGGERS |= {"travaillait", "a", "an", "un", "une"}
# Words that say what kind of workplace, not which one: "works at the Band Office".
_GENERIC = frozenset(
    _words(
        """
    hospital clinic health centre center nursing station band office school board mine mill sawmill store home
    care long-term long term township municipality town city government ministry police fire department council
    restaurant hotel motel farm garage legion community family team pharmacy pharmacie hôpital clinique usine
    scierie dépanneur épicerie école er ed icu ltc fht chc or psw emergency the local public catholic service
    services post mall plant site camp lodge reserve
    """
    )
)
# A business named as such needs no verb: "cleans rooms at the Comfort Inn".
_BUSINESS = (
    r"(?:Inn|Hotel|Motel|Stores?|Mills?|Mines?|Mining|Ltd\.?|Inc\.?|Corp\.?|Co\.|Company|Airlines?|Transport"
    r"|Trucking|Lumber|Forest\s+Products|Steel|Foods|Farms?|Construction|Contracting|Resources|Energy|Railway"
    r"|Rail|Paper|Pulp|Gold|Casino|Restaurant|Diner|Grill|Pub|Tavern|Motors|Logistics|Outfitters|Marina"
    r"|Enterprises|Industries|Manufacturing|Hardware|Tire|Dépanneur|Scierie|Épicerie|Quincaillerie)"
)
_BUSINESS_AT = re.compile(
    r"(?i:\b(?:at|for|with|chez|pour)[^\S\n]+(?:(?:the|la|le|les|l['’])[^\S\n]*)?)"
    rf"((?:{_ORG_WORD}[^\S\n]+){{1,3}}{_BUSINESS})(?![\w-])"
)
_BUSINESS_TRIGGERS = frozenset({"at", "for", "with", "chez", "pour"})
_ORG_WORD_RE = re.compile(rf"{_ORG_WORD}|&|\S+")
_CONNECTORS = frozenset({"and", "of", "de", "du", "des", "la", "le", "et", "&"})


def employer_candidates(text: str, words: dict[str, list[int]]) -> Iterator[Span]:
    names = lexicon()
    for match in _matches(_EMPLOYER, _EMPLOYER_TRIGGERS, text, words):
        org = list(_ORG_WORD_RE.finditer(text, match.start(1), match.end(1)))
        while org and org[-1].group().lower() in _CONNECTORS:
            org.pop()
        keys = [name_key(word.group()) for word in org if word.group().lower() not in _CONNECTORS]
        if all(key in _GENERIC or names.places.get(key) == REGION for key in keys):
            continue
        yield match.start(1), trim_end(text, match.start(1), org[-1].end())
    for match in _matches(_BUSINESS_AT, _BUSINESS_TRIGGERS, text, words):
        yield match.span(1)
