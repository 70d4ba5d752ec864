from celery import shared_task

from .services import LETTER_RENDERS, RENDER_TASK, render_letter


@shared_task(name=RENDER_TASK, acks_late=True)
def render_letter_task(*, letter_id: int) -> bool:
    return LETTER_RENDERS.run(letter_id, lambda: render_letter(letter_id=letter_id))


@shared_task(name="cases.sweep_letters", acks_late=True)
def sweep_letters_task() -> int:
    """Render the letters that are due: retries, and those a dead broker or worker left."""
    return len(LETTER_RENDERS.sweep())
