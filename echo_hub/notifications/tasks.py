from celery import shared_task

from .services import SEND_TASK, send_notification, sweep_notifications


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


@shared_task(name="notifications.sweep", acks_late=True)
def sweep_notifications_task() -> int:
    return len(sweep_notifications())
