from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import consultation
from raadsvoorstel.models import RegionalPlan


class Command(BaseCommand):
    help = (
        "Schrijf de stand van de consultatie over een regionaal plan als CSV naar de standaarduitvoer: "
        "code,name,state,advice,meeting_date,answer_sent_on, een regel per gemeente."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help="code van het plan, zoals imv-nh-2024-2027")

    def handle(self, code: str, **options):
        plan = RegionalPlan.objects.select_related("regional_body").filter(code=code).first()
        if plan is None:
            raise CommandError(f"Geen regionaal plan met de code {code}.")
        self.stdout.write(consultation.report_csv(consultation.overview(plan)), ending="")
