"""Fixed codes shared by every app: roles, institution capabilities and record sections.

The codes are contracts (users.md); labels are translatable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    CASE_WORKER = "case_worker", _("Case worker")
    SUPERVISOR = "supervisor", _("Supervisor")
    INVESTIGATOR = "investigator", _("Investigator")
    VICTIM_ADVOCATE = "victim_advocate", _("Victim advocate")
    COORDINATOR = "coordinator", _("Coordinator")
    ANALYST = "analyst", _("Analyst")
    AUDITOR = "auditor", _("Auditor")
    TRAINER = "trainer", _("Trainer")
    ADMIN = "admin", _("Administrator")


class Capability(models.TextChoices):
    IDENTIFYING_AUTHORITY = "identifying_authority", _("Identifying authority")
    SHELTER = "shelter", _("Shelter")
    SERVICE_PROVIDER = "service_provider", _("Service provider")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    PROSECUTION = "prosecution", _("Prosecution")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    COORDINATION = "coordination", _("Coordination")


class Section(models.TextChoices):
    """Separately permissioned parts of a person's record."""

    METADATA = "metadata", _("Case metadata")
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact")
    LOCATION = "location", _("Location")
    HEALTH = "health", _("Health")
    STORY = "story", _("Exploitation story")
    ASSISTANCE = "assistance", _("Assistance")
    JUSTICE = "justice", _("Justice")


ALL_ROLES: frozenset[str] = frozenset(Role.values)
ALL_CAPABILITIES: frozenset[str] = frozenset(Capability.values)

# Roles whose holders can read personal data (in some scope): they must use a second factor.
# Admins and auditors are included because user management and the audit trail are as
# sensitive as the records themselves. Analysts and trainers never see a person's record.
SECOND_FACTOR_ROLES: frozenset[str] = ALL_ROLES - {Role.ANALYST, Role.TRAINER}
