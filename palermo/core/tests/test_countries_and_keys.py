from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from palermo.core import countries
from palermo.core.keys import parse_keyring

pytestmark = pytest.mark.nodb

KEY = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="  # 32 bytes


def test_kosovo_user_assigned_codes():
    assert countries.get("XK").alpha_3 == "XKX"
    assert countries.get("xkx").alpha_2 == "XK"
    assert countries.alpha3("XK") == "XKX"
    assert countries.display_name("XK") == "Kosovo*"


def test_iso_countries_unknown_and_stateless():
    assert countries.alpha3("AL") == "ALB"
    assert countries.alpha3("RS") == "SRB"
    assert countries.is_valid(countries.UNKNOWN)
    assert countries.is_valid(countries.STATELESS)
    assert not countries.is_valid("QQ")
    codes = [code for code, _name in countries.choices()]
    assert codes[-2:] == [countries.STATELESS, countries.UNKNOWN]
    assert "XK" in codes


def test_keyrings_put_the_current_key_first_and_keep_old_ones():
    ring = parse_keyring("X", f"k2:{KEY},k1:{KEY}")
    assert ring.current_id == "k2"
    assert ring.get("k1") == ring.current
    with pytest.raises(KeyError):
        ring.get("k3")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "not set"),
        ("nokeyid", "id:base64key"),
        ("k1:c2hvcnQ=", "at least 32 bytes"),
        (f"k1:{KEY},k1:{KEY}", "appears twice"),
        ("k1:@@@", "not valid base64"),
    ],
)
def test_bad_keyrings_are_refused_with_a_reason(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring("PALERMO_FIELD_KEYS", value)
