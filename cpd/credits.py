"""The credit rule, in one pure function so it reads like the accreditation policy."""

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from sessions.attendance import minutes_needed

QUARTER_HOUR = 15


@dataclass(frozen=True)
class CreditResult:
    eligible: bool
    credits: Decimal
    counted_minutes: int
    missing: list[str] = field(default_factory=list)


def session_credits(
    *,
    attended_minutes: int,
    session_minutes: int,
    threshold_percent: int,
    credits_per_hour: Decimal,
    evaluation_required: bool,
    evaluation_done: bool,
) -> CreditResult:
    """A session earns its attended time, capped at the session's length and counted in
    whole quarter hours, times the program's credits per hour, once attendance reaches the
    threshold and (where required) the evaluation is done."""
    counted = min(max(attended_minutes, 0), session_minutes)
    quarters = counted // QUARTER_HOUR
    credits = (Decimal(quarters) / 4 * credits_per_hour).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    missing = []
    needed = minutes_needed(session_minutes=session_minutes, threshold_percent=threshold_percent)
    if counted < needed:
        missing.append(f"Attendance: {counted} of the {needed} minutes needed")
    if evaluation_required and not evaluation_done:
        missing.append("Evaluation not filled")
    if not missing and credits <= 0:
        missing.append("Less than a quarter hour counts, or the program gives no credits")
    eligible = not missing and credits > 0
    return CreditResult(
        eligible=eligible,
        credits=credits if eligible else Decimal("0.00"),
        counted_minutes=counted,
        missing=missing,
    )
