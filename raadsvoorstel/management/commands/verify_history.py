from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import audit
from raadsvoorstel.models import AuditEntry, Proposal


class Command(BaseCommand):
    help = (
        "Controleer de geschiedenis: de hashketen van het logboek, en voor elk ondertekend "
        "raadsbesluit de inhoud en het archief tegen wat bij ondertekening en archivering is "
        "vastgelegd. Exitcode 1 bij de eerste afwijking."
    )

    def handle(self, **options):
        problem = next(audit.chain_problems(), None) or next(audit.decision_problems(), None)
        if problem is not None:
            raise CommandError(f"Geschiedenis gewijzigd: {problem}")
        entries, decisions = AuditEntry.objects.count(), Proposal.objects.final().count()
        self.stdout.write(
            f"{entries} entries intact ({decisions} ondertekende raadsbesluiten gecontroleerd)."
        )
