from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import backup


class Command(BaseCommand):
    help = (
        "Schrijf het hele archief naar een nieuwe of lege map: elk voorstel in raadsvoorstel/1, "
        "elk gearchiveerd raadsbesluit, elke scan en bijlage, het logboek en MANIFEST.sha256."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, directory: str, **options):
        try:
            count = backup.export_archive(Path(directory))
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Niet geëxporteerd: {error}") from None
        self.stdout.write(f"{count} voorstel(len) geëxporteerd naar {directory}.")
