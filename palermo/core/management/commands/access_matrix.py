"""Write docs/access-matrix.md from the policy table (a test keeps the file current)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from palermo.core.policy import matrix_rows

HEADER = """# Access matrix

Generated from `palermo/core/policy.py` by `python manage.py access_matrix`; do not edit.
A test fails when this file and the policy table disagree.

Who may take an action: any of the listed roles, held in the user's *active* institution,
where that institution has one of the listed capabilities ("any with personal data" means
at least one capability: an institution with none — an international partner — gets no
personal data whatever its users' roles). Whether a given record is in the user's scope
(own institution, accepted referral, case team, break-glass, oversight) is decided by the
record's app; out-of-scope records answer 404.

| action | section | roles | institution capabilities |
|---|---|---|---|
"""


def render() -> str:
    lines = [f"| `{a}` | {s} | {r} | {c} |" for a, s, r, c in matrix_rows()]
    return HEADER + "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Regenerate docs/access-matrix.md from the policy table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit 1 if the file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.BASE_DIR) / "docs" / "access-matrix.md"
        content = render()
        if options["check"]:
            if not path.exists() or path.read_text() != content:
                self.stderr.write("docs/access-matrix.md is stale: run manage.py access_matrix")
                raise SystemExit(1)
            return
        path.parent.mkdir(exist_ok=True)
        path.write_text(content)
        self.stdout.write(f"wrote {path}")
