"""Morphine milligram equivalents (MME) per day.

Conversion factors are those of the table "Morphine milligram equivalent doses for
commonly prescribed opioids for pain management" in: Dowell D, Ragan KR, Jones CM,
Baldwin GT, Chou R. CDC Clinical Practice Guideline for Prescribing Opioids for
Pain — United States, 2022. MMWR Recomm Rep 2022;71(No. RR-3):1–95.

All doses are in mg/day except transdermal fentanyl, whose dose is the patch
strength in mcg/h. The table covers oral opioids and the fentanyl patch only, so
parenteral, buccal, nasal and sublingual forms get no factor. Buprenorphine is left
out of the table on purpose (a partial agonist; its MME would mislead), so it has
a drug key but no factor. An MME is a risk marker, never a dose for switching
opioids.
"""

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MME_CAUTION = 50
MME_HIGH = 90

_FACTORS: dict[str, Decimal] = {
    "codeine": Decimal("0.15"),
    "fentanyl_transdermal": Decimal("2.4"),
    "hydrocodone": Decimal("1"),
    "hydromorphone": Decimal("5"),
    # The 2022 guideline replaced the 2016 dose-tiered methadone factors with one.
    "methadone": Decimal("4.7"),
    "morphine": Decimal("1"),
    "oxycodone": Decimal("1.5"),
    "oxymorphone": Decimal("3"),
    "tapentadol": Decimal("0.4"),
    "tramadol": Decimal("0.2"),
}

DRUG_CHOICES: list[tuple[str, object]] = [
    ("codeine", gettext_lazy("Codeine")),
    ("fentanyl_transdermal", gettext_lazy("Fentanyl patch (mcg/h)")),
    ("hydrocodone", gettext_lazy("Hydrocodone")),
    ("hydromorphone", gettext_lazy("Hydromorphone")),
    ("methadone", gettext_lazy("Methadone")),
    ("morphine", gettext_lazy("Morphine")),
    ("oxycodone", gettext_lazy("Oxycodone")),
    ("oxymorphone", gettext_lazy("Oxymorphone")),
    ("tapentadol", gettext_lazy("Tapentadol")),
    ("tramadol", gettext_lazy("Tramadol")),
    ("buprenorphine", gettext_lazy("Buprenorphine (no MME factor)")),
    ("other", gettext_lazy("Other (no MME factor)")),
]

# One-word names, generic or brand; a bare "fentanyl" means the patch, the only
# fentanyl form in the table.
_NAMES: dict[str, str] = {
    **{key: key for key, _label in DRUG_CHOICES},
    "fentanyl": "fentanyl_transdermal",
    "duragesic": "fentanyl_transdermal",
    "oxycontin": "oxycodone",
    "oxyneo": "oxycodone",
    "percocet": "oxycodone",
    "endocet": "oxycodone",
    "roxicodone": "oxycodone",
    "supeudol": "oxycodone",
    "dilaudid": "hydromorphone",
    "hydromorph": "hydromorphone",
    "jurnista": "hydromorphone",
    "exalgo": "hydromorphone",
    "kadian": "morphine",
    "statex": "morphine",
    "doloral": "morphine",
    "ultram": "tramadol",
    "tramacet": "tramadol",
    "zytram": "tramadol",
    "ralivia": "tramadol",
    "durela": "tramadol",
    "tridural": "tramadol",
    "nucynta": "tapentadol",
    "metadol": "methadone",
    "methadose": "methadone",
    "vicodin": "hydrocodone",
    "norco": "hydrocodone",
    "hycodan": "hydrocodone",
    "opana": "oxymorphone",
    "butrans": "buprenorphine",
    "suboxone": "buprenorphine",
    "belbuca": "buprenorphine",
    "sublocade": "buprenorphine",
    "subutex": "buprenorphine",
    "zubsolv": "buprenorphine",
}

# Brand names of more than one word; numbers in them must be read before doses are dropped.
_PHRASES: dict[tuple[str, ...], str] = {
    ("ms", "contin"): "morphine",
    ("m", "eslon"): "morphine",
    ("tylenol", "with", "codeine"): "codeine",
    **{("tylenol", n): "codeine" for n in ("1", "2", "3", "4")},
    **{("tylenol", "no", n): "codeine" for n in ("1", "2", "3", "4")},
}

_SALTS = {"sulfate", "sulphate", "hcl", "hydrochloride", "bitartrate", "tartrate", "citrate", "phosphate"}
_RELEASE = {"sr", "er", "cr", "xl", "xr", "ir", "la", "contin", "immediate", "extended", "controlled"}
_RELEASE_WORDS = {"sustained", "modified", "slow", "long", "short", "acting", "release"}
_FORMS = {"tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "oral", "po"}
_LIQUIDS = {"solution", "syrup", "liquid", "elixir", "suspension", "drops"}
_PATCHES = {"patch", "patches", "transdermal"}
# Non-opioid partners in combination products, and the words that join them.
_ANALGESIC_PARTNERS = {"acetaminophen", "paracetamol", "apap", "tylenol", "asa", "aspirin", "ibuprofen"}
_OTHER_PARTNERS = {"caffeine", "naloxone", "homatropine"}
_JOINERS = {"with", "and", "plus", "w"}
_UNITS = {"mg", "mcg", "ug", "g", "h", "hr", "hrs", "hour", "per", "day", "daily"}
_IGNORED = frozenset().union(
    _SALTS,
    _RELEASE,
    _RELEASE_WORDS,
    _FORMS,
    _LIQUIDS,
    _PATCHES,
    _ANALGESIC_PARTNERS,
    _OTHER_PARTNERS,
    _JOINERS,
    _UNITS,
)

# Routes the table has no factor for: a buccal fentanyl dose is mcg, not mcg/h, and
# parenteral opioids are several times as potent as oral ones.
_MUCOSAL = {"buccal", "nasal", "intranasal", "spray", "sublingual", "sl", "lozenge", "lollipop"}
_PARENTERAL = {"iv", "intravenous", "injection", "injectable", "inj", "infusion", "parenteral", "pca"}
_PARENTERAL_SITES = {"subcutaneous", "subcut", "sc", "sq", "im", "intramuscular", "intrathecal", "epidural"}
_UNSUPPORTED_ROUTES = frozenset().union(_MUCOSAL, _PARENTERAL, _PARENTERAL_SITES)

_NUMBER = re.compile(r"\d+(?:\.\d+)?[a-z]*")


def _tokens(drug: str) -> list[str]:
    words = re.sub(r"[^a-z0-9.]+", " ", drug.casefold()).split()
    return [word.strip(".") for word in words if word.strip(".")]


def _replace_phrases(tokens: list[str]) -> list[str]:
    for phrase, key in _PHRASES.items():
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            if tuple(tokens[start : start + size]) == phrase:
                return [*tokens[:start], key, *_replace_phrases(tokens[start + size :])]
    return tokens


def normalize_drug(drug: str) -> str | None:
    """The key in DRUG_CHOICES for a generic or brand name, or None when the
    name is unknown, names two opioids, or gives a route the table does not cover."""
    if not isinstance(drug, str):
        return None
    tokens = _replace_phrases(_tokens(drug))
    routes = _UNSUPPORTED_ROUTES.intersection(tokens)
    names = [t for t in tokens if t not in _IGNORED and t not in routes and not _NUMBER.fullmatch(t)]
    if not names or any(name not in _NAMES for name in names):
        return None
    keys = {_NAMES[name] for name in names}
    if len(keys) != 1:
        return None
    key = keys.pop()
    return None if routes and key in _FACTORS else key


def daily_mme(drug: str, daily_dose: float) -> float | None:
    """MME per day, rounded half-up to one decimal; None when the drug has no
    factor or the dose is not a finite, non-negative number."""
    factor = _FACTORS.get(normalize_drug(drug) or "")
    if factor is None or isinstance(daily_dose, bool):
        return None
    try:
        dose = float(daily_dose)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(dose) or dose < 0:
        return None
    mme = factor * Decimal(repr(dose))
    return float(mme.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def mme_level(total: float | None) -> str:
    if total is None or math.isnan(total):
        return "none"
    if total >= MME_HIGH:
        return "at_or_above_90"
    if total >= MME_CAUTION:
        return "at_or_above_50"
    return "below_50"


@dataclass(frozen=True)
class PrescribingWarning:
    """A safety flag the letter prints and the case page shows: `headline` is the letter's own
    words; `advice` says what the hub will look at."""

    level: str  # "danger" or "warning", as Bootstrap's alert colours
    headline: str
    advice: str


def is_opioid(drug: str) -> bool:
    """Whether a medication row's drug key names an opioid (buprenorphine too, MME or not)."""
    return drug in _NAMES and drug != "other"


def prescribing_warnings(
    *, total_mme: float | Decimal | None, benzodiazepine: bool, drugs: Iterable[str] = ()
) -> list[PrescribingWarning]:
    """The flags of a case's current medications, most serious first: a high daily MME (the
    letter's thresholds, MME_HIGH and MME_CAUTION) and a co-prescribed benzodiazepine or other
    sedative, which with an opioid raises the risk of fatal respiratory depression."""
    warnings = []
    level = mme_level(float(total_mme) if total_mme is not None else None)
    if level == "at_or_above_90":
        warnings.append(
            PrescribingWarning(
                "danger",
                _("At or above %(mme)s MME/day.") % {"mme": MME_HIGH},
                _(
                    "High-dose opioid therapy: review benefits, risks and tapering options, and offer naloxone."
                ),
            )
        )
    elif level == "at_or_above_50":
        warnings.append(
            PrescribingWarning(
                "warning",
                _("At or above %(mme)s MME/day.") % {"mme": MME_CAUTION},
                _("Increased overdose risk: consider naloxone and closer monitoring."),
            )
        )
    if benzodiazepine:
        with_opioid = any(is_opioid(drug) for drug in drugs)
        warnings.append(
            PrescribingWarning(
                "danger" if with_opioid else "warning",
                _("A benzodiazepine or other sedative is co-prescribed."),
                _(
                    "Together with an opioid it raises the risk of fatal overdose: avoid the combination "
                    "where possible, taper one of them, and offer naloxone."
                )
                if with_opioid
                else _(
                    "No opioid is listed: check whether one is taken, as the combination raises the "
                    "risk of fatal overdose."
                ),
            )
        )
    return warnings
