"""Print each test runner's closing line from a `make test` log, then one total line.

Exits 1 when a runner reported a failure or when no runner reported any test at all.
"""

from __future__ import annotations

import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
JEST = re.compile(r"^Tests:\s+(.*\d+ total)\s*$")
PYTEST = re.compile(r"^=* ?(\d+ (?:passed|failed|errors?|skipped)\b.*) in [\d.]+s\b.*$")
PLAYWRIGHT = re.compile(r"^\s+(\d+) (passed|failed|flaky|skipped|did not run)\b(?: \(.*\))?\s*$")
COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|flaky)")
CHECKOV = re.compile(r"^Passed checks: (\d+), Failed checks: (\d+), Skipped checks: (\d+)")


def main(path: str) -> int:
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    runners = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = ANSI.sub("", raw.rstrip("\n"))
            for name, pattern in (("jest", JEST), ("pytest", PYTEST)):
                match = pattern.match(line)
                if match:
                    runners += 1
                    print(f"{name}: {match.group(1)}")
                    for number, kind in COUNT.findall(match.group(1)):
                        key = "failed" if kind.startswith("error") else kind
                        if key in totals:
                            totals[key] += int(number)
            match = CHECKOV.match(line)
            if match:
                # Static checks, not tests: only their failures count in the total.
                passed, failed, skipped = match.groups()
                print(f"checkov: {passed} checks passed, {failed} failed, {skipped} skipped")
                totals["failed"] += int(failed)
            match = PLAYWRIGHT.match(line)
            if match:
                number, kind = int(match.group(1)), match.group(2)
                print(f"playwright: {number} {kind}")
                if kind == "passed":
                    runners += 1
                    totals["passed"] += number
                elif kind in ("failed", "did not run"):
                    totals["failed"] += number
                elif kind == "skipped":
                    totals["skipped"] += number
    print(
        f"total: {totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped"
    )
    if runners == 0 or totals["passed"] == 0:
        print("no test runner reported a result", file=sys.stderr)
        return 1
    return 1 if totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
