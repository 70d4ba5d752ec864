import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from .models import RecommendationLetter
from .services import render_letter

logger = logging.getLogger(__name__)


@shared_task(
    name="cases.render_letter",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=3,
)
def render_letter_task(*, letter_id: int) -> bool:
    if not RecommendationLetter.objects.filter(pk=letter_id).exists():
        logger.info("Letter %s is gone; nothing to render.", letter_id)
        return False
    try:
        return render_letter(letter_id=letter_id)
    except Exception as exc:
        RecommendationLetter.objects.filter(pk=letter_id).update(
            status=RecommendationLetter.Status.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


@shared_task(name="cases.sweep_letters", acks_late=True)
def sweep_letters_task() -> int:
    """Render letters a dead broker or worker left behind."""
    stale = RecommendationLetter.objects.filter(
        status__in=[RecommendationLetter.Status.RENDERING, RecommendationLetter.Status.FAILED],
        finalized_at__lt=timezone.now() - timedelta(minutes=5),
    ).values_list("pk", flat=True)[:100]
    for letter_id in stale:
        render_letter_task.delay(letter_id=letter_id)
    return len(stale)
