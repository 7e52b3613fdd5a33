from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "palermo.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import panels
        from .navigation import NavItem

        self.nav_items = (
            NavItem("core:dashboard", _("Dashboard"), "dashboard.view", order=0),
            NavItem("core:audit", _("Audit trail"), "audit.read", order=80),
            NavItem("core:code_lists", _("Code lists"), "codelist.manage", order=92),
        )
        self.dashboard_panels = (
            panels.action_needed,
            panels.audit_links,
            panels.admin_links,
            panels.my_roles,
        )
