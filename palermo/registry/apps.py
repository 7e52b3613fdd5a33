from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "palermo.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from palermo.core.navigation import NavItem

        from . import access, demo, panels  # noqa: F401  (access registers scope checks)
        from .services.attachments import rotate_attachment_keys

        self.nav_items = (
            NavItem("registry:search", _("Search and register"), "person.search", order=10),
            NavItem("registry:cases", _("Cases"), "person.read", order=20, section="metadata"),
            NavItem("registry:persons", _("Persons"), "person.read", order=30, section="metadata"),
            NavItem("registry:duplicates", _("Possible duplicates"), "duplicate.review", order=40),
            NavItem(
                "registry:access_reports", _("Access reports"), "person.access_report", order=45
            ),
        )
        self.dashboard_panels = (panels.registry_links,)
        self.action_item_providers = (panels.duplicate_items,)
        self.key_rotators = (rotate_attachment_keys,)
        self.demo_seeders = (demo.seed_registry,)
        self.demo_resetters = (demo.reset_registry,)
