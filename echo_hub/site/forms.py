from django import forms


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
