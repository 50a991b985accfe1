"""A separate OS process that appends audit events, or seals them, for the concurrency test.

python -m tests.integration.audit_writer write --events 500 --tag w1
python -m tests.integration.audit_writer seal --until /tmp/stop-file
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["write", "seal"])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--until", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()

    import audit
    from audit.chain import seal_pending

    if args.mode == "write":
        for n in range(args.events):
            audit.record(None, "access.denied", writer=args.tag, n=n)
        return
    stop = Path(args.until)
    sealed = 0
    while not stop.exists():
        sealed += seal_pending()
        time.sleep(0.02)
    print(f"sealed {sealed}")


if __name__ == "__main__":
    main()
