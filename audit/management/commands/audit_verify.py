"""Recompute the audit hash chain and check it against the anchors. Exit code 1 if broken."""

from __future__ import annotations

import os
import resource

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (streaming, constant memory) and its anchors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal", action="store_true", help="do not seal pending events first"
        )
        parser.add_argument(
            "--blocks", type=int, default=chain.VERIFY_BLOCKS, help="seal blocks per fetch"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes checking blocks in parallel (PostgreSQL; default: one per CPU)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not options["no_seal"]:
            sealed = chain.seal_pending()
            if sealed:
                self.stdout.write(f"sealed {sealed} pending events first")

        last = [0]

        def progress(checked: int) -> None:
            if checked - last[0] >= 100_000:
                last[0] = checked
                self.stdout.write(f"  … {checked:,} events checked")

        report = chain.verify_chain(
            chunk=options["blocks"], progress=progress, workers=options["workers"]
        )
        rate = report.checked / report.seconds if report.seconds else 0
        peak_mb = (
            max(
                resource.getrusage(who).ru_maxrss
                for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            )
            / 1024
        )
        self.stdout.write(
            f"checked {report.checked:,} events up to sequence {report.head_seq} in "
            f"{report.seconds:.2f} s ({rate:,.0f} events/s, peak memory {peak_mb:.0f} MB); "
            f"{report.anchors_checked} anchors; {report.unsealed} not yet sealed"
        )
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"chain intact, head {report.head_hash}"))
            return
        problem = report.problem
        raise CommandError(f"CHAIN BROKEN ({problem.kind}): {problem.message}")
