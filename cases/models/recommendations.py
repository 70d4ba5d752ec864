"""The hub's answer to a case: the experts' recommendations under the form's headings, and
the letter that prints them once a coordinator finalizes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.text import BoundedTextField
from sessions.models import Session

from .case import LONG_TEXT, Case


class RecommendationHeading(models.TextChoices):
    """The chronic pain form's headings (cases/caseforms/templates_pain.py); other forms have
    their own, and `Recommendation.heading` is a key of the case's form version."""

    DIFFERENTIAL = "differential", _("Differential diagnosis")
    INVESTIGATIONS = "investigations", _("Investigations")
    REFERRALS = "referrals", _("Referrals")
    NON_PHARM = "non_pharm", _("Non-pharmacological management")
    PHARM_NON_OPIOID = "pharm_non_opioid", _("Pharmacological management (non-opioid)")
    OPIOID = "opioid", _("Opioid management")
    INTERVENTIONAL = "interventional", _("Interventional")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    OTHER = "other", _("Other")


class Recommendation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    heading = models.CharField(max_length=20)
    text = BoundedTextField(max_length=LONG_TEXT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "author", "heading"], name="recommendation_once_per_heading"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.heading} by {self.author}"


class RecommendationLetter(models.Model):
    """The finalized recommendations, rendered once to PDF."""

    class Status(models.TextChoices):
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="letter")
    # The session the case was discussed in, fixed when the letter is finalized.
    session = models.ForeignKey(Session, null=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RENDERING)
    # The text the coordinator confirmed, heading by heading ({heading: text}): the PDF prints
    # this, not the experts' recommendations as they may be edited later. Empty for letters
    # finalized before it existed, which print the recommendations.
    final_text = models.JSONField(default=dict, blank=True)
    file = models.FileField(upload_to="letters/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalized_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Tries of the render so far and when the sweep makes the next (echo_hub/lib/renders.py).
    render_attempts = models.PositiveSmallIntegerField(default=0)
    next_render_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Letter for {self.case}"
