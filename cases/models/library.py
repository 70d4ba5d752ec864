"""The case library's labels: a coordinator's tags for past cases, so members find the
ones on a topic."""

from django.db import models
from django.db.models.functions import Lower

from sessions.models import Program

from .case import Case


class CaseTag(models.Model):
    """A coordinator's label for past cases in the library, e.g. “tapering” or “buprenorphine switch”."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="case_tags")
    name = models.CharField(max_length=40)
    # Declared here rather than on Case so the case model stays as it is; `case.tags` reads the same.
    cases = models.ManyToManyField(Case, blank=True, related_name="tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("program", Lower("name"), name="casetag_name_unique_in_program"),
        ]

    def __str__(self) -> str:
        return self.name
