#!/usr/bin/env python3
"""Regenerate docs/ACCESS_DECISIONS.md from access/data/decision_table.toml."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access.decision_table import render_markdown  # noqa: E402

(ROOT / "docs" / "ACCESS_DECISIONS.md").write_text(render_markdown(), encoding="utf-8")
print("wrote docs/ACCESS_DECISIONS.md")
