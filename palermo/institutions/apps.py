from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "palermo.institutions"
    verbose_name = _("Institutions")

    def ready(self) -> None:
        from palermo.core.navigation import NavItem

        from . import access, selectors  # noqa: F401  (register the scope check, the signals)

        self.nav_items = (
            NavItem("institutions:list", _("Institutions"), "institution.list", order=85),
        )

        from . import demo

        self.demo_seeders = (demo.seed_institutions,)
        self.demo_resetters = (demo.reset_institutions,)
