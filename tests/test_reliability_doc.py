"""docs/reliability.md's "Bad input" table cannot rot: it has at least 30 rows, each row names at least one test,
and every named test is one pytest collects (parameters left out: `path::test_name` stands for all of them)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py::\w+)`")
MIN_ROWS = 30


def bad_input_rows() -> list[list[str]]:
    """The cells of each body row of the table under "## Bad input" (up to the next "## " heading)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Bad input\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    assert lines[0].replace(" ", "") == "|input|whatthesitedoes|test|", lines[0]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def collected(paths: list[str]) -> set[str]:
    """The test node ids pytest collects from `paths`, without their parameters."""
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             *paths], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {line.split("[", 1)[0] for line in result.stdout.splitlines() if "::" in line}


def test_every_bad_input_row_names_tests_that_exist():
    rows = bad_input_rows()
    assert len(rows) >= MIN_ROWS, f"{len(rows)} rows in the Bad input table, at least {MIN_ROWS} wanted"
    named = {}
    for row in rows:
        assert len(row) == 3 and all(row), f"a row needs an input, what the site does and tests: {row}"
        tests = NODE_ID.findall(row[2])
        assert tests and len(tests) == row[2].count("`") // 2, f"not all of these are test node ids: {row[2]}"
        for node in tests:
            named.setdefault(node, row[0])
    found = collected(sorted({node.split("::")[0] for node in named}))
    missing = {node: row for node, row in named.items() if node not in found}
    assert not missing, f"named in docs/reliability.md but not collected by pytest: {missing}"


def test_the_collection_tells_a_test_from_a_missing_one():
    found = collected(["tests/test_reliability_doc.py"])
    assert "tests/test_reliability_doc.py::test_every_bad_input_row_names_tests_that_exist" in found
    assert "tests/test_reliability_doc.py::test_no_such_test" not in found
