from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import files
from raadsvoorstel.models import ArchivedDecision, Attachment, Decision, Proposal


class Command(BaseCommand):
    help = (
        "Controleer elk opgeslagen bestand tegen zijn SHA-256: gearchiveerde raadsbesluiten, "
        "scans van op papier getekende besluiten en bijlagen; en of elk ondertekend besluit "
        "gearchiveerd is. Noemt elk beschadigd of ontbrekend bestand; exitcode 1 als er een is."
    )

    def handle(self, **options):
        checked, problems = 0, []
        for archived in ArchivedDecision.objects.select_related("proposal__municipality").iterator():
            checked += 1
            problems += self.verify(archived.file, archived.sha256, f"raadsbesluit {archived.proposal.key}")
        scans = Decision.objects.exclude(paper_scan="").select_related("proposal__municipality")
        for decision in scans.iterator():
            checked += 1
            problems += self.verify(
                decision.paper_scan, decision.paper_scan_sha256, f"scan van {decision.proposal.key}"
            )
        for attachment in (
            Attachment.objects.exclude(file="").select_related("proposal__municipality").iterator()
        ):
            checked += 1
            problems += self.verify(
                attachment.file,
                attachment.sha256,
                f"bijlage “{attachment.title}” van {attachment.proposal.key}",
            )
        unarchived = (
            Proposal.objects.final().filter(archived_decision__isnull=True).select_related("municipality")
        )
        problems += [f"raadsbesluit {p.key}: ondertekend maar niet gearchiveerd" for p in unarchived]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} van {checked} bestanden niet in orde.")
        self.stdout.write(f"{checked} bestanden intact.")

    @staticmethod
    def verify(file, sha256: str, label: str) -> list[str]:
        try:
            files.read_verified(file, sha256)
        except files.DamagedFile as damage:
            return [f"{label}: {damage}"]
        return []
