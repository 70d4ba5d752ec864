from celery import shared_task

from .services import CERTIFICATE_RENDERS, RENDER_TASK, render_certificate


@shared_task(name=RENDER_TASK, acks_late=True)
def render_certificate_task(*, certificate_id: int) -> bool:
    return CERTIFICATE_RENDERS.run(certificate_id, lambda: render_certificate(certificate_id=certificate_id))


@shared_task(name="cpd.sweep_certificates", acks_late=True)
def sweep_certificates_task() -> int:
    """Render the certificates that are due: retries, and those a dead broker or worker left."""
    return len(CERTIFICATE_RENDERS.sweep())
