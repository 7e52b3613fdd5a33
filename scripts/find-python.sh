#!/bin/sh
# Print the path of a Python >= 3.12 interpreter, or explain what to install.
# Order: $PYTHON, interpreters on PATH, then pyenv's installed versions.
# A candidate counts only if it really runs and reports a version >= 3.12
# (pyenv shims exist for versions that are not selected and then fail).
ok() {
  "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}
for c in "${PYTHON:-}" python3.14 python3.13 python3.12 python3; do
  [ -n "$c" ] || continue
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then echo "$p"; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for p in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do
  if ok "$p"; then echo "$p"; exit 0; fi
done
echo "Palermo needs Python 3.12 or newer (with the venv module) and found none." >&2
echo "Install one, e.g. 'apt-get install python3 python3-venv' on Debian 13," >&2
echo "or 'pyenv install 3.13', or set PYTHON=/path/to/python3.12." >&2
exit 1
