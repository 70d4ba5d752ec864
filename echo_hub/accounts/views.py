from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from echo_hub.lib.urls import absolute_url

from .forms import ProfileForm
from .services import regenerate_calendar_token


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def calendar_settings(request):
    feed_url = absolute_url("calendar_feed", token=request.user.calendar_token)
    return render(request, "accounts/calendar.html", {"feed_url": feed_url})


@login_required
@require_POST
def calendar_regenerate(request):
    regenerate_calendar_token(user=request.user)
    messages.success(
        request,
        "Your calendar feed has a new address. Update it in your calendar app; the old one no longer works.",
    )
    return redirect("accounts:calendar")
