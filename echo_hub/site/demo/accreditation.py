"""Demo credit types, accreditation details and learner identifiers, made through the services."""

import io
from decimal import Decimal

from PIL import Image, ImageDraw

from cpd import services as cpd_services
from echo_hub.accounts.models import Profession
from sessions.models import Program

MAINPRO_STATEMENT = (
    "This one-credit-per-hour Group Learning program meets the certification criteria of the College of "
    "Family Physicians of Canada and has been certified by the Ontario Chapter for up to 2 Mainpro+ "
    "credits per session."
)
MOC_STATEMENT = (
    "This activity is an Accredited Group Learning Activity (Section 1) as defined by the Maintenance of "
    "Certification Program of the Royal College of Physicians and Surgeons of Canada, and approved for up "
    "to 2 hours per session."
)
ATTENDANCE_STATEMENT = (
    "Other health professionals may claim this activity for their own continuing education under the rules "
    "of their regulatory college: 1 hour of group learning per hour attended."
)
IDENTIFIERS = {
    "spoke@example.org": {"licensing_body": "CPSO", "licence_number": "112233", "cfpc_number": "1234567"},
    "participant@example.org": {
        "licensing_body": "College of Nurses of Ontario",
        "licence_number": "0987654",
    },
}


def _png(size: tuple[int, int], draw) -> bytes:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _logo(canvas) -> None:
    canvas.rounded_rectangle((0, 0, 119, 119), radius=22, fill=(11, 85, 99, 255))
    canvas.ellipse((30, 30, 89, 89), outline=(255, 255, 255, 255), width=9)
    canvas.line((60, 8, 60, 30), fill=(255, 255, 255, 255), width=7)


def _signature(canvas) -> None:
    points = [(10, 60), (40, 20), (60, 70), (85, 25), (110, 65), (140, 30), (170, 55), (230, 40)]
    canvas.line(points, fill=(20, 30, 60, 255), width=4, joint="curve")


def seed_demo_accreditation(*, program: Program, coordinator, users) -> None:
    for name, professions, statement in (
        ("Mainpro+ Certified", [Profession.FAMILY_PHYSICIAN], MAINPRO_STATEMENT),
        ("Royal College MOC Section 1", [Profession.SPECIALIST_PHYSICIAN], MOC_STATEMENT),
    ):
        cpd_services.create_credit_type(
            program=program,
            by=coordinator,
            name=name,
            statement=statement,
            professions=professions,
            credits_per_hour=Decimal("1.00"),
            rounding_step=Decimal("0.25"),
            max_per_session=Decimal("2.00"),
        )
    cpd_services.update_accreditation(
        program=program,
        by=coordinator,
        fields={
            "provider_name": "ECHO Ontario Office of Continuing Professional Development",
            "hub_name": "ECHO Ontario Chronic Pain & Opioid Stewardship hub",
            "signatory_name": "Dr. Helen Markham",
            "signatory_title": "Medical Director, ECHO Ontario Chronic Pain",
            "attendance_statement": ATTENDANCE_STATEMENT,
        },
        images={"logo": _png((120, 120), _logo), "signature": _png((240, 80), _signature)},
    )
    for user in users:
        for field, value in IDENTIFIERS.get(user.email, {}).items():
            setattr(user, field, value)
        user.save()
