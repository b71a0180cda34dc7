"""Records built to last the whole command, kept out of the cycle collector's way.

A command is one short process: what it reads and computes (100,000s of records, findings and
counted rows) stays till it ends, and is freed by reference counting (records hold no cycles).
Left to the cycle collector, each collection while they are built rescans the young ones, and
each later collection rescans them all again; paused while they are built and then frozen
(gc.freeze), they are never scanned. Measured on 1,000 applications + 100,000 ledger rows: a warm
`sgov run` spent 0.18-0.29 s CPU in collections, 0.014 s with them kept out of its way.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def kept_for_the_command() -> Iterator[None]:
    """Pause the cycle collector while the block builds what the command keeps; freeze what is
    there after (also when the block fails) and let the collector run again if it ran before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


__all__ = ["kept_for_the_command"]
