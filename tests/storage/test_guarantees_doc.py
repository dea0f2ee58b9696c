"""docs/data.md lists every storage guarantee with the test that proves it: each named
test must exist (a renamed or deleted test fails here, not silently in the docs)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_named_in_the_guarantees_table_exists() -> None:
    text = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    table = text.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(test_\w+\.py)::(test_\w+)`", table)
    assert len(named) >= 25
    for module, name in named:
        tree = ast.parse((ROOT / "tests" / "storage" / module).read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        assert name in defined, f"docs/data.md names {module}::{name}, which does not exist"
