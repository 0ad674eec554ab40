from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from raadsvoorstel import demo, demo_consultation


class Command(BaseCommand):
    help = (
        "Laad de demo: de 32 gemeenten van de Eenheid Noord-Holland, het IMV en zijn consultatie, "
        "Bloemendaals voorstel 2023000853 en demo-accounts."
    )

    def handle(self, **options):
        seal = settings.RAADSVOORSTEL_SEALS.get("GM0377")
        if seal and demo.create_demo_seal(Path(seal["PKCS12"]), seal["PASSPHRASE"]):
            self.stdout.write(f"Demo-zegelcertificaat gemaakt: {seal['PKCS12']} (alleen voor de demo).")
        demo.load_reference_data()
        users = demo.create_demo_users()
        proposals = demo.load_demo_proposals()
        members, meeting = demo.load_demo_council()
        if members:
            self.stdout.write(f"{members} raadsleden geladen.")
        if meeting:
            self.stdout.write(f"{meeting} gepland.")
        for proposal in proposals:
            self.stdout.write(f"Voorstel {proposal.number} ({proposal.municipality}) geladen.")
        for line in demo_consultation.load_demo_consultation(settings.BASE_DIR):
            self.stdout.write(line)
        if users:
            self.stdout.write("Demo-accounts (alleen voor de demo), wachtwoord " + demo.DEMO_PASSWORD + ":")
            for user in users:
                role = user.get_role_display() if user.role else "beheerder"
                self.stdout.write(f"  {user.username:<12} {role}")
