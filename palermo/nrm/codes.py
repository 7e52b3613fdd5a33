"""NRM code lists (nrm.md): service types, consent purposes, tracks, closure reasons."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.roles import Section as S


class ServiceType(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    IDENTIFICATION = "identification", _("Identification")
    INVESTIGATION = "investigation", _("Investigation")
    RETURN = "return", _("Return")
    EDUCATION = "education", _("Education")
    EMPLOYMENT = "employment", _("Employment")
    OTHER = "other", _("Other")


# Need to know: which sections a referral of each type may share at most.
SERVICE_SECTIONS: dict[str, frozenset[str]] = {
    ServiceType.SHELTER: frozenset(
        {S.METADATA, S.IDENTITY, S.CONTACT, S.LOCATION, S.HEALTH, S.ASSISTANCE}
    ),
    ServiceType.HEALTH: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.HEALTH}),
    ServiceType.LEGAL_AID: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.STORY, S.JUSTICE}),
    ServiceType.PSYCHOSOCIAL: frozenset(
        {S.METADATA, S.IDENTITY, S.CONTACT, S.HEALTH, S.STORY, S.ASSISTANCE}
    ),
    ServiceType.IDENTIFICATION: frozenset(
        {S.METADATA, S.IDENTITY, S.CONTACT, S.STORY, S.ASSISTANCE, S.JUSTICE}
    ),
    ServiceType.INVESTIGATION: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.STORY, S.JUSTICE}),
    ServiceType.RETURN: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.LOCATION, S.ASSISTANCE}),
    ServiceType.EDUCATION: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.ASSISTANCE}),
    ServiceType.EMPLOYMENT: frozenset({S.METADATA, S.IDENTITY, S.CONTACT, S.ASSISTANCE}),
    ServiceType.OTHER: frozenset({S.METADATA, S.IDENTITY, S.CONTACT}),
}


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended")


OPEN_REFERRAL_STATES = (ReferralState.SENT, ReferralState.ACCEPTED)


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    DATA_SHARING = "data_sharing", _("Sharing data with other institutions")
    STATISTICS = "statistics", _("Statistics in identifiable form")
    CONTACT = "contact", _("Being contacted")


class Track(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    RESIDENCE = "residence", _("Residence")
    RETURN = "return", _("Return")
    COMPENSATION = "compensation", _("Compensation")


TRACK_STATES: dict[str, list[tuple[str, object]]] = {
    Track.ASSISTANCE: [
        ("assessment", _("Needs assessment")),
        ("plan_agreed", _("Plan agreed")),
        ("in_assistance", _("In assistance")),
        ("social_inclusion", _("Social inclusion")),
        ("completed", _("Completed")),
    ],
    Track.RESIDENCE: [
        ("applied", _("Applied")),
        ("granted", _("Granted")),
        ("renewed", _("Renewed")),
        ("refused", _("Refused")),
        ("withdrawn", _("Withdrawn")),
    ],
    Track.RETURN: [
        ("requested", _("Requested")),
        ("risk_assessed", _("Risk assessed")),
        ("returned", _("Returned")),
    ],
    Track.COMPENSATION: [
        ("claimed", _("Claimed")),
        ("awarded", _("Awarded")),
        ("paid", _("Paid")),
        ("rejected", _("Rejected")),
    ],
}
# Decisions on a child's return or residence need a best-interests determination first.
CHILD_BID_REQUIRED = {
    (Track.RESIDENCE, "granted"),
    (Track.RESIDENCE, "refused"),
    (Track.RETURN, "requested"),
    (Track.RETURN, "returned"),
}


class ClosureReason(models.TextChoices):
    SOCIAL_INCLUSION_COMPLETED = "social_inclusion_completed", _("Social inclusion completed")
    RETURNED = "returned_to_country_of_origin", _("Returned to the country of origin")
    REFERRED_ABROAD = "referred_to_other_country", _("Referred to another country")
    DECLINED_ASSISTANCE = "declined_assistance", _("Declined assistance")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    DECEASED = "deceased", _("Deceased")
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    DUPLICATE_MERGED = "duplicate_merged", _("Duplicate, merged")
    OTHER = "other", _("Other")


class DeadlineKind(models.TextChoices):
    REFERRAL_DUE = "referral_due", _("Referral to the identifying authority due")
    REFLECTION_END = "reflection_end", _("Recovery and reflection period ends")
    NEEDS_ASSESSMENT_DUE = "needs_assessment_due", _("Needs assessment due")
    REFERRAL_RESPONSE_DUE = "referral_response_due", _("Answer to a referral due")
