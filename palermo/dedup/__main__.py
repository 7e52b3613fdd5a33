"""``python -m palermo.dedup``: see palermo.dedup.cli."""

import sys

from palermo.dedup.cli import main

sys.exit(main())
