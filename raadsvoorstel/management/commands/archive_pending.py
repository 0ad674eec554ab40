from django.core.management.base import BaseCommand

from raadsvoorstel import actions
from raadsvoorstel.models import Proposal


class Command(BaseCommand):
    help = (
        "Zet elk ondertekend raadsbesluit zonder archief (opnieuw) in de wachtrij van de worker, "
        "bijvoorbeeld nadat het archiveren steeds mislukte; met --now meteen, zonder worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="archiveer hier en nu")

    def handle(self, now: bool, **options):
        pending = (
            Proposal.objects.final().filter(archived_decision__isnull=True).select_related("municipality")
        )
        for proposal in pending:
            if now:
                archived = actions.archive_signed_decision(proposal)
                self.stdout.write(f"{proposal.key}: gearchiveerd ({archived.sha256})")
            else:
                actions.enqueue_archive(proposal)
                self.stdout.write(f"{proposal.key}: in de wachtrij")
        if not pending:
            self.stdout.write("Alle ondertekende raadsbesluiten zijn gearchiveerd.")
