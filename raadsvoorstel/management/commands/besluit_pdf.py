from django.core.management.base import CommandError

from raadsvoorstel import pdf
from raadsvoorstel.management.base import ProposalPdfCommand
from raadsvoorstel.models import ArchivedDecision, Proposal, State


class Command(ProposalPdfCommand):
    help = "Schrijf het raadsbesluit als PDF: het gearchiveerde zodra het ondertekend is."

    def document(self, proposal: Proposal) -> bytes:
        archived = ArchivedDecision.objects.filter(proposal=proposal).first()
        if archived is not None:
            with archived.file.open("rb") as stored:
                return stored.read()
        if proposal.state not in (State.ADVISED, State.SIGNED, State.RBOP_ADOPTED):
            raise CommandError("Er is nog geen raadsbesluit: de raad heeft niet besloten.")
        return pdf.render_besluit(proposal)
