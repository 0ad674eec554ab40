from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import actions, audit, backup


class Command(BaseCommand):
    help = (
        "Zet een export van export_archive terug in een lege database: alles of niets, pas "
        "nadat elk bestand tegen MANIFEST.sha256 is gecontroleerd."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, directory: str, **options):
        try:
            count = actions.restore_archive(Path(directory))
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Niets teruggezet: {error}") from None
        problem = next(audit.chain_problems(), None) or next(audit.decision_problems(), None)
        if problem is not None:
            raise CommandError(f"Teruggezet, maar de geschiedenis klopt niet: {problem}")
        self.stdout.write(f"{count} voorstel(len) teruggezet uit {directory}; de geschiedenis is intact.")
