"""Development keys: generated on first use into var/keys/, never committed."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def dev_key(var_dir: Path, name: str, *, key_id: str = "dev1") -> str:
    """Return a keyring string ``id:base64key`` stored in ``var/keys/<name>``, creating it once."""
    keys_dir = var_dir / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    path = keys_dir / name
    if not path.exists():
        material = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{key_id}:{material}\n")
    return path.read_text().strip()
