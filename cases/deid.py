"""The identifier guard lives in echo_hub.deid, below every app that checks free text
(cases, CPD evaluation comments); this name stays for the code that imports it from here."""

from echo_hub.deid import FIX_ADVICE, KIND_LABELS, Finding, explain, find_identifiers

__all__ = ["FIX_ADVICE", "KIND_LABELS", "Finding", "explain", "find_identifiers"]
