from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from deals.pipeline import signals
        from deals.roles import ensure_roles_after_migrate

        signals.connect()
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
