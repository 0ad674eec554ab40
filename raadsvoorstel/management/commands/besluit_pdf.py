from django.core.management.base import CommandError

from raadsvoorstel import actions, files, pdf
from raadsvoorstel.management.base import ProposalPdfCommand
from raadsvoorstel.models import Proposal


class Command(ProposalPdfCommand):
    help = (
        "Schrijf het raadsbesluit als PDF. Eenmaal ondertekend altijd de gearchiveerde bytes; "
        "is het archief er nog niet, dan wordt het eerst gemaakt."
    )

    def document(self, proposal: Proposal) -> bytes:
        if proposal.is_final:
            # The same idempotent work as the background task: never a second archive.
            archived = actions.archive_signed_decision(proposal)
            try:
                return files.read_verified(archived.file, archived.sha256)
            except files.DamagedFile as damage:
                raise CommandError(f"Het gearchiveerde raadsbesluit is beschadigd: {damage}") from None
        if not proposal.has_besluit:
            raise CommandError("Er is nog geen raadsbesluit: de raad heeft niet besloten.")
        return pdf.render_besluit(proposal)
