"""The demo's French-language program: a francophone chronic pain ECHO (as CAMH and Ontario's
French-language health networks run them), coordinated by a French-speaking coordinator. Its
name and description are data, written in French; the rest of the demo stays in English.
Sign in as `coordination.fr@example.org` with the demo password to see ECHO Hub in French."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from echo_hub.accounts.models import CommunityType, Profession
from sessions.models import Program, ProgramLanguage
from sessions.services import create_program

FRENCH_SLUG = "echo-douleur-chronique-francophone"
FRENCH_COORDINATOR = "coordination.fr@example.org"


def seed_demo_french_program(*, password_hash: str) -> Program:
    """The French program and its coordinator (a French profile). Idempotent."""
    user, _ = get_user_model().objects.get_or_create(
        email=FRENCH_COORDINATOR,
        defaults={
            "full_name": "Geneviève Lafrance",
            "profession": Profession.OTHER,
            "credentials": "M. Sc. S.",
            "organization": "Carrefour ECHO francophone en douleur chronique",
            "community_type": CommunityType.URBAN,
            "time_zone": "America/Toronto",
            "language": ProgramLanguage.FRENCH,
            "password": password_hash,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    program = Program.objects.filter(slug=FRENCH_SLUG).first()
    if program is None:
        program = create_program(
            creator=user,
            name="ECHO Douleur chronique — francophone",
            slug=FRENCH_SLUG,
            language=ProgramLanguage.FRENCH,
            summary="Apprentissage hebdomadaire par cas en français sur la douleur chronique et l'usage "
            "plus sécuritaire des opioïdes, pour les équipes de soins primaires francophones de l'Ontario.",
            description=(
                "Une équipe interprofessionnelle du carrefour (médecine de la douleur, médecine des "
                "dépendances, pharmacie, physiothérapie et travail social) rencontre chaque jeudi midi des "
                "médecins de famille, infirmières praticiennes et autres cliniciens des collectivités "
                "francophones de l'Ontario.\n\nChaque séance commence par une présentation didactique de "
                "30 minutes, suivie d'au plus trois cas de patients dépersonnalisés présentés par les "
                "participants. Les présentateurs reçoivent ensuite les recommandations écrites du carrefour."
            ),
            time_zone="America/Toronto",
            default_join_url="https://echo.example.org/join/douleur-chronique",
        )
    return program
