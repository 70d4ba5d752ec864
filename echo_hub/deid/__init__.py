"""Find patient identifiers in a free-text case before it reaches the hub.

Covers the HIPAA Safe Harbor items that turn up in typed case presentations, in English and
French and in their North American and Canadian forms: pattern rules, cue phrases ("her
husband Paul", "MRN 1234", "née le 14 mars 1962"), and word lists shipped in data/ (given
names and surnames, Canadian and US places) read with context rules; no models. Erring
towards a flag is deliberate: a false alarm costs the clinician a second look, a miss leaks
a patient.
"""

import bisect

from .employers import employer_candidates
from .findings import FIX_ADVICE, KIND_LABELS, Finding, Vouch, explain, snippet_key, unvouched
from .names import cued_name_candidates
from .places import place_candidates
from .rules import _RULES
from .rules_fr import RULES_FR
from .running import running_name_candidates
from .text import _TOKEN, Span, _matches

_ALL_RULES = [*_RULES, *RULES_FR]

__all__ = [
    "FIX_ADVICE",
    "KIND_LABELS",
    "Finding",
    "Vouch",
    "explain",
    "find_identifiers",
    "snippet_key",
    "unvouched",
]


def find_identifiers(text: str) -> list[Finding]:
    """Identifiers in text, sorted by position; where candidates overlap, the longest wins."""
    if not text:
        return []
    words: dict[str, list[int]] = {}
    tokens: list[Span] = []
    capitalised: list[int] = []
    for index, token in enumerate(_TOKEN.finditer(text)):
        value = token.group()
        words.setdefault(value.lower(), []).append(token.start())
        tokens.append(token.span())
        if value[0].isupper():
            capitalised.append(index)

    candidates: list[tuple[int, int, int, str]] = []
    for rank, rule in enumerate(_ALL_RULES):
        if rule.needs is not None and rule.needs.search(text) is None:
            continue
        for match in _matches(rule.pattern, rule.triggers, text, words):
            span: Span | None = match.span(rule.group)
            if rule.check is not None:
                span = rule.check(text, match, *span)
            if span is not None and span[0] < span[1]:
                candidates.append((span[0], span[1], rank, rule.kind))
    rank = len(_ALL_RULES)
    starts = [tokens[index][0] for index in capitalised]
    for kind, spans in (
        ("employer", employer_candidates(text, words)),
        ("place", place_candidates(text, words, tokens, capitalised)),
        ("name", cued_name_candidates(text, words)),
        ("name", running_name_candidates(text, starts)),
    ):
        rank += 1
        candidates.extend((start, end, rank, kind) for start, end in spans)

    # Longest first, then rule order; a candidate overlapping one already chosen is dropped.
    chosen_starts: list[int] = []
    chosen: list[tuple[int, int, str]] = []
    for start, end, _rank, kind in sorted(candidates, key=lambda c: (c[0] - c[1], c[2], c[0])):
        index = bisect.bisect_left(chosen_starts, start)
        if index > 0 and chosen[index - 1][1] > start:
            continue
        if index < len(chosen) and chosen[index][0] < end:
            continue
        chosen_starts.insert(index, start)
        chosen.insert(index, (start, end, kind))
    return [Finding(kind=kind, start=start, end=end, text=text[start:end]) for start, end, kind in chosen]
