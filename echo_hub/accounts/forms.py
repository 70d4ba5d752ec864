from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from echo_hub.lib.text import normalize_name

from .models import User, time_zone_choices


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
        choices=time_zone_choices, help_text="Session times are shown in this zone."
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
        ]
        help_texts = {
            "full_name": "As it should appear on your CPD certificates.",
            "organization": "Your clinic, hospital or community site.",
            "community_type": "Where most of your patients live.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("full_name", "profession", "organization", "community_type"):
            self.fields[name].required = True

    def clean_full_name(self) -> str:
        return normalize_name(self.cleaned_data["full_name"])

    def clean_credentials(self) -> str:
        return normalize_name(self.cleaned_data["credentials"])
