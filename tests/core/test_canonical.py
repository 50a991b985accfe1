"""The canonical JSON of an event is exactly the standard library's sorted, compact form."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.canonical import canonical_bytes

text = st.text(max_size=40)
scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | text
details = st.recursive(
    st.dictionaries(text, scalars, max_size=5),
    lambda children: st.dictionaries(
        text, children | st.lists(scalars | children, max_size=4), max_size=4
    ),
    max_leaves=15,
)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)


def reference(row: tuple, seq: int) -> bytes:
    (event_id, at, actor, name, number, dept, action, ttype, tid, tlabel, ip, ua, rid, det) = row
    delta = at - datetime(1970, 1, 1, tzinfo=UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    document = {
        "action": action,
        "actor": actor,
        "actor_department": dept,
        "actor_name": name,
        "actor_number": number,
        "at": micros,
        "details": det,
        "id": event_id,
        "ip": ip,
        "request": rid,
        "seq": seq,
        "target": [ttype, tid, tlabel],
        "ua": ua,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


@settings(max_examples=300, deadline=None)
@given(
    event_id=st.integers(min_value=1, max_value=2**62),
    seq=st.integers(min_value=1, max_value=2**62),
    at=moments,
    actor=st.none() | st.integers(min_value=1, max_value=10**9),
    strings=st.lists(text, min_size=9, max_size=9),
    ip=st.none() | st.sampled_from(["127.0.0.1", "10.0.0.66", "2001:db8::1"]),
    det=details,
)
def test_r70_canonical_json_is_byte_identical_to_the_reference_definition(
    event_id, seq, at, actor, strings, ip, det
):
    name, number, dept, action, ttype, tid, tlabel, ua, rid = strings
    row = (event_id, at, actor, name, number, dept, action, ttype, tid, tlabel, ip, ua, rid, det)
    assert canonical_bytes(row, seq) == reference(row, seq)
    # PostgreSQL hands jsonb back as text; the result must not depend on that.
    as_text = (*row[:-1], json.dumps(det, ensure_ascii=False))
    assert canonical_bytes(as_text, seq) == reference(row, seq)
