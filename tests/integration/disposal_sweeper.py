"""A separate OS process running the disposal sweep, for the kill -9 test.

python -m tests.integration.disposal_sweeper --chunk 1
"""

from __future__ import annotations

import argparse
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunk", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from disposal import sweep

    sweep.propose_due(chunk=args.chunk)


if __name__ == "__main__":
    main()
