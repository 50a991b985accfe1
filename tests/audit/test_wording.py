"""Issue 16 §4: the audit console reads each code in the words of where it was written. One flat
vocabulary once made a hand-over's "pending" read "awaiting approval" and a reveal's "other"
read "other urgent reason" (emergency access's)."""

from __future__ import annotations

from django.utils import translation

from audit import wording


def test_r16_a_state_reads_in_its_workflows_words():
    with translation.override("zh-hans"):
        pairs = dict(wording.details({"workflow": "transfer:3", "moved": "pending>cancelled"}))
        assert pairs["状态变化"] == "待接收 → 已撤回"
        loan = dict(wording.details({"workflow": "borrow:3", "moved": "pending>approved"}))
        assert loan["状态变化"].startswith("待审批")


def test_r16_a_reason_reads_in_its_actions_words():
    with translation.override("zh-hans"):
        reveal = dict(wording.details({"reason": "other"}, "record.reveal"))
        emergency = dict(wording.details({"reason_code": "other"}, "access.break_glass"))
    assert reveal["原因"] == "其他（请在备注中说明）"
    assert emergency["原因"] == "其他紧急原因"


def test_r16_a_reference_keeps_its_case_and_a_missing_value_reads_empty():
    assert wording.target_label("hold (2026)京0105民初8888号 lawsuit-a").endswith("lawsuit-a")
    assert wording.target_label("draft 5f820b75").endswith("5F820B75")
    from access.templatetags.baomi import words

    assert words(None, "role") == ""


def test_r71_every_periodic_job_and_what_it_counts_has_words_for_the_kpi_page():
    """A job's name and its counts are shown on the KPI page: one without words showed its
    code (records.expire_imports and its "expired" count did)."""
    import re
    from pathlib import Path

    from audit.words import COUNTS, JOBS

    root = Path(__file__).resolve().parents[2]
    code = "\n".join(
        path.read_text()
        for top in ("access", "audit", "records", "disposal")
        for path in (root / top).rglob("*.py")
    )
    jobs = set(re.findall(r'job_run\(\s*"([a-z_.]+)"', code))
    counted = set(re.findall(r'counts\["([a-z_]+)"\]\s*[+]?=', code))
    assert jobs - set(JOBS) == set()
    assert counted - set(COUNTS) == set()
