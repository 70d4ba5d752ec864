from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from echo_hub.accounts.models import CommunityType, Profession
from echo_hub.site.demo.accreditation import seed_demo_accreditation
from echo_hub.site.demo.cases import seed_demo_cases
from echo_hub.site.demo.cpd import seed_demo_cpd
from echo_hub.site.demo.french import seed_demo_french_program
from sessions.attendance import adjust_attendance
from sessions.models import Attendance, Cycle, Enrollment, Program, Role, Session
from sessions.services import create_program, schedule_weekly

User = get_user_model()

DEMO_PASSWORD = "echo-demo-2026"
PROGRAM_SLUG = "chronic-pain-opioid-stewardship"
HUB_STAFF_GROUP = "Hub staff"

DEMO_LOGINS = [
    # role, email, full name, profession, credentials, organization, community
    (
        "coordinator",
        "coordinator@example.org",
        "Amira Haddad",
        Profession.OTHER,
        "MHSc",
        "ECHO Ontario Chronic Pain hub",
        CommunityType.URBAN,
    ),
    (
        "expert",
        "expert@example.org",
        "Dr. Daniel Okafor",
        Profession.SPECIALIST_PHYSICIAN,
        "MD, FRCPC",
        "Toronto Academic Pain Medicine Institute",
        CommunityType.URBAN,
    ),
    (
        "spoke",
        "spoke@example.org",
        "Dr. Marie Tremblay",
        Profession.FAMILY_PHYSICIAN,
        "MD, CCFP",
        "Manitoulin Family Health Team",
        CommunityType.RURAL,
    ),
    (
        "participant",
        "participant@example.org",
        "Jordan Kakegamic",
        Profession.NURSE_PRACTITIONER,
        "NP-PHC",
        "Sioux Lookout Nursing Station",
        CommunityType.REMOTE,
    ),
]
_ROLES = {
    "coordinator": Role.COORDINATOR,
    "expert": Role.EXPERT,
    "spoke": Role.PARTICIPANT,
    "participant": Role.PARTICIPANT,
}

MORE_PARTICIPANTS = [
    (
        "r.singh@example.org",
        "Ravi Singh",
        Profession.PHARMACIST,
        "RPh",
        "Timmins Community Pharmacy",
        CommunityType.RURAL,
    ),
    (
        "l.gagnon@example.org",
        "Louise Gagnon",
        Profession.REGISTERED_NURSE,
        "RN",
        "Hearst Community Health Centre",
        CommunityType.RURAL,
    ),
    (
        "k.brown@example.org",
        "Kevin Brown",
        Profession.PHYSIOTHERAPIST,
        "PT",
        "Kenora Physiotherapy Clinic",
        CommunityType.RURAL,
    ),
    (
        "s.moose@example.org",
        "Sarah Moose",
        Profession.SOCIAL_WORKER,
        "MSW",
        "Moose Factory Health Services",
        CommunityType.REMOTE,
    ),
    (
        "t.nguyen@example.org",
        "Dr. Thu Nguyen",
        Profession.FAMILY_PHYSICIAN,
        "MD, CCFP",
        "Scarborough Community Health Centre",
        CommunityType.URBAN,
    ),
    (
        "p.lee@example.org",
        "Priya Lee",
        Profession.OCCUPATIONAL_THERAPIST,
        "OT Reg. (Ont.)",
        "Bancroft Family Health Team",
        CommunityType.RURAL,
    ),
]
PENDING_REQUEST = (
    "a.white@example.org",
    "Dr. Andrew White",
    Profession.FAMILY_PHYSICIAN,
    "MD",
    "Red Lake Margaret Cochenour Hospital",
    CommunityType.REMOTE,
)

TOPICS = [
    "Opioid tapering: when and how",
    "Neuropathic pain: first- and second-line treatment",
    "Buprenorphine for chronic pain and opioid use disorder",
    "Sleep, mood and pain",
    "Graded activity and physiotherapy in primary care",
    "Cannabinoids for chronic pain: what the evidence says",
    "Central sensitization and fibromyalgia",
    "Chronic low back pain: assessment and red flags",
    "Depression and anxiety alongside chronic pain",
    "Interpreting urine drug testing",
    "Headache and medication-overuse headache",
    "Pain in older adults",
    "Naloxone and overdose prevention",
    "Trauma-informed care in pain management",
    "Motivational interviewing for behaviour change",
    "Interventional options and when to refer",
]


class Command(BaseCommand):
    help = "Create (or refresh) demo data and print the demo logins. Never runs with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=0, help="Extra participants to create.")
        parser.add_argument("--sessions", type=int, default=0, help="Total sessions wanted in the program.")

    def handle(self, *args, participants: int, sessions: int, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates known passwords: it only runs with DEBUG=true.")
        if participants < 0 or sessions < 0:
            raise CommandError("--participants and --sessions must be zero or more.")
        # Demo people have example.org addresses: build the outbox, deliver nothing.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            logins = self._seed(participants=participants, sessions=sessions)
        for role, email in logins:
            self.stdout.write(f"{role}: {email} / {DEMO_PASSWORD}")

    def _user(self, email, full_name, profession, credentials, organization, community, password_hash):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": full_name,
                "profession": profession,
                "credentials": credentials,
                "organization": organization,
                "community_type": community,
                "time_zone": "America/Toronto",
                "password": password_hash,
            },
        )
        if not created and not user.has_usable_password():
            user.password = password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _enroll(self, user, program, role, status=Enrollment.Status.APPROVED):
        Enrollment.objects.get_or_create(
            user=user,
            program=program,
            defaults={
                "role": role,
                "status": status,
                "decided_at": timezone.now() if status == Enrollment.Status.APPROVED else None,
            },
        )

    def _seed(self, *, participants: int, sessions: int) -> list[tuple[str, str]]:
        password_hash = make_password(DEMO_PASSWORD)
        staff, _ = Group.objects.get_or_create(name=HUB_STAFF_GROUP)
        staff.permissions.add(
            Permission.objects.get(codename="add_program", content_type__app_label="echo_sessions")
        )

        users = {role: self._user(email, *rest, password_hash) for role, email, *rest in DEMO_LOGINS}
        users["coordinator"].groups.add(staff)

        program = Program.objects.filter(slug=PROGRAM_SLUG).first()
        if program is None:
            program = create_program(
                creator=users["coordinator"],
                name="Chronic Pain & Opioid Stewardship",
                slug=PROGRAM_SLUG,
                summary="Weekly case-based learning on chronic pain and safer opioid prescribing for "
                "Ontario primary-care teams.",
                description=(
                    "An interprofessional hub of pain medicine, addiction medicine, psychiatry, pharmacy, "
                    "physiotherapy and social work meets primary-care clinicians from across Ontario every "
                    "Wednesday at noon.\n\nEach session opens with a 30-minute didactic and continues with up "
                    "to three de-identified patient cases presented by participants. Presenters receive the "
                    "hub's written recommendations after the session."
                ),
                time_zone="America/Toronto",
                default_join_url="https://echo.example.org/join/chronic-pain",
            )
        for role, user in users.items():
            self._enroll(user, program, _ROLES[role])
        for email, *rest in MORE_PARTICIPANTS:
            self._enroll(self._user(email, *rest, password_hash), program, Role.PARTICIPANT)
        self._enroll(
            self._user(*PENDING_REQUEST, password_hash), program, Role.PARTICIPANT, Enrollment.Status.PENDING
        )

        if not program.credit_types.exists():
            seed_demo_accreditation(program=program, coordinator=users["coordinator"], users=users.values())
        if not program.cycles.exists():
            self._schedule_cycle(program, users["expert"])
        if not program.cases.exists():
            seed_demo_cases(program=program, users=users)
        if not Attendance.objects.filter(session__program=program).exists():
            seed_demo_cpd(
                program=program,
                coordinator=users["coordinator"],
                participant=users["participant"],
                spoke=users["spoke"],
            )
            self._faculty_attendance(program, users["expert"], users["coordinator"])
        seed_demo_french_program(password_hash=password_hash)
        if sessions:
            self._extend_sessions(program, sessions)
        if participants:
            self._bulk_participants(program, participants, password_hash)
        return [(role, user.email) for role, user in users.items()]

    def _schedule_cycle(self, program: Program, expert) -> None:
        today = timezone.localdate()
        # Eight weeks back, on a Wednesday: the demo always has past and upcoming sessions.
        first = today - timedelta(days=(today.weekday() - 2) % 7) - timedelta(weeks=8)
        season = {
            12: "Winter",
            1: "Winter",
            2: "Winter",
            3: "Spring",
            4: "Spring",
            5: "Spring",
            6: "Summer",
            7: "Summer",
            8: "Summer",
        }.get(first.month, "Fall")
        cycle = Cycle.objects.create(
            program=program,
            name=f"{season} {first.year}",
            start_date=first,
            end_date=first + timedelta(weeks=15),
        )
        # The first half of the cycle took place before the demo: it is recorded as past sessions.
        created = schedule_weekly(
            program=program, first_date=first, start_time=time(12, 0), count=16, cycle=cycle, record_past=True
        )
        for session, topic in zip(created, TOPICS, strict=False):
            session.didactic_topic = topic
            session.presenter = expert
            session.learning_objectives = (
                f"Describe the key evidence on {topic[0].lower()}{topic[1:]}.\n"
                "Apply it to a patient in your own practice.\n"
                "Recognise when to ask the hub or refer."
            )
        Session.objects.bulk_update(created, ["didactic_topic", "presenter", "learning_objectives"])

    def _faculty_attendance(self, program: Program, expert, coordinator) -> None:
        """The hub expert gives every didactic: reports count them as faculty, not as a participant."""
        held = program.sessions.filter(ends_at__lt=timezone.now(), status=Session.Status.SCHEDULED)
        for session in held:
            adjust_attendance(
                session=session,
                user=expert,
                minutes=session.duration_minutes,
                reason="Gave the didactic",
                by=coordinator,
            )

    def _extend_sessions(self, program: Program, wanted: int) -> None:
        have = program.sessions.count()
        last = program.sessions.order_by("-starts_at").first()
        start = (last.starts_at.astimezone(program.zone).date() if last else date.today()) + timedelta(
            weeks=1
        )
        cycle_number = program.cycles.count()
        while have < wanted:
            cycle_number += 1
            batch = min(52, wanted - have)
            cycle = Cycle.objects.create(
                program=program,
                name=f"Cycle {cycle_number}",
                start_date=start,
                end_date=start + timedelta(weeks=batch - 1),
            )
            # A demo seeded weeks ago and scaled up today continues from its last session, maybe past.
            schedule_weekly(
                program=program,
                first_date=start,
                start_time=time(12, 0),
                count=batch,
                cycle=cycle,
                record_past=True,
            )
            have += batch
            start += timedelta(weeks=batch)

    def _bulk_participants(self, program: Program, count: int, password_hash: str) -> None:
        professions = list(Profession.values)
        communities = list(CommunityType.values)
        existing = set(User.objects.filter(email__startswith="participant-").values_list("email", flat=True))
        new_users = [
            User(
                email=f"participant-{i:05d}@example.org",
                full_name=f"Participant {i:05d}",
                profession=professions[i % len(professions)],
                organization=f"Site {i % 40:02d}",
                community_type=communities[i % len(communities)],
                password=password_hash,
            )
            for i in range(1, count + 1)
            if f"participant-{i:05d}@example.org" not in existing
        ]
        User.objects.bulk_create(new_users, batch_size=1000)
        bulk = User.objects.filter(email__startswith="participant-").exclude(enrollments__program=program)
        Enrollment.objects.bulk_create(
            [
                Enrollment(
                    user=u,
                    program=program,
                    role=Role.PARTICIPANT,
                    status=Enrollment.Status.APPROVED,
                    decided_at=timezone.now(),
                )
                for u in bulk.only("pk")
            ],
            batch_size=1000,
        )
