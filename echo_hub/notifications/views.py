from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .kinds import OPTIONAL_KINDS
from .services import muted_kinds, read_unsubscribe_token, set_muted_kinds

User = get_user_model()


class PreferencesForm(forms.Form):
    def __init__(self, *args, muted: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in OPTIONAL_KINDS.items():
            self.fields[kind] = forms.BooleanField(label=_(label), required=False, initial=kind not in muted)

    def muted(self) -> list[str]:
        return [kind for kind in OPTIONAL_KINDS if not self.cleaned_data[kind]]


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST or None, muted=muted_kinds(request.user))
    if request.method == "POST" and form.is_valid():
        set_muted_kinds(user=request.user, kinds=form.muted())
        messages.success(request, _("Your email preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# Mail clients send RFC 8058 one-click unsubscribes as a bare POST: the signed token,
# not a CSRF cookie, proves the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("This unsubscribe link is not valid.") from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or kind not in OPTIONAL_KINDS:
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        set_muted_kinds(user=user, kinds=muted_kinds(user) | {kind})
        return render(request, "notifications/unsubscribed.html", {"label": _(OPTIONAL_KINDS[kind])})
    return render(
        request, "notifications/unsubscribe.html", {"label": _(OPTIONAL_KINDS[kind]), "token": token}
    )
