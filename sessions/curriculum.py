"""A cycle's curriculum: every session's didactic topic, presenter and learning objectives,
saved together from the curriculum table or a CSV import, all or nothing."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from echo_hub.audit.services import Action, changes_extra, record_many
from echo_hub.lib.text import invisible_characters_problem, normalize_name

from .models import Cycle, Enrollment, GuestPresenter, Program, Role, Session

User = get_user_model()

MAX_OBJECTIVES_CHARS = 2000
TOPIC_MAX = Session._meta.get_field("didactic_topic").max_length
GUEST_MAX = {
    "guest_name": GuestPresenter._meta.get_field("name").max_length,
    "guest_profession": GuestPresenter._meta.get_field("profession").max_length,
    "guest_affiliation": GuestPresenter._meta.get_field("affiliation").max_length,
}


@dataclass(frozen=True)
class CurriculumRow:
    """What one session of the curriculum should say. `presenter_id` is a member's user id;
    a guest is given by name (with profession and affiliation) instead, never both."""

    session_id: int
    didactic_topic: str = ""
    presenter_id: int | None = None
    guest_name: str = ""
    guest_profession: str = ""
    guest_affiliation: str = ""
    learning_objectives: str = ""
    # Where the row came from (a CSV line), for messages.
    line: int = field(default=0, compare=False)

    @property
    def guest_key(self) -> tuple[str, str, str]:
        return (self.guest_name, self.guest_profession, self.guest_affiliation)


def cycle_sessions(cycle: Cycle) -> QuerySet[Session]:
    return (
        Session.objects.filter(cycle=cycle)
        .select_related("program", "presenter", "guest_presenter")
        .order_by("starts_at", "pk")
    )


def possible_presenters(program: Program) -> QuerySet:
    """Members who may give a didactic: the program's approved hub experts and coordinators."""
    return User.objects.filter(
        enrollments__program=program,
        enrollments__status=Enrollment.Status.APPROVED,
        enrollments__role__in=[Role.EXPERT, Role.COORDINATOR],
    ).order_by("full_name", "email")


def normalize_objectives(text: str) -> str:
    """One objective per line, without blank lines or bullets typed in front."""
    lines = (line.strip().lstrip("•*-–").strip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def clean_row(row: CurriculumRow) -> CurriculumRow:
    return CurriculumRow(
        session_id=row.session_id,
        didactic_topic=" ".join(row.didactic_topic.split()),
        presenter_id=row.presenter_id,
        guest_name=normalize_name(row.guest_name),
        guest_profession=" ".join(row.guest_profession.split()),
        guest_affiliation=" ".join(row.guest_affiliation.split()),
        learning_objectives=normalize_objectives(row.learning_objectives),
        line=row.line,
    )


def row_problems(row: CurriculumRow) -> dict[str, list[str]]:
    """What is wrong with one row by itself, by field; the same rules for the table and the CSV."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if len(row.didactic_topic) > TOPIC_MAX:
        add("didactic_topic", _("The topic is longer than %(max)s characters.") % {"max": TOPIC_MAX})
    if row.presenter_id is not None and row.guest_name:
        add("guest_name", _("Choose a member as presenter or type a guest's name, not both."))
    if not row.guest_name and (row.guest_profession or row.guest_affiliation):
        add("guest_name", _("Type the guest presenter's name, or leave profession and affiliation empty."))
    for name, limit in GUEST_MAX.items():
        if len(getattr(row, name)) > limit:
            add(name, _("At most %(max)s characters.") % {"max": limit})
    for name in ("didactic_topic", "guest_name", "guest_profession", "guest_affiliation"):
        if problem := invisible_characters_problem(getattr(row, name)):
            add(name, _("This text %(problem)s") % {"problem": problem})
    if len(row.learning_objectives) > MAX_OBJECTIVES_CHARS:
        add(
            "learning_objectives",
            _("The objectives are longer than %(max)s characters.") % {"max": MAX_OBJECTIVES_CHARS},
        )
    return problems


class CurriculumError(ValidationError):
    """Problems of a curriculum, row by row: `rows` maps a session id to {field: [messages]}."""

    def __init__(self, rows: dict[int, dict[str, list[str]]]) -> None:
        self.rows = rows
        messages = [m for fields in rows.values() for ms in fields.values() for m in ms]
        super().__init__(messages)


@transaction.atomic
def save_curriculum(
    *, cycle: Cycle, rows: Sequence[CurriculumRow], by, source: str = "table"
) -> list[Session]:
    """Write every row's topic, presenter and objectives onto the cycle's sessions; any row
    with a problem refuses the whole curriculum (CurriculumError, by row), so nothing is half
    saved. Returns the sessions that changed; each change is in the audit trail."""
    rows = [clean_row(row) for row in rows]
    sessions = {s.pk: s for s in Session.objects.select_for_update().filter(cycle=cycle).order_by("pk")}
    presenters = set(possible_presenters(cycle.program).values_list("pk", flat=True))
    problems: dict[int, dict[str, list[str]]] = {}
    seen: set[int] = set()
    for row in rows:
        found = row_problems(row)
        if row.session_id not in sessions:
            found.setdefault("session", []).append(_("This session is not in the cycle."))
        elif row.session_id in seen:
            found.setdefault("session", []).append(_("This session appears twice."))
        seen.add(row.session_id)
        if row.presenter_id is not None and row.presenter_id not in presenters:
            found.setdefault("presenter", []).append(
                _("The presenter must be a hub expert or coordinator of this program.")
            )
        if found:
            problems[row.session_id] = found
    if problems:
        raise CurriculumError(problems)

    guests = {
        (g.name, g.profession, g.affiliation): g
        for g in GuestPresenter.objects.filter(
            program=cycle.program, name__in={row.guest_name for row in rows if row.guest_name}
        )
    }
    changed: list[tuple[Session, dict]] = []
    for row in rows:
        session = sessions[row.session_id]
        guest = None
        if row.guest_name:
            guest = guests.get(row.guest_key)
            if guest is None:
                guest = GuestPresenter.objects.create(
                    program=cycle.program,
                    name=row.guest_name,
                    profession=row.guest_profession,
                    affiliation=row.guest_affiliation,
                )
                guests[row.guest_key] = guest
        wanted = {
            "didactic_topic": row.didactic_topic,
            "presenter_id": row.presenter_id,
            "guest_presenter_id": guest.pk if guest else None,
            "learning_objectives": row.learning_objectives,
        }
        real = {name: value for name, value in wanted.items() if getattr(session, name) != value}
        if not real:
            continue
        extra = changes_extra(session, real)
        for name, value in real.items():
            setattr(session, name, value)
        session.sequence = F("sequence") + 1
        session.save(update_fields=[*real, "sequence", "updated_at"])
        changed.append((session, {**extra, "source": f"curriculum_{source}"}))
    extras = {session.pk: extra for session, extra in changed}
    record_many(
        Action.SESSION_EDITED,
        [session for session, _ in changed],
        actor=by,
        program=cycle.program,
        extra_of=lambda session: extras[session.pk],
    )
    return list(cycle_sessions(cycle).filter(pk__in=extras))
