"""The editable code lists and their starting entries (loaded by a data migration).

Fixed codes that the software's rules depend on (roles, capabilities, NRM states) are
enums in code; lists that an administrator may extend are rows of ``CodeItem``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CODE_LISTS = {
    "institution_type": _("Institution types"),
    "indicator": _("Screening indicators"),
}

# list_code -> [(code, {language: label})]
INITIAL_ITEMS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "institution_type": [
        (
            "national_coordinator",
            {
                "en": "National anti-trafficking coordinator",
                "sq": "Koordinatori kombëtar kundër trafikimit",
            },
        ),
        ("police", {"en": "Police", "sq": "Policia"}),
        ("prosecution", {"en": "Prosecution", "sq": "Prokuroria"}),
        ("court", {"en": "Court", "sq": "Gjykata"}),
        ("ministry", {"en": "Ministry", "sq": "Ministria"}),
        ("social_work_centre", {"en": "Centre for social work", "sq": "Qendra për punë sociale"}),
        ("shelter", {"en": "Shelter", "sq": "Strehimore"}),
        ("ngo", {"en": "Non-governmental organisation", "sq": "Organizatë joqeveritare"}),
        ("labour_inspectorate", {"en": "Labour inspectorate", "sq": "Inspektorati i punës"}),
        (
            "border_police",
            {"en": "Border and migration police", "sq": "Policia kufitare dhe e migrimit"},
        ),
        ("health", {"en": "Health service", "sq": "Shërbim shëndetësor"}),
        ("education", {"en": "Education service", "sq": "Shërbim arsimor"}),
        ("bar_association", {"en": "Bar association", "sq": "Oda e avokatëve"}),
        ("international", {"en": "International partner", "sq": "Partner ndërkombëtar"}),
    ],
    "indicator": [
        (
            "deceived_about_work",
            {
                "en": "Deceived about the nature or conditions of work",
                "sq": "I mashtruar për natyrën ose kushtet e punës",
            },
        ),
        (
            "documents_withheld",
            {
                "en": "Identity documents held by someone else",
                "sq": "Dokumentet e identitetit i mban dikush tjetër",
            },
        ),
        (
            "debt_to_employer",
            {
                "en": "Owes a debt to an employer or recruiter",
                "sq": "Ka borxh ndaj punëdhënësit ose rekrutuesit",
            },
        ),
        (
            "movement_restricted",
            {"en": "Not free to leave or move", "sq": "Nuk është i lirë të largohet ose të lëvizë"},
        ),
        ("no_or_low_pay", {"en": "Little or no pay", "sq": "Pagë e vogël ose aspak"}),
        (
            "violence_or_threats",
            {
                "en": "Violence or threats against the person or family",
                "sq": "Dhunë ose kërcënime ndaj personit ose familjes",
            },
        ),
        (
            "isolation",
            {
                "en": "Isolated; does not speak the local language",
                "sq": "I izoluar; nuk flet gjuhën vendase",
            },
        ),
        ("excessive_hours", {"en": "Excessive working hours", "sq": "Orë pune të tepërta"}),
        (
            "living_at_workplace",
            {
                "en": "Lives at the workplace in poor conditions",
                "sq": "Jeton në vendin e punës në kushte të këqija",
            },
        ),
        (
            "child_without_guardian",
            {"en": "Child without a parent or guardian", "sq": "Fëmijë pa prind ose kujdestar"},
        ),
        (
            "forced_to_beg_or_steal",
            {
                "en": "Made to beg or commit offences",
                "sq": "I detyruar të lypë ose të kryejë vepra penale",
            },
        ),
        (
            "sexual_services_under_control",
            {
                "en": "Sexual services controlled by others",
                "sq": "Shërbime seksuale të kontrolluara nga të tjerët",
            },
        ),
    ],
}
