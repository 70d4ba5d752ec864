from django import forms

from echo_hub.lib.text import normalize_name

from .models import User, time_zone_choices


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


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label="I understand that I can no longer sign in and that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm that you want to close your account."},
    )
