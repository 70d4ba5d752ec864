import hashlib
from datetime import time, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from cases.library import recommendations_version, screen_case_for_library
from cases.mme import daily_mme
from cases.models import (
    AgeBand,
    Case,
    CaseEvent,
    CaseSlot,
    Consent,
    FollowUp,
    Medication,
    Recommendation,
    RecommendationHeading,
    RecommendationLetter,
    SexGender,
)
from echo_hub.accounts.models import CommunityType, Profession, User
from echo_hub.notifications.models import Notification
from sessions.models import Cycle, Enrollment, Invitation, Program, Role, Session, SessionMaterial


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Clinician {n}")
    profession = Profession.FAMILY_PHYSICIAN
    organization = "Northern Family Health Team"
    community_type = CommunityType.RURAL
    time_zone = "America/Toronto"
    password = factory.django.Password("correct-horse-battery")


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    time_zone = "America/Toronto"
    default_start_time = time(12, 0)
    default_join_url = "https://video.example.org/join/123"


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cycle {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate())


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    join_url = "https://video.example.org/join/123"


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    role = Role.PARTICIPANT
    status = Enrollment.Status.APPROVED


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    program = factory.SubFactory(ProgramFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.PARTICIPANT


def with_email_address(user: User, email: str = "", *, verified: bool = True) -> User:
    """Give `user` an allauth address (their own email unless told): accepting an invitation
    needs a verified one."""
    EmailAddress.objects.create(user=user, email=email or user.email, verified=verified, primary=not email)
    return user


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    email = factory.Sequence(lambda n: f"recipient{n}@example.org")
    kind = "enrollment_approved"
    object_key = factory.Sequence(lambda n: f"enrollment:{n}")
    subject = "You're enrolled in Addiction Medicine"
    body_text = "Hello,\n\nYour request to join Addiction Medicine is approved."


class CaseFactory(factory.django.DjangoModelFactory):
    """A complete, de-identified case: every field `submit_case` requires is filled."""

    class Meta:
        model = Case

    program = factory.SubFactory(ProgramFactory)
    presenter = factory.SubFactory(UserFactory)
    status = Case.Status.DRAFT
    title = factory.Sequence(lambda n: f"Chronic low back pain on oxycodone, case {n}")
    age_band = AgeBand.AGE_50_59
    sex_gender = SexGender.MAN
    main_concern = "On oxycodone CR 60 mg twice daily for years; function is poor and he asks about tapering."
    pain_location = "Low back, radiating to the left leg"
    pain_duration = "About 6 years"
    consent = Consent.YES
    question_1 = "How fast can we taper, and what do we do if withdrawal is hard?"
    attested_deidentified = True
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == Case.Status.DRAFT else timezone.now())


class MedicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Medication

    case = factory.SubFactory(CaseFactory)
    drug = "oxycodone"
    daily_dose = Decimal("120")
    schedule = "60 mg CR q12h"
    mme = factory.LazyAttribute(lambda o: _mme(o.drug, o.daily_dose))


def _mme(drug: str, daily_dose: Decimal) -> Decimal | None:
    value = daily_mme(drug, float(daily_dose))
    return None if value is None else Decimal(str(value))


class CaseSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseSlot

    case = factory.SubFactory(CaseFactory, status=Case.Status.SCHEDULED)
    session = factory.SubFactory(SessionFactory, program=factory.SelfAttribute("..case.program"))
    position = factory.LazyAttribute(lambda o: CaseSlot.objects.filter(session=o.session).count() + 1)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    case = factory.SubFactory(CaseFactory, status=Case.Status.SCHEDULED)
    author = factory.SubFactory(UserFactory)
    heading = RecommendationHeading.OPIOID
    text = "Taper oxycodone by 10% of the total daily dose every 2–4 weeks. Offer a naloxone kit now."


# Not a rendered letter: enough of a PDF for views that only serve the stored file.
LETTER_PDF = b"%PDF-1.7\n% ECHO Hub test letter\n%%EOF\n"


class RecommendationLetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationLetter

    case = factory.SubFactory(CaseFactory, status=Case.Status.LETTER_SENT)
    status = RecommendationLetter.Status.READY
    file = factory.django.FileField(data=LETTER_PDF, filename="letter.pdf")
    sha256 = hashlib.sha256(LETTER_PDF).hexdigest()
    rendered_at = factory.LazyFunction(timezone.now)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(CaseFactory, status=Case.Status.LETTER_SENT)
    author = factory.SelfAttribute("case.presenter")
    what_changed = "Switched to buprenorphine six weeks later; walking further."
    pain_change = "pain 8/10 → 6/10"


class CaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory, status=Case.Status.SUBMITTED)
    kind = CaseEvent.Kind.SUBMITTED
    actor = factory.SelfAttribute("case.presenter")


# CPD: models named by label so these factories append without new imports.


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "echo_sessions.Attendance"

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    minutes = 120
    source = "report"
    # Only a Join click alone is provisional.
    verified = factory.LazyAttribute(lambda o: o.source != "join")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cpd.Evaluation"

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    relevance = 5
    quality = 4
    objectives_met = "yes"
    commitment_to_change = "Offer a naloxone kit to every patient above 50 MME."


# Not a rendered certificate: enough of a PDF for views that only serve the stored file.
CERTIFICATE_PDF = b"%PDF-1.7\n% ECHO Hub test certificate\n%%EOF\n"


class CertificateFactory(factory.django.DjangoModelFactory):
    """A session certificate, rendered; pass `cycle=` with `kind="cycle", session=None` for a summary."""

    class Meta:
        model = "cpd.Certificate"

    user = factory.SubFactory(UserFactory)
    kind = "session"
    session = factory.SubFactory(SessionFactory)
    cycle = None
    credits = Decimal("2.00")
    render_status = "ready"
    file = factory.django.FileField(data=CERTIFICATE_PDF, filename="certificate.pdf")
    sha256 = hashlib.sha256(CERTIFICATE_PDF).hexdigest()
    rendered_at = factory.LazyFunction(timezone.now)


REPORT_PDF = b"%PDF-1.7\n% ECHO Hub test report\n%%EOF\n"


class ReportExportFactory(factory.django.DjangoModelFactory):
    """A program report rendered to PDF by the worker."""

    class Meta:
        model = "echo_site.ReportExport"

    program = factory.SubFactory(ProgramFactory)
    status = "ready"
    file = factory.django.FileField(data=REPORT_PDF, filename="report.pdf")
    rendered_at = factory.LazyFunction(timezone.now)


class PastSessionFactory(SessionFactory):
    """A 120-minute session that ended a week ago: attendance, evaluations and credits apply."""

    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))


class AttendanceClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "echo_sessions.AttendanceClaim"

    session = factory.SubFactory(PastSessionFactory)
    user = factory.SubFactory(UserFactory)
    minutes = 90
    note = "Joined by phone from the clinic's room."


# Not real slides: enough of a PDF for views that only serve the stored file.
SLIDES_PDF = b"%PDF-1.7\n% ECHO Hub test slides\n%%EOF\n"


class SessionMaterialFactory(factory.django.DjangoModelFactory):
    """Slides of a session; pass `kind=..., file=None, url=...` for a link."""

    class Meta:
        model = SessionMaterial

    session = factory.SubFactory(SessionFactory)
    kind = SessionMaterial.Kind.SLIDES
    title = factory.Sequence(lambda n: f"Tapering opioids safely, part {n}")
    file = factory.django.FileField(data=SLIDES_PDF, filename="slides.pdf")


def publish_to_library(case: Case, *, by) -> Case:
    """A presented case its presenter shared, published by a coordinator through the real
    screening service, for tests that need it in the case library. Call it after the case's
    recommendations are written: a later change sends it back to screening."""
    Case.objects.filter(pk=case.pk).update(library_shared=True)
    case.library_shared = True
    return screen_case_for_library(case=case, by=by, publish=True, version=recommendations_version(case))


class CreditTypeFactory(factory.django.DjangoModelFactory):
    """Mainpro+ Certified for family physicians, 1 credit an hour in quarter steps, no maximum."""

    class Meta:
        model = "cpd.CreditType"

    program = factory.SubFactory(ProgramFactory)
    name = "Mainpro+ Certified"
    statement = (
        "This one-credit-per-hour Group Learning program meets the certification criteria of the "
        "College of Family Physicians of Canada and has been certified for up to 2 Mainpro+ credits."
    )
    professions = factory.LazyFunction(lambda: [Profession.FAMILY_PHYSICIAN])
    credits_per_hour = Decimal("1.00")
    rounding_step = Decimal("0.25")


# The smallest valid PNG (1×1, transparent): a logo or signature for views that store and serve it.
LOGO_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e5270de40000000049454e44ae426082"
)
