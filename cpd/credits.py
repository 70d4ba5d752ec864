"""The credit rule, in pure functions so it reads like the accreditation policy."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import get_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from sessions.attendance import minutes_needed

QUARTER_HOUR = Decimal("0.25")
MINUTES_PER_HOUR = Decimal(60)


@dataclass(frozen=True)
class CreditRule:
    """How attended time turns into credits: a rate, a step every amount is a whole number of,
    and the certified maximum of one session (None: no maximum)."""

    credits_per_hour: Decimal
    rounding_step: Decimal = QUARTER_HOUR
    max_per_session: Decimal | None = None


# Professions without a credit type: hours attended, in quarter hours, as a certificate of attendance.
ATTENDANCE_HOURS = CreditRule(credits_per_hour=Decimal(1))


@dataclass(frozen=True)
class CreditResult:
    eligible: bool
    credits: Decimal
    counted_minutes: int
    missing: list[str] = field(default_factory=list)
    # The first of `missing` says the attended minutes fall short of the threshold.
    short_of_attendance: bool = field(default=False, compare=False)
    # The cpd.CreditType the credits are of; None: hours of attendance.
    credit_type: object = None

    @property
    def credit_name(self) -> str:
        return self.credit_type.name if self.credit_type is not None else ""


def credit_amount(*, minutes: int, rule: CreditRule) -> Decimal:
    """Minutes × rate, counted down to a whole number of steps and never above the maximum.
    Decimal arithmetic throughout: 75 min at 1.5/h with a 0.25 step is 1.75, never 1.87."""
    steps = (Decimal(max(minutes, 0)) * rule.credits_per_hour) // (MINUTES_PER_HOUR * rule.rounding_step)
    if rule.max_per_session is not None:
        steps = min(steps, rule.max_per_session // rule.rounding_step)
    return (steps * rule.rounding_step).quantize(Decimal("0.01"))


def session_credits(
    *,
    attended_minutes: int,
    session_minutes: int,
    threshold_percent: int,
    rule: CreditRule,
    evaluation_required: bool,
    evaluation_done: bool,
    credit_type: object = None,
    explain: bool = True,
) -> CreditResult:
    """A session earns its attended time, capped at the session's length, under `rule`, once
    attendance reaches the threshold and (where required) the evaluation is done. Without
    `explain`, `missing` stays empty: a report summing thousands of results skips wording why
    each one earns nothing."""
    counted = min(max(attended_minutes, 0), session_minutes)
    credits = credit_amount(minutes=counted, rule=rule)
    needed = minutes_needed(session_minutes=session_minutes, threshold_percent=threshold_percent)
    short = counted < needed
    unevaluated = evaluation_required and not evaluation_done
    eligible = not short and not unevaluated and credits > 0
    missing = []
    if explain:
        if short:
            missing.append(
                _("Attendance: %(counted)s of the %(needed)s minutes needed")
                % {"counted": counted, "needed": needed}
            )
        if unevaluated:
            missing.append(_("Evaluation not filled"))
        if not missing and credits <= 0:
            missing.append(_("Too little time attended to earn one step of credit"))
    return CreditResult(
        eligible=eligible,
        credits=credits if eligible else Decimal("0.00"),
        counted_minutes=counted,
        missing=missing,
        credit_type=credit_type,
        short_of_attendance=short,
    )


def format_amount(value: Decimal) -> str:
    """An amount exactly as computed, without padding: 1.75, 1.5, 2. A machine format (exports,
    CSV): always a decimal point; people read display_amount."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def display_amount(value: Decimal) -> str:
    """An amount exactly as computed, in the reader's language: 1.75 in English, « 1,75 » in
    French. From the Decimal's own digits, never through a float."""
    return format_amount(value).replace(".", get_format("DECIMAL_SEPARATOR"))


def _plural_count(amount: Decimal | None) -> int:
    """The whole number ngettext chooses singular or plural with, for an exact amount. CLDR:
    English says "1 credit" but "0.5 credits", "1.75 credits"; French says « 0,5 crédit »,
    « 1,75 crédit » (singular below 2) but « 2 crédits ». A fraction below 2 counts as 0,
    which the English catalogue makes plural and the French one (plural=n > 1) singular."""
    if amount is None:
        return 2
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return int(amount)
    return 0 if amount < 2 else int(amount)


_NAMES_ITS_UNIT = re.compile(r"credit|hour|crédit|heure", re.IGNORECASE)


def credit_phrase(credit_name: str, amount: Decimal | None = None) -> str:
    """What follows the amount on a certificate: “Mainpro+ Certified credits”, “AMA PRA
    Category 1 Credit™” (already names its unit), or “hours of attendance”; singular or plural
    for `amount` in the reader's language (plural without one). The name stays as the
    certifying body words it."""
    count = _plural_count(amount)
    if not credit_name:
        return ngettext("hour of attendance", "hours of attendance", count)
    if _NAMES_ITS_UNIT.search(credit_name):
        return credit_name
    # Translators: a credit type's name as typed, e.g. "Mainpro+ Certified credits".
    return ngettext("%(name)s credit", "%(name)s credits", count) % {"name": credit_name}


def credits_text(amount: Decimal, credit_name: str) -> str:
    """« 1,75 crédit Mainpro+ », “1.75 Mainpro+ credits”: an amount with its unit, as people read it."""
    # Translators: an amount of credits and its unit, e.g. "1.75 Mainpro+ Certified credits".
    return gettext("%(amount)s %(unit)s") % {
        "amount": display_amount(amount),
        "unit": credit_phrase(credit_name, amount),
    }
