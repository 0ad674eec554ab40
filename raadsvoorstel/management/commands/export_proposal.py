from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel.interchange import dumps, export_proposal
from raadsvoorstel.models import Proposal


class Command(BaseCommand):
    help = "Schrijf een raadsvoorstel in het formaat raadsvoorstel/1 naar de standaarduitvoer."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="GMxxxx", help="CBS-code van de gemeente")
        parser.add_argument("number", metavar="NUMBER", help="registratienummer van het voorstel")

    def handle(self, code: str, number: str, **options):
        proposal = Proposal.objects.with_document().filter(municipality__code=code, number=number).first()
        if proposal is None:
            raise CommandError(f"Geen voorstel {number} van gemeente {code}.")
        self.stdout.write(dumps(export_proposal(proposal)), ending="")
