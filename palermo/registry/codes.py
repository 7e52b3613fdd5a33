"""Fixed code lists of the registry (data-model.md). Codes are stable contracts used by
statistics and exports; labels are translatable. "Unknown" is always a value, never a blank.
Lists an administrator may extend (indicators) are CodeItem rows instead."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Script(models.TextChoices):
    LATIN = "latin", _("Latin")
    CYRILLIC = "cyrillic", _("Cyrillic")


class DobPrecision(models.TextChoices):
    FULL = "full", _("Full date")
    YEAR = "year", _("Year only")
    ESTIMATED = "estimated", _("Estimated from age")
    UNKNOWN = "unknown", _("Unknown")


class DocumentType(models.TextChoices):
    NONE = "none", _("None")
    PASSPORT = "passport", _("Passport")
    ID_CARD = "id_card", _("Identity card")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    TRAVEL_DOCUMENT = "travel_document", _("Travel document")
    OTHER = "other", _("Other")


class CaseKind(models.TextChoices):
    NRM = "nrm", _("NRM case (presumed or identified victim)")
    PROTECTION = "protection", _("Protection case (person at risk)")


class CaseState(models.TextChoices):
    """NRM identification states (nrm.md); a protection case is OPEN until it turns into an
    NRM case or closes."""

    OPEN = "open", _("Open (protection)")
    DETECTED = "detected", _("Detected")
    PRESUMED_VICTIM = "presumed_victim", _("Presumed victim")
    REFERRED = "referred", _("Referred")
    RECOVERY_REFLECTION = "recovery_reflection", _("Recovery and reflection period")
    IDENTIFIED = "identified", _("Identified")
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    CLOSED = "closed", _("Closed")


class DetectionSource(models.TextChoices):
    POLICE = "police", _("Police")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    NGO_OUTREACH = "ngo_outreach", _("NGO outreach")
    HOTLINE = "hotline", _("Hotline")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    HEALTH = "health", _("Health services")
    EDUCATION = "education", _("Education")
    BORDER = "border", _("Border")
    SOCIAL_SERVICES = "social_services", _("Social services")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class TraffickingScope(models.TextChoices):
    INTERNAL = "internal", _("Internal (within the country)")
    TRANSNATIONAL = "transnational", _("Transnational")
    UNKNOWN = "unknown", _("Unknown")


class ExploitationForm(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Forced labour or services")
    BEGGING = "begging", _("Forced begging")
    CRIMINALITY = "criminality", _("Forced criminality")
    MARRIAGE = "marriage", _("Forced marriage")
    ORGAN_REMOVAL = "organ_removal", _("Organ removal")
    ILLEGAL_ADOPTION = "illegal_adoption", _("Illegal adoption")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class LabourSector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture")
    CONSTRUCTION = "construction", _("Construction")
    DOMESTIC_WORK = "domestic_work", _("Domestic work")
    HOSPITALITY = "hospitality", _("Hospitality")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    FISHING = "fishing", _("Fishing")
    BEGGING = "begging", _("Begging")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class MeansOfControl(models.TextChoices):
    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    WITHHELD_DOCUMENTS = "withheld_documents", _("Withheld documents")
    THREATS = "threats", _("Threats")
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    RESTRICTED_MOVEMENT = "restricted_movement", _("Restricted movement")
    WITHHELD_WAGES = "withheld_wages", _("Withheld wages")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    FALSE_PROMISES = "false_promises", _("False promises")
    OTHER = "other", _("Other")


class RecruiterRelation(models.TextChoices):
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner")
    FAMILY = "family", _("Family member")
    FRIEND = "friend", _("Friend or acquaintance")
    EMPLOYER = "employer", _("Employer")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class RelationKind(models.TextChoices):
    """How ``to_person`` relates to ``from_person``."""

    CHILD = "child", _("Child")
    DEPENDANT = "dependant", _("Dependant")
    ACCOMPANYING_ADULT = "accompanying_adult", _("Accompanying adult")
    GUARDIAN = "guardian", _("Guardian")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")


class Accompaniment(models.TextChoices):
    ACCOMPANIED = "accompanied", _("Accompanied")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    UNKNOWN = "unknown", _("Unknown")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (adult)")


class AttachmentKind(models.TextChoices):
    SCREENING_FORM = "screening_form", _("Screening form")
    DECISION = "decision", _("Decision")
    CONSENT = "consent", _("Consent form")
    MEDICAL = "medical", _("Medical document")
    IDENTITY_DOCUMENT = "identity_document", _("Identity document copy")
    OTHER = "other", _("Other")


ADULT_AGE = 18
