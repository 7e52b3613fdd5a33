"""The editable code lists and their starting entries (loaded by a data migration).

Fixed codes that the software's rules depend on (roles, capabilities, NRM states) are
enums in code; lists that an administrator may extend are rows of ``CodeItem``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CODE_LISTS = {
    "institution_type": _("Institution types"),
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
}
