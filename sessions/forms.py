import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from echo_hub.accounts.models import User, time_zone_choices
from echo_hub.lib import timefmt

from .models import MAX_CASE_SLOTS, Cycle, Program, Role, Session, SessionMaterial
from .roster import parse_roster, read_roster
from .scheduling import MAX_SERIES_LENGTH

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProgramForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Sessions keep their wall-clock time in this zone."),
    )
    default_join_url = forms.URLField(
        label=_("Default join link"),
        required=False,
        assume_scheme="https",
        help_text=_("The videoconference link new sessions start with."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "summary",
            "description",
            "is_open_for_enrollment",
            "time_zone",
            "language",
            "default_weekday",
            "default_start_time",
            "default_duration_minutes",
            "didactic_minutes",
            "case_slots_per_session",
            "default_join_url",
            "attendance_threshold_percent",
            "evaluation_required",
            "provisional_attendance_earns_credit",
            "evaluation_window_days",
        ]
        widgets = {
            "default_start_time": TIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "name": _("Name"),
            "summary": _("Summary"),
            "description": _("Description"),
            "default_weekday": _("Default weekday"),
            "default_start_time": _("Default start time"),
            "default_duration_minutes": _("Session length (minutes)"),
            "didactic_minutes": _("Didactic length (minutes)"),
            "case_slots_per_session": _("Case slots per session"),
            "attendance_threshold_percent": _("Attendance needed for credits (%)"),
            "evaluation_required": _("Evaluation required"),
            "evaluation_window_days": _("Days to fill the evaluation"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        window = self.fields["evaluation_window_days"]
        window.required = False
        self.fields["language"].required = False
        window.error_messages |= {
            "min_value": _("Give participants at least 1 day to fill the evaluation."),
            "max_value": _("An evaluation can stay open at most 365 days."),
        }

    def clean_evaluation_window_days(self) -> int:
        # Left empty (an older form, a script): the program keeps its current window.
        days = self.cleaned_data.get("evaluation_window_days")
        return days if days is not None else self.instance.evaluation_window_days

    def clean_language(self) -> str:
        # Left out (an older form, a script): the program keeps its language.
        return self.cleaned_data.get("language") or self.instance.language

    def clean(self):
        cleaned = super().clean()
        duration = cleaned.get("default_duration_minutes")
        didactic = cleaned.get("didactic_minutes")
        if duration and didactic is not None and didactic >= duration:
            self.add_error("didactic_minutes", _("The didactic must be shorter than the whole session."))
        return cleaned


def cycle_label(cycle: Cycle) -> str:
    end = date_format(cycle.end_date, "j M Y") if cycle.end_date else gettext("no end date")
    return f"{cycle.name} ({date_format(cycle.start_date, 'j M Y')} – {end})"


def session_label(session: Session) -> str:
    """A session in a select: its title and when it starts, in the viewer's zone."""
    return f"{session.title} · {timefmt.date_time(session.starts_at)}"


class CycleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("For example “Fall 2026”."))
    start_date = forms.DateField(label=_("Start date"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("End date"), widget=DATE_INPUT, required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The cycle must end on or after its start date."))
        return cleaned


def _parse_dates(raw: str) -> list[date]:
    dates, bad = [], []
    for token in re.split(r"[\s,;]+", raw.strip()):
        if not token:
            continue
        try:
            dates.append(date.fromisoformat(token))
        except ValueError:
            bad.append(token)
    if bad:
        raise ValidationError(
            _("Write each date as YYYY-MM-DD (for example 2026-12-23). Not understood: %(dates)s.")
            % {"dates": ", ".join(bad)}
        )
    return dates


class ScheduleForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Cycle"), queryset=Cycle.objects.none(), required=False, empty_label=_("No cycle")
    )
    first_date = forms.DateField(
        label=_("First date"), widget=DATE_INPUT, help_text=_("The series repeats on this date's weekday.")
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    count = forms.IntegerField(label=_("Number of sessions"), min_value=1, max_value=MAX_SERIES_LENGTH)
    skip_dates = forms.CharField(
        label=_("Dates to skip"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2026-12-23\n2026-12-30"}),
        help_text=_("Holidays and breaks, one date per line as YYYY-MM-DD."),
    )

    record_past = forms.BooleanField(
        label=_("Record a past session"),
        required=False,
        help_text=_("Only for sessions that already took place, to enter their attendance afterwards."),
    )
    extend_cycle = forms.BooleanField(
        label=_("Extend the cycle"),
        required=False,
        help_text=_("Move the cycle's start or end date so that it holds these sessions."),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.fields["cycle"].queryset = program.cycles.all()
        self.fields["cycle"].label_from_instance = cycle_label
        self.fields["count"].help_text = gettext(
            "1 to %(max)s. Skipped dates do not count: the series runs longer."
        ) % {"max": MAX_SERIES_LENGTH}
        self.fields["start_time"].help_text = gettext(
            "Local time in %(zone)s; kept across daylight saving."
        ) % {"zone": program.time_zone}
        self.initial.setdefault("start_time", program.default_start_time)
        self.initial.setdefault("duration_minutes", program.default_duration_minutes)
        self.initial.setdefault("count", 16)

    def clean_skip_dates(self) -> list[date]:
        return _parse_dates(self.cleaned_data["skip_dates"])


class SessionForm(forms.ModelForm):
    join_url = forms.URLField(label=_("Join link"), required=False, assume_scheme="https")

    class Meta:
        model = Session
        fields = [
            "title",
            "didactic_topic",
            "presenter",
            "learning_objectives",
            "join_url",
            "case_slots",
            "accreditation_id",
        ]
        widgets = {"learning_objectives": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "title": _("Title"),
            "didactic_topic": _("Didactic topic"),
            "presenter": _("Presenter"),
            "learning_objectives": _("Learning objectives"),
        }
        help_texts = {
            "accreditation_id": _(
                "The ID the certifying body gave this session (for example the Mainpro+ "
                "session ID). Printed on its certificates and in the accreditation exports."
            ),
        }

    def clean_accreditation_id(self) -> str:
        return " ".join(self.cleaned_data["accreditation_id"].split())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = User.objects.filter(
            enrollments__program=self.instance.program,
            enrollments__status="approved",
            enrollments__role__in=[Role.EXPERT, Role.COORDINATOR],
        ).order_by("full_name", "email")
        self.fields["presenter"].empty_label = gettext("Not yet chosen")
        self.fields["case_slots"].help_text = gettext("0 to %(max)s cases can be presented.") % {
            "max": MAX_CASE_SLOTS
        }
        guest = self.instance.guest_presenter if self.instance.guest_presenter_id else None
        self.fields["presenter"].help_text = (
            gettext("Now a guest: %(guest)s. Choosing a member here replaces the guest.")
            % {"guest": guest.name_with_credentials}
            if guest
            else gettext("For a guest presenter without an account, use the cycle's curriculum table.")
        )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Members see this, for example “Statutory holiday”."),
    )


class RescheduleForm(forms.Form):
    new_date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    new_start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=15, max_value=480)
    record_past = forms.BooleanField(
        label=_("Record a past session"),
        required=False,
        help_text=_("Only when the session already took place at that earlier time."),
    )
    extend_cycle = forms.BooleanField(
        label=_("Extend the cycle"),
        required=False,
        help_text=_("Move the cycle's start or end date so that it holds the new date."),
    )

    def __init__(self, *args, session: Session, **kwargs):
        super().__init__(*args, **kwargs)
        zone = session.program.zone
        local = session.starts_at.astimezone(zone)
        self.fields["new_start_time"].help_text = gettext("Local time in %(zone)s.") % {"zone": zone.key}
        self.initial.setdefault("new_date", local.date())
        self.initial.setdefault("new_start_time", local.time())
        self.initial.setdefault("duration_minutes", session.duration_minutes)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Optional; the person sees it in the email."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "dr.lee@clinic.example\nnp.martin@fht.example"}
        ),
        help_text=_("One or more, separated by commas or new lines (at most 50)."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.PARTICIPANT)

    def clean_emails(self) -> list[str]:
        tokens = [t for t in re.split(r"[\s,;]+", self.cleaned_data["emails"].strip()) if t]
        bad = []
        for token in tokens:
            try:
                validate_email(token)
            except ValidationError:
                bad.append(token)
        if bad:
            raise ValidationError(_("Not valid email addresses: %(emails)s.") % {"emails": ", ".join(bad)})
        unique = list(dict.fromkeys(t.lower() for t in tokens))
        if not unique:
            raise ValidationError(_("Enter at least one email address."))
        if len(unique) > 50:
            raise ValidationError(_("Invite at most 50 people at a time, or import a roster CSV."))
        return unique


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster CSV"),
        help_text=_("Columns: email, full_name, profession, organization. UTF-8, at most 1 MB."),
    )

    def clean_file(self) -> str:
        text = read_roster(self.cleaned_data["file"])
        self.report = parse_roster(text)
        return text


class SlidesForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For example “Tapering opioids safely — slides”.")
    )
    file = forms.FileField(
        label=_("Slides (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("Export your slides as PDF first. Only members of the program can download them."),
    )


class MaterialSearchForm(forms.Form):
    q = forms.CharField(label=_("Words in the title or the didactic topic"), max_length=200, required=False)


class LinkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (SessionMaterial.Kind.RECORDING, _("Recording of the session")),
            (SessionMaterial.Kind.REFERENCE, _("Reference (article, guideline, tool)")),
        ],
    )
    title = forms.CharField(
        max_length=200, label=_("Label"), help_text=_("What people see, e.g. “CDC 2022 guideline”.")
    )
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A secure link starting with https://."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if not url.startswith("https://"):
            raise ValidationError(_("Use a secure link that starts with https://."))
        return url
