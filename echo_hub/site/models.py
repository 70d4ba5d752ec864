from django.conf import settings
from django.db import models

from sessions.models import Cycle, Program


class ReportExport(models.Model):
    """A program report a coordinator asked for as a PDF: a worker renders it after the
    request (echo_hub/lib/renders.py tries again and gives up the same way as for letters),
    and the file is read only through a view that checks the reader coordinates the program."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="report_exports")
    # The report's scope, as chosen on the report page.
    cycle = models.ForeignKey(Cycle, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="reports/", blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    next_render_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_render_at"], name="report_export_render_due")]

    def __str__(self) -> str:
        return f"Report of {self.program} asked for at {self.created_at:%Y-%m-%d %H:%M}"
