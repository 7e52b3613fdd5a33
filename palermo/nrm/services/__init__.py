"""Every write of the NRM: transitions, referrals, consent, tracks, settings."""

from .consent import consent_record, consent_withdraw
from .referrals import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_end,
    referral_send,
    referral_withdraw,
)
from .settings import nrm_settings_update
from .tracks import best_interests_record, track_record
from .transitions import allowed_transitions, transition_apply

__all__ = [
    "allowed_transitions",
    "best_interests_record",
    "consent_record",
    "consent_withdraw",
    "nrm_settings_update",
    "referral_accept",
    "referral_complete",
    "referral_decline",
    "referral_end",
    "referral_send",
    "referral_withdraw",
    "track_record",
    "transition_apply",
]
