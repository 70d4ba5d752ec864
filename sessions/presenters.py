"""Guest presenters: someone who gives a didactic without an account in ECHO Hub (a visiting
specialist, a person with lived experience). A session's presenter is a member or a guest."""

from django.db import models


class GuestPresenter(models.Model):
    program = models.ForeignKey(
        "echo_sessions.Program", on_delete=models.CASCADE, related_name="guest_presenters"
    )
    name = models.CharField(max_length=150)
    profession = models.CharField(max_length=100, blank=True, help_text="For example “Pharmacist, PharmD”.")
    affiliation = models.CharField(
        max_length=200, blank=True, help_text="For example “Kingston Health Sciences”."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name", "profession", "affiliation"],
                name="guest_presenter_once_per_program",
            )
        ]

    def __str__(self) -> str:
        return self.name_with_credentials

    @property
    def name_with_credentials(self) -> str:
        """As printed beside a didactic: name, profession and affiliation, the ones given."""
        return ", ".join(part for part in (self.name, self.profession, self.affiliation) if part)
