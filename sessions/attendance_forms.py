"""Forms for a session's attendance: a coordinator adjusting or confirming minutes, a member claiming
theirs, and the upload of a participant report from the video platform."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from echo_hub.accounts.models import User
from echo_hub.lib.forms import typed_id

from .zoom import read_report

MAX_EMAIL_LENGTH = 254


class MemberField(forms.ModelChoiceField):
    """A program member typed by email (or given by id): a select of every member of a program
    of thousands would weigh a megabyte and take a second to render."""

    widget = forms.EmailInput(attrs={"autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if "\x00" in value or len(value) > MAX_EMAIL_LENGTH:
            # PostgreSQL refuses NUL in a query; no address is that long.
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        pk = typed_id(value)
        lookup = {"pk": pk} if pk is not None else {"email__iexact": value}
        try:
            return self.queryset.get(**lookup)
        except (self.queryset.model.DoesNotExist, self.queryset.model.MultipleObjectsReturned):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def prepare_value(self, value):
        return value.email if isinstance(value, User) else value


class AdjustAttendanceForm(forms.Form):
    user = MemberField(
        queryset=User.objects.none(), label=_("Person's email"), help_text=_("As on the roster above.")
    )
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=24 * 60, help_text=_("Minutes attended.")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("Kept with the change for accreditation audits.")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members


class ConfirmAttendanceForm(forms.Form):
    """Confirm one member's provisional attendance, or everyone's when `user` is empty."""

    user = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    correction_reason = forms.CharField(max_length=300, required=False)


class AttendanceClaimForm(forms.Form):
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, label=_("Minutes you attended"))
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("For example “joined by phone from the clinic's room”."),
    )


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Participant report (CSV)"),
        help_text=_(
            "Zoom: Reports › Usage › Participants › Export. UTF-8, UTF-16 or Windows text, at most 2 MB."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        self.filename = upload.name[:100]
        return read_report(upload)
