import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import Certificate
from .services import render_certificate

logger = logging.getLogger(__name__)


@shared_task(
    name="cpd.render_certificate",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
)
def render_certificate_task(*, certificate_id: int) -> bool:
    if not Certificate.objects.filter(pk=certificate_id).exists():
        logger.info("Certificate %s is gone; nothing to render.", certificate_id)
        return False
    try:
        return render_certificate(certificate_id=certificate_id)
    except Exception as exc:
        Certificate.objects.filter(pk=certificate_id).update(
            render_status=Certificate.RenderStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


@shared_task(name="cpd.sweep_certificates", acks_late=True)
def sweep_certificates_task() -> int:
    """Render certificates a dead broker or worker left behind."""
    stale = list(
        Certificate.objects.filter(
            render_status=Certificate.RenderStatus.PENDING,
            issued_at__lt=timezone.now() - timedelta(minutes=5),
        ).values_list("pk", flat=True)[:200]
    )
    for certificate_id in stale:
        render_certificate_task.delay(certificate_id=certificate_id)
    return len(stale)
