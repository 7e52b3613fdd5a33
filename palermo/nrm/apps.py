from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NrmConfig(AppConfig):
    name = "palermo.nrm"
    label = "nrm"
    verbose_name = _("National Referral Mechanism")

    def ready(self) -> None:
        from palermo.core.navigation import NavItem

        from . import access, demo, panels  # noqa: F401  (access registers scope checks)

        self.nav_items = (
            NavItem("nrm:referrals", _("Referrals"), "referral.list", order=25),
            NavItem("nrm:oversight", _("NRM oversight"), "nrm.oversight", order=45),
            NavItem("nrm:settings", _("NRM deadlines"), "nrm.settings", order=46),
        )
        self.object_panels = {"registry.case": (panels.case_nrm_panel,)}
        self.action_item_providers = (panels.deadline_items,)
        self.demo_seeders = (demo.seed_nrm,)
        self.demo_resetters = (demo.reset_nrm,)
