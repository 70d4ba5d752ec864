from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from echo_hub.lib.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import (
    Accreditation,
    Certificate,
    CreditType,
    Evaluation,
    EvaluationReminder,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)


@admin.register(CreditType)
class CreditTypeAdmin(ReadOnlyAdmin):
    """Changed through cpd.services on the program's Accreditation page, which checks that each
    profession gets one credit type and audits every change."""

    list_display = ["name", "program", "credits_per_hour", "rounding_step", "max_per_session", "updated_at"]
    list_filter = ["program"]
    search_fields = ["name", "program__name"]
    list_select_related = ["program"]


@admin.register(Accreditation)
class AccreditationAdmin(ReadOnlyAdmin):
    list_display = ["program", "provider_name", "hub_name", "signatory_name", "updated_at"]
    search_fields = ["program__name", "provider_name", "hub_name"]
    list_select_related = ["program"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Issued, reissued and revoked through cpd.services only (the program's Certificates page);
    the admin can reissue or render again, through the same services."""

    list_display = ["code", "user", "kind", "credits", "status", "issue_number", "render_status", "issued_at"]
    list_filter = ["kind", "status", "render_status", "session__program"]
    search_fields = ["code", "user__email", "user__full_name", "holder_name"]
    list_select_related = ["user"]
    date_hierarchy = "issued_at"
    actions = ["reissue", "render_again"]

    @admin.action(description="Reissue the selected certificates (new issue number, DUPLICATE)")
    def reissue(self, request, queryset):
        for certificate in queryset:
            try:
                services.reissue_certificate(certificate=certificate, by=request.user)
            except ValidationError as exc:
                self.message_user(
                    request, f"{certificate.code[:8]}…: {' '.join(exc.messages)}", messages.ERROR
                )

    @admin.action(description="Render the selected certificates' PDFs again")
    def render_again(self, request, queryset):
        for certificate in queryset:
            services.retry_certificate_render(certificate=certificate)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["session", "user", "relevance", "quality", "objectives_met", "submitted_at"]
    list_filter = ["objectives_met", "session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user"]
    date_hierarchy = "submitted_at"


@admin.register(EvaluationReminder)
class EvaluationReminderAdmin(ReadOnlyAdmin):
    """Written by cpd.services.remind_missing_evaluations: the proof each person was reminded once."""

    list_display = ["session", "user", "sent_by", "sent_at"]
    list_filter = ["session__program"]
    search_fields = ["user__email", "user__full_name", "session__title"]
    list_select_related = ["session", "user", "sent_by"]
    date_hierarchy = "sent_at"


class SurveyQuestionInline(ReadOnlyInline):
    model = SurveyQuestion


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "cycle", "pre_opens_at", "post_opens_at", "created_at"]
    list_filter = ["cycle__program"]
    search_fields = ["title", "cycle__name"]
    list_select_related = ["cycle"]
    inlines = [SurveyQuestionInline]


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "user", "phase", "submitted_at"]
    list_filter = ["phase", "survey__cycle__program"]
    search_fields = ["user__email", "survey__title"]
    list_select_related = ["survey", "user"]
    inlines = [SurveyAnswerInline]
