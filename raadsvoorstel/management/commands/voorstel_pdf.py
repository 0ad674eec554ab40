from raadsvoorstel import pdf
from raadsvoorstel.management.base import ProposalPdfCommand
from raadsvoorstel.models import Proposal


class Command(ProposalPdfCommand):
    help = "Schrijf het raadsvoorstel als PDF."

    def document(self, proposal: Proposal) -> bytes:
        return pdf.render_voorstel(proposal)
