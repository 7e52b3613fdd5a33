from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "palermo.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from palermo.core.navigation import NavItem

        self.nav_items = (NavItem("accounts:users", _("Users"), "user.manage", order=90),)

        from . import demo

        self.demo_seeders = (demo.seed_users,)
        self.demo_resetters = (demo.reset_users,)
