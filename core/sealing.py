"""Sealing a small secret that is not part of a client file, for apps below records/ (access
seals authenticator seeds with it). records/ registers the implementation (records.crypto) at
start-up; this module only holds it, so that access/ need not import records/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SeedSealer:
    seal: Callable[[str, bytes], str]
    open: Callable[[str, str], bytes]
    is_sealed: Callable[[str], bool]


_sealer: SeedSealer | None = None


def register(sealer: SeedSealer) -> None:
    global _sealer
    _sealer = sealer


def sealer() -> SeedSealer:
    if _sealer is None:
        raise RuntimeError("no seed sealer registered (records app not loaded)")
    return _sealer
