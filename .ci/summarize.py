"""Print one closing line for the whole CI run from the JUnit files every tox env wrote."""

import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for report in sorted(Path(sys.argv[1]).glob("*.xml")):
    for suite in ElementTree.parse(report).getroot().iter("testsuite"):
        counts = {key: int(suite.get(key, 0)) for key in totals}
        for key in totals:
            totals[key] += counts[key]
        print(f"{report.stem}: {counts['tests']} tests, {counts['failures'] + counts['errors']} failed")
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print(f"{passed} passed, {failed} failed, {totals['skipped']} skipped")
