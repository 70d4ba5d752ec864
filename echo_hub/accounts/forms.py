from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from echo_hub.lib.text import normalize_name

from .models import User, time_zone_choices

MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]
IDENTIFIER_FIELDS = (
    "licensing_body",
    "licence_number",
    "cfpc_number",
    "npi",
    "birth_month",
    "birth_day",
    "nabp_eprofile_id",
)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, with the address filled in from `?email=` (an invitation sends
    people here with theirs, as sign-up already does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.request.GET.get("email", "") if self.request is not None and not self.is_bound else ""
        try:
            validate_email(email)
        except ValidationError:
            return
        self.fields["login"].initial = email


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, label=_("Time zone"), help_text=_("Session times are shown in this zone.")
    )
    birth_month = forms.TypedChoiceField(
        label=_("Birth month"),
        choices=[("", _("Not given")), *MONTHS],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "With the day: the ACCME matches US physicians' credits to their board record on "
            "these. No year is asked."
        ),
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "profession",
            "credentials",
            "organization",
            "community_type",
            "time_zone",
            "language",
            "daily_digest",
            *IDENTIFIER_FIELDS,
        ]
        labels = {
            "full_name": _("Full name"),
            "profession": _("Profession"),
            "credentials": _("Credentials"),
            "organization": _("Organization or site"),
            "community_type": _("Community type"),
            "language": _("Language"),
            "licensing_body": _("Licensing body"),
            "licence_number": _("Licence number"),
            "cfpc_number": _("CFPC member number"),
            "npi": _("NPI"),
            "birth_day": _("Birth day"),
            "nabp_eprofile_id": _("NABP e-Profile ID"),
        }
        widgets = {"birth_day": forms.NumberInput(attrs={"min": 1, "max": 31})}
        help_texts = {
            "licence_number": _("As on your licence from the body above."),
            "birth_day": _("Day of the month, 1 to 31."),
            "full_name": _("As it should appear on your CPD certificates."),
            "organization": _("Your clinic, hospital or community site."),
            "community_type": _("Where most of your patients live."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "profession", "organization", "community_type"):
            self.fields[name].required = True

    def clean_full_name(self) -> str:
        return normalize_name(self.cleaned_data["full_name"])

    def clean_credentials(self) -> str:
        return normalize_name(self.cleaned_data["credentials"])

    def clean_licensing_body(self) -> str:
        return normalize_name(self.cleaned_data["licensing_body"])

    def clean_licence_number(self) -> str:
        return "".join(self.cleaned_data["licence_number"].split())

    def clean_npi(self) -> str:
        return "".join(self.cleaned_data["npi"].split())

    def clean_cfpc_number(self) -> str:
        return "".join(self.cleaned_data["cfpc_number"].split())

    def clean_nabp_eprofile_id(self) -> str:
        return "".join(self.cleaned_data["nabp_eprofile_id"].split())

    def main_fields(self):
        return [self[name] for name in self.fields if name not in IDENTIFIER_FIELDS]

    def identifier_fields(self):
        return [self[name] for name in IDENTIFIER_FIELDS]
