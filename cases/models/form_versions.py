"""A program's case form and its versions: which fields and recommendation headings the
program's cases are written with. A version is never changed once written, so each case keeps
the form it was submitted with."""

from django.conf import settings
from django.db import models

from sessions.models import Program


class CaseForm(models.Model):
    """A program's case form: which of its versions new cases are written with."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="case_form")
    current = models.ForeignKey(
        "CaseFormVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Case form of {self.program}"


class CaseFormVersion(models.Model):
    """One version of a program's case form, never changed once written: each case keeps the
    version it was written with, so a later change of the form leaves it as it was submitted.
    `definition` holds the sections (cases/caseforms/definition.py), `headings` the
    recommendation headings, [{"key", "label"}]."""

    case_form = models.ForeignKey(CaseForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    headings = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_form", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case_form", "number"], name="caseformversion_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case_form.program} form, version {self.number}"

    @property
    def full_definition(self) -> dict:
        return {**self.definition, "headings": self.headings}
