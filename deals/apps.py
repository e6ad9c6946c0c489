from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate, pre_save

        from deals.pipeline import signals
        from deals.roles import ensure_roles_after_migrate
        from deals.tokens import revoke_tokens_on_password_change

        signals.connect()
        post_migrate.connect(ensure_roles_after_migrate, sender=self)
        pre_save.connect(revoke_tokens_on_password_change, sender=get_user_model())
