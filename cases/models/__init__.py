"""The cases app's models, one submodule per topic: the case form and its versions, the case
itself and the choices of its fields, what a presenter adds to it, its way through the hub,
the hub's recommendations and letter, and the library's tags. Import them from here: Django
finds the models through this package."""

from .case import (
    COMMENT_TEXT,
    LONG_TEXT,
    QUESTION_TEXT,
    AgeBand,
    Case,
    Consent,
    LibraryScreening,
    SexGender,
    UdsRecency,
    UdsResult,
)
from .contents import DRUG_LABELS, CaseAttachment, FollowUp, Medication
from .form_versions import CaseForm, CaseFormVersion
from .library import CaseTag
from .recommendations import Recommendation, RecommendationHeading, RecommendationLetter
from .workflow import CaseEvent, CaseSlot, IdentifierOverride

__all__ = [
    "COMMENT_TEXT",
    "DRUG_LABELS",
    "LONG_TEXT",
    "QUESTION_TEXT",
    "AgeBand",
    "Case",
    "CaseAttachment",
    "CaseEvent",
    "CaseForm",
    "CaseFormVersion",
    "CaseSlot",
    "CaseTag",
    "Consent",
    "FollowUp",
    "IdentifierOverride",
    "LibraryScreening",
    "Medication",
    "Recommendation",
    "RecommendationHeading",
    "RecommendationLetter",
    "SexGender",
    "UdsRecency",
    "UdsResult",
]
