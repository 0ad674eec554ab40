from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from raadsvoorstel import actions, limits
from raadsvoorstel.interchange import InvalidDocuments, parse_documents
from raadsvoorstel.models import WorkflowError


class Command(BaseCommand):
    help = (
        "Importeer raadsvoorstellen in het formaat raadsvoorstel/1: een voorstel of een lijst "
        "per bestand. Alles of niets: bij een fout wordt niets opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Vervang een opgeslagen voorstel met hetzelfde nummer als het nog een concept is.",
        )

    def handle(self, *args, files: list[str], replace: bool, **options):
        # utf-8-sig: a byte-order mark, as some Windows tools write, is no reason to refuse.
        sources = []
        for name in files:
            try:
                # Its size first: a file over the limit is never read into memory.
                size = Path(name).stat().st_size
                if size > limits.MAX_IMPORT_BYTES:
                    self.stderr.write(
                        f"{name}: het bestand is {limits.megabytes(size)}; "
                        f"een importbestand is ten hoogste {limits.megabytes(limits.MAX_IMPORT_BYTES)}"
                    )
                    continue
                sources.append((name, Path(name).read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as error:
                self.stderr.write(f"{name}: kan het bestand niet lezen ({error})")
        if len(sources) < len(files):
            raise CommandError("Niets geïmporteerd.")
        try:
            proposals = actions.import_proposals(parse_documents(sources, replace=replace), replace=replace)
        except InvalidDocuments as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(invalid.errors)} fout(en); niets geïmporteerd.") from None
        except IntegrityError as error:
            # Someone stored the same number between our check and our write.
            raise CommandError(f"Niets geïmporteerd: {error}") from None
        except WorkflowError as refusal:
            raise CommandError(f"Niets geïmporteerd: {refusal}") from None
        for proposal in proposals:
            self.stdout.write(
                f"{proposal.municipality.code} {proposal.number}: {proposal.get_state_display()}"
            )
        self.stdout.write(f"{len(proposals)} voorstel(len) geïmporteerd.")
