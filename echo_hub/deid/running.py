"""Names in running text, with no title or label: a known first name or surname that is no
everyday word ("Karen has been on Suboxone"), a given name with a surname ("Nadia Okemow",
"Will Baker" only when one of them is no everyday word), a known name before a verb of speech
("Bob says", "Grace dit que") and name-shaped words before an age ("Wapun Okemow is a 51
year old", "Ginette, 67 ans")."""

import re
from collections.abc import Iterator

from .lexicon import lexicon, name_key
from .names import is_name_word, is_plausible_name
from .text import _GAP, _NAME_END, _NAME_WORD, _NAME_WORD_RE, Span

_NEXT_NAME_WORD = re.compile(rf"{_GAP}+({_NAME_WORD}){_NAME_END}")
_SPEECH_VERB = re.compile(
    r"[^\S\n]+(?:says|said|reports|reported|states|stated|tells|told|denies|denied|admits|admitted|explains"
    r"|explained|mentions|mentioned|dit|disait|rapporte|mentionne|affirme|explique|nie|raconte|signale)\b"
)
_PERSON_VERB = re.compile(
    r"[^\S\n]+(?:is|was|has|had|feels|felt|lives|lived|works|worked|takes|took|came|comes|wants|wanted|asked"
    r"|asks|calls|called|continues|continued|started|stopped|uses|used|drinks|smokes|walks|sleeps|attends"
    r"|attended|declined|refused|agreed|returned|missed|went|goes|gets|got|needs|tried|est|était|a|avait|vit"
    r"|habite|travaille|prend|consulte|souhaite|demande|décrit|se\s+plaint)\b"
)
_AGE_NEEDS = re.compile(r"\d[^\S\n]*[-‑]?[^\S\n]*(?:year|yr|y/?o\b|ans\b)|\d[MF]\b|\(\d{1,3}\)")
_AGE_AFTER = re.compile(
    r"(?:,[^\S\n]*(?:an?[^\S\n]+)?|[^\S\n]+(?:is|was)[^\S\n]+an?[^\S\n]+|[^\S\n]*\("
    r"|[^\S\n]+(?:est|était|a)[^\S\n]+(?:une?[^\S\n]+)?(?:[^\W\d]+[^\S\n]+){0,2}?(?:âgée?[^\S\n]+)?(?:de[^\S\n]+)?)"
    r"\d{1,3}(?:[^\S\n]*[-‑]?[^\S\n]*(?:years?|yrs?|y)[-\s]?(?:old|o\b)|[^\S\n]*(?:y/o|yo|ans|[MF])\b|\))"
)


def _is_known(key: str) -> bool:
    names = lexicon()
    return key in names.given or key in names.surnames or key.split("-")[0] in names.given


def _is_strong(key: str) -> bool:
    names = lexicon()
    if key in names.strong_given or key in names.strong_surnames:
        return True
    first, _, rest = key.partition("-")
    # "Marie-Claude", "Jean-Luc": a compound of given names.
    return bool(rest) and first in names.strong_given and rest.split("-")[0] in names.given


def _is_pair(first: str, second: str) -> bool:
    names = lexicon()
    first_given = first in names.given or first.split("-")[0] in names.given
    if first_given and second in names.surnames and not (first in names.common and second in names.common):
        return True
    if first in names.strong_given and second not in names.common:
        return True
    return second in names.strong_surnames and first not in names.common


def _second_word(text: str, end: int) -> re.Match | None:
    following = _NEXT_NAME_WORD.match(text, end)
    if following is None:
        return None
    word = _NAME_WORD_RE.match(text, following.start(1))
    return word if word is not None and is_name_word(text, word) else None


def _run_end(text: str, word: re.Match) -> int | None:
    """End of up to three name-shaped words that are no everyday words, from word."""
    end = None
    for _ in range(3):
        if not is_plausible_name(name_key(word.group())):
            break
        end = word.end()
        word = _second_word(text, end)
        if word is None:
            break
    return end


def running_name_candidates(text: str, capitalised: list[int]) -> Iterator[Span]:
    names = lexicon()
    ages = _AGE_NEEDS.search(text) is not None
    for position in capitalised:
        if position and text[position - 1] in "-'’":
            continue
        word = _NAME_WORD_RE.match(text, position)
        if word is None:
            continue
        key = name_key(word.group())
        known = _is_known(key)
        if not (known or ages) and key in names.common:
            continue
        if not is_name_word(text, word) or key.startswith(("saint-", "sainte-", "st-", "ste-")):
            continue
        if not known and key in names.places:
            continue
        second = _second_word(text, word.end())
        if second is not None and _is_pair(key, name_key(second.group())):
            yield position, second.end()
            continue
        if not known and not ages:
            continue
        if _is_strong(key) or (known and _SPEECH_VERB.match(text, word.end())):
            yield word.span()
        elif known and key not in names.common and _PERSON_VERB.match(text, word.end()):
            # "Pat has", "Grace was" would be too: only a name that is no everyday word.
            yield word.span()
        elif ages and (end := _run_end(text, word)) is not None and _AGE_AFTER.match(text, end):
            yield position, end
