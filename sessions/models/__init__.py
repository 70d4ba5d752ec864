"""The models of programs and sessions, in four modules: programs and cycles, membership
(enrollments and invitations), a session and what hangs off it, and attendance. Import them
from here: Django finds them through sessions.models, and migrations refer to
sessions.models.invitation_expiry."""

from ..presenters import GuestPresenter
from .attendance import Attendance, AttendanceChange, AttendanceClaim, ReportAlias, SessionJoin
from .membership import Enrollment, Invitation, Role, invitation_expiry
from .programs import (
    MAX_CASE_SLOTS,
    PROGRAM_SCOPE_PREFIX,
    Cycle,
    Program,
    ProgramLanguage,
    Weekday,
    program_scope,
)
from .session import (
    JOIN_OPENS_BEFORE,
    MemberJoinLink,
    Session,
    SessionChange,
    SessionMaterial,
    title_with_topic,
)

__all__ = [
    "JOIN_OPENS_BEFORE",
    "MAX_CASE_SLOTS",
    "PROGRAM_SCOPE_PREFIX",
    "Attendance",
    "AttendanceChange",
    "AttendanceClaim",
    "Cycle",
    "Enrollment",
    "GuestPresenter",
    "Invitation",
    "MemberJoinLink",
    "Program",
    "ProgramLanguage",
    "ReportAlias",
    "Role",
    "Session",
    "SessionChange",
    "SessionJoin",
    "SessionMaterial",
    "Weekday",
    "invitation_expiry",
    "program_scope",
    "title_with_topic",
]
