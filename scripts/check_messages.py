#!/usr/bin/env python
"""Fail unless the translation catalogues are current, complete and compile.

- every translatable string in the code and templates is in each catalogue (no missing or
  obsolete msgid: the catalogue is regenerated into a scratch copy and compared);
- every shipped language translates every string, and nothing is fuzzy;
- msgfmt --check accepts every catalogue.
Fix with: .venv/bin/python manage.py makemessages -a --no-obsolete (see docs/translating.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "palermo" / "locale"
IGNORES = [".venv/*", "bench/*", "var/*", "staticfiles/*", "test-artifacts/*"]


def entries(po: Path) -> dict[str, tuple[str, bool]]:
    """msgid (with context and plural) -> (msgstr, fuzzy) parsed from a .po file."""
    table: dict[str, tuple[str, bool]] = {}
    block: list[str] = []
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            _add(block, table)
        block = []
    table.pop("", None)  # the header
    return table


def _add(block: list[str], table: dict[str, tuple[str, bool]]) -> None:
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block)
    fields: dict[str, str] = {}
    current = None
    for line in block:
        if line.startswith("#"):
            continue
        if line.startswith('"') and current:
            fields[current] += _unquote(line)
            continue
        key, _, rest = line.partition(" ")
        current = key
        fields[key] = _unquote(rest)
    key = (
        fields.get("msgctxt", "")
        + "\x04"
        + fields.get("msgid", "")
        + "\x00"
        + fields.get("msgid_plural", "")
    )
    translated = fields.get("msgstr", "") or fields.get("msgstr[0]", "")
    if "msgid" in fields:
        table["" if not fields["msgid"] and "msgctxt" not in fields else key] = (
            translated,
            fuzzy,
        )


def _show(key: str) -> str:
    return repr(key.split("\x04")[-1].split("\x00")[0][:70])


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if text.startswith('"') and text.endswith('"') else text


def main() -> int:
    languages = sorted(
        p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "django.po").exists()
    )
    if not languages:
        print("no catalogues under palermo/locale")
        return 1
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        backup = Path(scratch) / "locale"
        shutil.copytree(LOCALE, backup)
        try:
            cmd = [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0"]
            for lang in languages:
                cmd += ["-l", lang]
            for pattern in IGNORES:
                cmd += ["-i", pattern]
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
            subprocess.run(cmd, cwd=ROOT, check=True, env=env)
            fresh = {
                lang: entries(LOCALE / lang / "LC_MESSAGES" / "django.po") for lang in languages
            }
        finally:
            shutil.rmtree(LOCALE)
            shutil.copytree(backup, LOCALE)
    for lang in languages:
        po = LOCALE / lang / "LC_MESSAGES" / "django.po"
        committed = entries(po)
        missing = sorted(set(fresh[lang]) - set(committed))
        obsolete = sorted(set(committed) - set(fresh[lang]))
        for key in missing[:20]:
            problems.append(f"{lang}: missing from the catalogue: {_show(key)}")
        for key in obsolete[:20]:
            problems.append(f"{lang}: no longer in the code: {_show(key)}")
        if lang != "en":
            for key, (msgstr, fuzzy) in committed.items():
                if not msgstr:
                    problems.append(f"{lang}: untranslated: {_show(key)}")
                elif fuzzy:
                    problems.append(f"{lang}: fuzzy: {_show(key)}")
        check = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        if check.returncode:
            problems.append(f"{lang}: msgfmt --check failed:\n{check.stderr}")
    if problems:
        print("Translation catalogues are not ready:")
        print("\n".join(f"  - {p}" for p in problems[:200]))
        print(f"({len(problems)} problems)")
        return 1
    print(f"Catalogues current and complete: {', '.join(languages)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
