"""Places smaller than a province or state (HIPAA Safe Harbor's geographic subdivisions):
known communities from the gazetteer ("Kapuskasing", "Sandy Lake"), First Nations and
reserves by their suffix ("Moose Cree First Nation"), and any capitalised place after a
residence cue ("lives in", "drives in from", "habite à") or before ", ON".

A place of 20,000 people or more counts only as much as the three-digit ZIP code Safe
Harbor allows, so "drives to Sudbury for his MRI" passes; a place whose name is also a word
or a person's name ("Hope", "Dryden") counts only after a cue."""

import re
from collections.abc import Iterator

from .lexicon import CUED, LARGE, REGION, SMALL, lexicon, name_key
from .names import is_plausible_name
from .text import _LOWER, _TOKEN, _UPPER, Span, _any_of, _first_words, _matches, _phrases, _words, trim_end

# Residence and origin: enough to make any capitalised word after it a place.
_RESIDENCE_CUES = _phrases(
    "lives in | live in | living in | lived in | resides in | residing in | resident of | moved to | "
    "moved from | moving to | moved back to | relocated to | grew up in | raised in | is from | are from | "
    "was from | comes from | came from | originally from | drives in from | drove in from | drives down from | "
    "drove down from | flies in from | flew in from | fly in from | home community of | community of | "
    "habite à | habite au | habitait à | demeure à | réside à | résidant à | vit à | vivait à | vient de | "
    "originaire de | déménagé à | déménagée à | de retour à | native de | natif de"
)
# Enough for a known place whose name is also a word ("from Hope", "near Marathon").
_WEAK_CUES = (
    *_RESIDENCE_CUES,
    "from",
    "near",
    "outside of",
    "north of",
    "south of",
    "east of",
    "west of",
    "près de",
)
_CUE_BEFORE = re.compile(
    rf"(?i:\b{_any_of(_WEAK_CUES)}"
    # "lives alone in", "has lived all her life in", "vit seule à"
    r"|\b(?:lives?|living|lived|resides?|stays?|staying|moved|grew\s+up|raised|born|vit|vivait|habite|demeure)"
    r"(?:[^\S\n]+[^\W\d]+){1,3}?[^\S\n]+(?:in|to|near|à|au))[^\S\n]+$"
)
_PROVINCE_AFTER = re.compile(
    r"[^\S\n]*(?:,|\()[^\S\n]*(?:ON|Ont\.|Ontario|QC|Qc|Québec|Quebec|MB|Man\.|Manitoba|SK|Sask\.|Saskatchewan|AB"
    r"|Alta\.|Alberta|BC|B\.C\.|British\s+Columbia|NS|Nova\s+Scotia|NB|New\s+Brunswick|PE|PEI|NL|Nfld\.?|YT|Yukon"
    r"|NT|NWT|NU|Nunavut|AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV"
    r"|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY)(?![\w])"
)
_PLACE_WORD = rf"[{_UPPER}][{_LOWER}'’.]*(?:-[{_UPPER}a-zà-ÿ][{_LOWER}'’]*)*"
_PLACE_RUN = re.compile(
    rf"{_PLACE_WORD}(?:[^\S\n]+(?:(?:de|du|des|la|le|sur|of|the)[^\S\n]+)?{_PLACE_WORD}){{0,3}}(?![\w-])"
)
_CUED_PLACE = re.compile(rf"(?i:\b{_any_of(_RESIDENCE_CUES)}[^\S\n]+)({_PLACE_RUN.pattern})")
# "the Township of Machar", "la Première Nation de Pikogan", "réserve de Kitcisakik".
_PLACE_OF = re.compile(
    r"(?i:(?:township|town|village|municipality|hamlet|reserve|première\s+nation|premières\s+nations|réserve"
    r"|communauté|municipalité|canton|ville|paroisse)(?:[^\S\n]+(?:crie|innue|atikamekw|anishinabe|mohawk))?"
    rf"[^\S\n]+(?:of|de|du|d['’]))[^\S\n]*({_PLACE_RUN.pattern})"
)
_PLACE_OF_TRIGGERS = frozenset(
    {"township", "town", "village", "municipality", "hamlet", "reserve", "première", "premières"}
    | {"réserve", "communauté", "municipalité", "canton", "ville", "paroisse"}
)
# "Sandy Lake First Nation", "Six Nations", "Curve Lake Reserve", "Kitigan Zibi Anishinabeg".
_NATION_SUFFIX = re.compile(
    r"(?:(?:First|Cree|Indian|Ojibway|Ojibwe|Oji-Cree|Mohawk|Anishinaabe|Anishinabe|Premières?)[^\S\n]+)?"
    r"(?:Nations?|Reserve|Band|Settlement|Anishinabeg|Anishinaabek|Anishnawbek)(?![\w-])"
)
_NATION_TRIGGERS = frozenset(
    {"first", "cree", "indian", "ojibway", "ojibwe", "oji", "mohawk", "anishinaabe", "anishinabe", "nation"}
    | {"première", "premières"}
    | {"nations", "reserve", "band", "settlement", "anishinabeg", "anishinaabek", "anishnawbek"}
)
_RUN_BEFORE = re.compile(rf"((?:{_PLACE_WORD}(?:[^\S\n]+\d{{1,3}})?[^\S\n]+){{1,4}})$")
_GENERIC = frozenset(
    _words(
        "the a an our their his her its many several some local nearby remote northern southern rural small "
        "fly-in indigenous canadian ontario métis metis all most other treaty plusieurs certaines nos les des ces "
        "toutes quelques autres"
    )
)
_WORD = re.compile(r"\S+")
_CONNECTORS = frozenset(_words("de du des la le les sur en aux au à of the and s d l et"))
_GAPS = frozenset({" ", "-", ". ", ".", "'", "’", " - ", ".-"})
_RESIDENCE_TRIGGERS = _first_words(_RESIDENCE_CUES)
_PROVINCES = frozenset(
    _words(
        "ON Ont Ontario QC Qc Québec Quebec MB Man Manitoba SK Sask Saskatchewan AB Alta Alberta BC NS NB PE PEI "
        "NL Nfld YT Yukon NT NWT NU Nunavut"
    )
)
_PROVINCE_KEYS = frozenset(province.lower() for province in _PROVINCES)
_RUN_BEFORE_PROVINCE = re.compile(rf"({_PLACE_RUN.pattern})[^\S\n]*(?:,|\()[^\S\n]*$")


def _cued(text: str, start: int, end: int) -> bool:
    return bool(_CUE_BEFORE.search(text, max(0, start - 40), start) or _PROVINCE_AFTER.match(text, end))


def _known_places(text: str, tokens: list[Span], capitalised: list[int]) -> Iterator[Span]:
    places, lengths = lexicon().places, lexicon().place_lengths
    skip_to = -1
    for index in capitalised:
        if index < skip_to:
            continue
        start, end = tokens[index]
        first = text[start:end]
        most = lengths.get(first.lower())
        if most is None or (first.isupper() and len(first) <= 5):
            continue
        parts = [first.lower()]
        found = None
        for j in range(index + 1, min(index + most, len(tokens))):
            if text[tokens[j - 1][1] : tokens[j][0]] not in _GAPS:
                break
            word = text[tokens[j][0] : tokens[j][1]]
            if not (word[0].isupper() or word in _CONNECTORS):
                break
            parts.append(word.lower())
            if places.get(" ".join(parts)) is not None:
                found = (j, places[" ".join(parts)])
        if found is None:
            kind = places.get(parts[0])
            found = (index, kind) if kind is not None else None
        if found is None:
            continue
        last, kind = found
        place_end = tokens[last][1]
        skip_to = last + 1
        if kind == SMALL or (kind == CUED and _cued(text, start, place_end)):
            yield start, place_end


def _is_named_place(text: str, start: int, end: int) -> bool:
    """A capitalised run after a cue names a place unless it is a large one or no place at all."""
    places, names = lexicon().places, lexicon()
    key = " ".join(word.lower() for word in _TOKEN.findall(text, start, end))
    first = name_key(text[start:end].split()[0])
    if places.get(key) in (LARGE, REGION) or places.get(first) in (LARGE, REGION):
        return False
    return first not in names.clinical and first not in _GENERIC and is_plausible_name(first)


def _nation_places(text: str, words: dict[str, list[int]]) -> Iterator[Span]:
    names = lexicon()
    for match in _matches(_NATION_SUFFIX, _NATION_TRIGGERS, text, words):
        before = _RUN_BEFORE.search(text, max(0, match.start() - 80), match.start())
        if before is None:
            continue
        # "From Sandy Lake First Nation", "Many First Nations": leading words that name no place.
        run = [
            word
            for word in _WORD.finditer(text, before.start(1), before.end(1))
            if not word.group().isdigit()
        ]
        while run and (
            name_key(run[0].group()) in _GENERIC
            or name_key(run[0].group()) in names.clinical
            or names.places.get(name_key(run[0].group())) == REGION
        ):
            run.pop(0)
        if run and not all(name_key(word.group()) in names.clinical for word in run):
            yield run[0].start(), match.end()


def place_candidates(
    text: str, words: dict[str, list[int]], tokens: list[Span], capitalised: list[int]
) -> Iterator[Span]:
    yield from _known_places(text, tokens, capitalised)
    yield from _nation_places(text, words)
    for province in words.keys() & _PROVINCE_KEYS:
        for position in words[province]:
            if text[position : position + len(province)] not in _PROVINCES:
                continue
            before = _RUN_BEFORE_PROVINCE.search(text, max(0, position - 60), position)
            if before and _is_named_place(text, before.start(1), before.end(1)):
                yield before.start(1), trim_end(text, before.start(1), before.end(1))
    for pattern, triggers in ((_CUED_PLACE, _RESIDENCE_TRIGGERS), (_PLACE_OF, _PLACE_OF_TRIGGERS)):
        for match in _matches(pattern, triggers, text, words):
            if _is_named_place(text, match.start(1), match.end(1)):
                yield match.start(1), trim_end(text, match.start(1), match.end(1))
