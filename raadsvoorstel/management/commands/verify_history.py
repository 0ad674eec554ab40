from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import audit
from raadsvoorstel.models import AuditEntry, Proposal


class Command(BaseCommand):
    help = (
        "Controleer de geschiedenis: de hashketen van het logboek, en voor elk ondertekend "
        "raadsbesluit de inhoud, de stemming en het archief tegen wat bij ondertekening en "
        "archivering is vastgelegd. Exitcode 1 bij de eerste afwijking."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="HASH",
            help="een eerder buiten de database bewaarde hash (de laatste regel van deze uitvoer) "
            "die nog in de keten moet staan; mag vaker",
        )

    def handle(self, anchor: list[str], **options):
        problem = (
            next(audit.chain_problems(), None)
            or next(filter(None, (audit.anchor_problem(a) for a in anchor)), None)
            or next(audit.decision_problems(), None)
        )
        if problem is not None:
            raise CommandError(f"Geschiedenis gewijzigd: {problem}")
        entries, decisions = AuditEntry.objects.count(), Proposal.objects.final().count()
        self.stdout.write(
            f"{entries} entries intact ({decisions} ondertekende raadsbesluiten gecontroleerd)."
        )
        restored = audit.unverifiable_council_records()
        if restored:
            self.stdout.write(
                f"Van {restored} besluit(en) staan de vergaderstukken niet in deze database (teruggezet uit "
                "een export); hun stemming is gecontroleerd zoals het besluit haar vermeldt."
            )
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        if last is not None:
            self.stdout.write(
                f"Laatste vermelding {last[0]}: {last[1]} (bewaar deze hash buiten de database)."
            )
