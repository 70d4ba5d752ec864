from django import forms
from django.utils.translation import gettext_lazy as _


class ZoomConnectionForm(forms.Form):
    """The credentials of a Server-to-Server OAuth app. Secrets are write-only: the form never
    shows them back, and leaving one blank keeps the one stored."""

    account_id = forms.CharField(label=_("Account ID"), max_length=100)
    client_id = forms.CharField(label=_("Client ID"), max_length=100)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    webhook_token = forms.CharField(
        label=_("Webhook secret token"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("From the app's Feature page, under Event Subscriptions."),
    )

    def __init__(self, *args, has_secrets: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if has_secrets:
            for name in ("client_secret", "webhook_token"):
                self.fields[name].help_text = _(
                    "A secret is stored. Leave blank to keep it, or enter a new one."
                )

    def _clean_id(self, name: str) -> str:
        value = self.cleaned_data[name].strip()
        if any(c.isspace() for c in value):
            raise forms.ValidationError(
                _("Copy it without spaces, exactly as the app's App Credentials page shows it.")
            )
        return value

    def clean_account_id(self) -> str:
        return self._clean_id("account_id")

    def clean_client_id(self) -> str:
        return self._clean_id("client_id")
