from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RaadsvoorstelConfig(AppConfig):
    name = "raadsvoorstel"
    verbose_name = _("Raadsvoorstellen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the role predicates with django-rules and the guards on frozen text.
        from . import permissions, signals  # noqa: F401
