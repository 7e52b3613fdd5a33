"""seed_demo: realistic, deterministic, idempotent, refuses production."""

from __future__ import annotations

import base64
import csv
import io

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import Membership, User
from palermo.core.roles import Role
from palermo.institutions.models import Institution

pytestmark = pytest.mark.django_db


def seed(tmp_path, *args):
    path = tmp_path / "logins.csv"
    call_command("seed_demo", "--logins", str(path), *args, stdout=io.StringIO())
    with path.open() as handle:
        return list(csv.DictReader(handle)), path


def test_every_role_has_a_user_and_the_csv_has_one_row_per_user_and_role(tmp_path):
    rows, path = seed(tmp_path)
    assert path.read_text().splitlines()[0] == "username,password,role,institution,totp_secret"
    assert {r["role"] for r in rows} == set(Role.values)
    assert len(rows) == Membership.objects.count()
    for row in rows:
        user = User.objects.get(username=row["username"])
        assert user.check_password(row["password"])
        device = TOTPDevice.objects.get(user=user)
        assert base64.b32encode(bytes.fromhex(device.key)).decode() == row["totp_secret"]
        assert device.verify_token(pyotp.TOTP(row["totp_secret"]).now())
        break  # one full check is enough for the slow password hash; the rest below


def test_the_institutions_are_a_realistic_referral_mechanism(tmp_path):
    seed(tmp_path)
    types = list(Institution.objects.values_list("type__code", flat=True))
    for kind, count in [
        ("national_coordinator", 1),
        ("police", 3),
        ("prosecution", 1),
        ("social_work_centre", 2),
        ("shelter", 1),
        ("ngo", 2),
        ("labour_inspectorate", 1),
        ("international", 1),
    ]:
        assert types.count(kind) == count, kind
    units = Institution.objects.filter(parent__code="police-thb")
    assert units.count() == 2


def test_running_twice_changes_nothing(tmp_path):
    first, _ = seed(tmp_path)
    counts = (User.objects.count(), Membership.objects.count(), Institution.objects.count())
    second, _ = seed(tmp_path)
    assert first == second
    assert counts == (User.objects.count(), Membership.objects.count(), Institution.objects.count())


def test_reset_with_another_seed_rebuilds_with_other_secrets(tmp_path):
    first, _ = seed(tmp_path)
    second, _ = seed(tmp_path, "--reset", "--seed", "7")
    assert [r["username"] for r in first] == [r["username"] for r in second]
    assert [r["password"] for r in first] != [r["password"] for r in second]
    assert User.objects.count() == len({r["username"] for r in second})


def test_refuses_to_run_under_production_settings(settings, tmp_path):
    settings.PALERMO_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="refuses"):
        call_command("seed_demo", "--logins", str(tmp_path / "x.csv"))
    assert not User.objects.exists()
