"""What counts as unusual, and how fast someone must answer it: the anomaly rules' thresholds
(audit/anomalies.py), office hours, and incident response deadlines (audit/incidents.py). Every
value can be set from the environment; README.md lists them."""

from __future__ import annotations

import environ


def _range(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def anomaly_thresholds(env: environ.Env) -> dict[str, int | float]:
    return {
        # Reveals: an hour with more than FACTOR x the person's own usual hourly volume (over
        # the last HISTORY_DAYS) raises an alert; more than FLOOR may always raise one (issue
        # 17 §18: a fixed 20 an hour missed someone who usually reveals one).
        "reveals_floor": env.int("BAOMI_ANOMALY_REVEALS_FLOOR", default=5),
        "reveals_factor": env.float("BAOMI_ANOMALY_REVEALS_FACTOR", default=3.0),
        "reveals_history_days": env.int("BAOMI_ANOMALY_REVEALS_HISTORY_DAYS", default=30),
        "exports_per_hour": env.int("BAOMI_ANOMALY_EXPORTS_PER_HOUR", default=5),
        "export_rows": env.int("BAOMI_ANOMALY_EXPORT_ROWS", default=500),
    }


def office_hours(env: environ.Env) -> tuple[tuple[int, int], set[int]]:
    """Whole local hours [start, end) and ISO weekdays. Real-estate offices open at weekends:
    every day is a working day unless configured otherwise."""
    days = _range(env.str("BAOMI_OFFICE_DAYS", default="1-7"))
    return _range(env.str("BAOMI_OFFICE_HOURS", default="8-21")), set(range(days[0], days[1] + 1))


def incident_response_hours(env: environ.Env) -> dict[str, int]:
    """Hours from a report by which the security officer must have responded, by severity
    ("unrated": until first triaged). Past it, management is told (R73, issue 17 §14)."""
    return {
        "unrated": env.int("BAOMI_INCIDENT_HOURS_UNRATED", default=24),
        "critical": env.int("BAOMI_INCIDENT_HOURS_CRITICAL", default=4),
        "high": env.int("BAOMI_INCIDENT_HOURS_HIGH", default=24),
        "medium": env.int("BAOMI_INCIDENT_HOURS_MEDIUM", default=72),
        "low": env.int("BAOMI_INCIDENT_HOURS_LOW", default=240),
    }
