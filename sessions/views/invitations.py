from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.accounts.mfa import resume_after_setup
from echo_hub.lib.pagination import paginate

from .. import invitations, selectors
from ..models import Invitation
from ..permissions import get_invitation_for_coordinator, get_program_for_coordinator

# Refusals about who is signed in: the page offers to sign out, or to confirm the address.
_ADDRESS_CODES = {"wrong_address", "unverified"}


def _entrance_url(invitation: Invitation, path: str) -> str:
    """Sign-in for an address that has an account, sign-up otherwise; both come back here."""
    name = "account_login" if selectors.account_exists(invitation.email) else "account_signup"
    return f"{reverse(name)}?{urlencode({'next': path, 'email': invitation.email})}"


def _refusal_page(request, invitation: Invitation, refusal: ValidationError):
    template = "other_address" if refusal.code in _ADDRESS_CODES else "closed"
    return render(
        request,
        f"sessions/invitation_{template}.html",
        {"invitation": invitation, "program": invitation.program, "refusal": refusal},
    )


def _accept(request, invitation: Invitation):
    try:
        invitations.accept_invitation(invitation=invitation, user=request.user)
    except ValidationError as exc:
        if exc.code != "mfa_required":
            return _refusal_page(request, invitation, exc)
        resume_after_setup(request, request.path)
        messages.info(
            request,
            gettext("%(problem)s You will come back to the invitation afterwards.")
            % {"problem": exc.messages[0]},
        )
        return redirect("mfa_activate_totp")
    messages.success(request, gettext("Welcome to %(program)s.") % {"program": invitation.program.name})
    return redirect(invitation.program)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("program", "invited_by"), token=token)
    closed = invitations.closed_reason(invitation)
    if closed is not None:
        return _refusal_page(request, invitation, closed)
    if not request.user.is_authenticated:
        return redirect(_entrance_url(invitation, request.path))
    if request.method == "POST":
        return _accept(request, invitation)
    refusal = invitations.refusal_for(invitation, request.user)
    if refusal is not None and refusal.code != "mfa_required":
        return _refusal_page(request, invitation, refusal)
    return render(
        request,
        "sessions/invitation_accept.html",
        {"invitation": invitation, "program": invitation.program, "needs_authenticator": refusal is not None},
    )


@login_required
@require_http_methods(["GET"])
def manage_invitations(request, slug):
    program = get_program_for_coordinator(request.user, slug)
    page = paginate(request, selectors.open_invitations(program))
    return render(request, "sessions/manage/invitations.html", {"program": program, "page": page})


@login_required
@require_POST
def invitation_resend(request, slug, pk):
    invitation = get_invitation_for_coordinator(request.user, slug, pk)
    try:
        invitations.resend_invitation(invitation=invitation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("The invitation is sent again to %(email)s; the earlier link no longer works.")
            % {"email": invitation.email},
        )
    return redirect("sessions:manage_invitations", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, slug, pk):
    invitation = get_invitation_for_coordinator(request.user, slug, pk)
    if request.method == "POST":
        try:
            invitations.revoke_invitation(invitation=invitation, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("The invitation of %(email)s is revoked: its link no longer works.")
                % {"email": invitation.email},
            )
        return redirect("sessions:manage_invitations", slug=slug)
    return render(
        request,
        "sessions/manage/invitation_revoke.html",
        {"invitation": invitation, "program": invitation.program},
    )
