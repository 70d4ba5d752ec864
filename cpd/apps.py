from django.apps import AppConfig


class CpdConfig(AppConfig):
    name = "cpd"
    label = "cpd"
    verbose_name = "CPD credits and certificates"

    def ready(self) -> None:
        from echo_hub.audit.services import register_label
        from sessions.participant_report import on_report_imported

        from .services.evaluations import request_evaluations_after_report

        # Those a participant report shows above the threshold are asked to evaluate at once.
        on_report_imported(request_evaluations_after_report)

        # The start of the public code is how coordinators and holders name a certificate.
        register_label("cpd.certificate", lambda certificate: f"Certificate {certificate.code[:8]}…")
        register_label("cpd.credittype", lambda credit_type: f"Credit type #{credit_type.pk}")
        register_label(
            "cpd.accreditation", lambda accreditation: f"Accreditation of program #{accreditation.program_id}"
        )
