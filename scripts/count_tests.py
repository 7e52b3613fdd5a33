#!/usr/bin/env python
"""Sum the JUnit reports of a `make test` run; fail when no test ran or any failed."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> int:
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for path in paths:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            for key in totals:
                totals[key] += int(suite.get(key, 0))
        print(
            f"{path}: " + ", ".join(f"{k} {sum(int(s.get(k, 0)) for s in suites)}" for k in totals)
        )
    ran = totals["tests"] - totals["skipped"]
    print(
        f"TOTAL: {totals['tests']} tests, {ran} ran, {totals['skipped']} skipped, "
        f"{totals['failures']} failures, {totals['errors']} errors"
    )
    if ran <= 0:
        print("No test ran: this run proves nothing.")
        return 1
    return 1 if totals["failures"] or totals["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
