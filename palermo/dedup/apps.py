from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DedupConfig(AppConfig):
    """The review queue and linkage jobs around the Django-free engine (palermo.dedup.engine)."""

    name = "palermo.dedup"
    label = "dedup"
    verbose_name = _("Deduplication")

    def ready(self) -> None:
        from palermo.core.navigation import NavItem

        from . import panels

        self.nav_items = (NavItem("dedup:queue", _("Deduplication"), "duplicate.review", order=41),)
        self.action_item_providers = (panels.review_items,)
        self.object_panels = {"registry.person": (panels.person_history,)}
