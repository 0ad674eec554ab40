import datetime

from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import actions


class Command(BaseCommand):
    help = (
        "Herinnert de griffies aan regionale antwoorden die binnen 7 dagen verstuurd moeten zijn. "
        "Draai dit dagelijks (cron); wie al herinnerd is, krijgt geen tweede melding."
    )

    def add_arguments(self, parser):
        parser.add_argument("--datum", help="doe alsof het deze datum is (JJJJ-MM-DD)")

    def handle(self, datum: str | None, **options):
        try:
            today = datetime.date.fromisoformat(datum) if datum else None
        except ValueError:
            raise CommandError(f"--datum {datum}: geen datum als 2024-03-01.") from None
        given = actions.remind_answers_due(today)
        self.stdout.write(f"{given} herinnering(en) gegeven.")
