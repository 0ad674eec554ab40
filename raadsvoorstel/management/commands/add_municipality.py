from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from raadsvoorstel import actions
from raadsvoorstel.models import Municipality


class Command(BaseCommand):
    help = "Voeg een gemeente toe: CBS-code, naam en het aantal raadszetels (9 tot en met 45)."

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="GMxxxx", help="CBS-code, zoals GM0377")
        parser.add_argument("name", metavar="NAME", help="naam van de gemeente")
        parser.add_argument("--seats", type=int, required=True, help="aantal raadszetels")

    def handle(self, code: str, name: str, seats: int, **options):
        try:
            municipality = actions.add_municipality(code, name, seats=seats)
        except ValidationError as error:
            lines = [
                f"{_label(field)}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Gemeente niet toegevoegd.\n" + "\n".join(lines)) from None
        self.stdout.write(
            f"Gemeente {municipality.name} ({municipality.code}) toegevoegd met {seats} zetels."
        )


def _label(field: str) -> str:
    return str(Municipality._meta.get_field(field).verbose_name)
