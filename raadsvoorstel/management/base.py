from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel.models import Proposal


class ProposalPdfCommand(BaseCommand):
    """`GMxxxx NUMBER -o FILE`: one proposal's PDF, as `document()` makes it, into FILE."""

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="GMxxxx", help="CBS-code van de gemeente")
        parser.add_argument("number", metavar="NUMBER", help="registratienummer van het voorstel")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="het PDF-bestand")

    def handle(self, code: str, number: str, output: str, **options):
        proposal = Proposal.objects.with_document().filter(municipality__code=code, number=number).first()
        if proposal is None:
            raise CommandError(f"Geen voorstel {number} van gemeente {code}.")
        document = self.document(proposal)
        try:
            Path(output).write_bytes(document)
        except OSError as error:
            raise CommandError(f"Kan {output} niet schrijven: {error}") from None
        self.stdout.write(f"{output}: {len(document)} bytes")

    def document(self, proposal: Proposal) -> bytes:
        raise NotImplementedError
