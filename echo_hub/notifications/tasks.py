from celery import shared_task

from .services import SEND_BATCH_TASK, SEND_TASK, send_batch, send_notification, sweep_notifications


@shared_task(
    name=SEND_TASK,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=4,
)
def send_notification_task(*, notification_id: int) -> bool:
    return send_notification(notification_id=notification_id)


@shared_task(
    name=SEND_BATCH_TASK,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=4,
)
def send_batch_task(*, notification_ids: list[int]) -> int:
    return send_batch(notification_ids=notification_ids)


@shared_task(name="notifications.sweep", acks_late=True)
def sweep_notifications_task() -> int:
    return len(sweep_notifications())
