"""Find patient identifiers in a free-text case before it reaches the hub.

Covers the HIPAA Safe Harbor items that turn up in typed case presentations,
in their North American and Canadian forms: pattern rules, cue phrases ("her
husband Paul", "MRN 1234") and a small lexicon of common first names and
surnames; no models. Erring towards a flag is deliberate: a false alarm costs
the clinician a second look, a miss leaks a patient.
"""

import bisect

from .findings import FIX_ADVICE, KIND_LABELS, Finding, explain
from .names import _matches, _name_candidates
from .rules import _RULES
from .text import _TOKEN, Span

__all__ = ["FIX_ADVICE", "KIND_LABELS", "Finding", "explain", "find_identifiers"]


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
