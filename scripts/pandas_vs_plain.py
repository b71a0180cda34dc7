"""Does pandas beat plain Python for sgov's per-row money work? (issue 18 asked for the figures.)

Times, on the ledger of a program folder (default: the `make bench` folder), the per-project,
per-category sum of positive amounts that the caps and `Context.spent_by_category` need: in plain
Python over the records, and with pandas (its import, building the frame, the group-by on Decimal
objects and on integer fen).

    python scripts/pandas_vs_plain.py [FOLDER]
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from selfgov_cli import pipeline

BENCH = Path(__file__).resolve().parent.parent / "bench" / "data" / "v4-n1000-m100000"


def _timed(action, repeat: int = 5) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.perf_counter() - started) / repeat


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else BENCH
    gc.disable()
    _, data = pipeline.load(folder, None, cache=True)
    rows = data.ledger

    def plain() -> dict:
        out: dict = {}
        for expense in rows:
            amount = expense.amount
            if amount is not None and amount > 0:
                sums = out.setdefault(expense.project_id, {})
                sums[expense.category] = sums.get(expense.category, 0) + amount
        return out

    started = time.perf_counter()
    import pandas as pd

    imported = time.perf_counter() - started
    started = time.perf_counter()
    frame = pd.DataFrame(
        {
            "pid": [e.project_id for e in rows],
            "cat": [e.category for e in rows],
            "amount": [e.amount for e in rows],
        }
    )
    built = time.perf_counter() - started

    def on_decimals():
        positive = frame[frame["amount"].map(lambda a: a is not None and a > 0)]
        return positive.groupby(["pid", "cat"])["amount"].sum()

    def on_fen():
        fen = frame["amount"].map(lambda a: int(a * 100) if a is not None else 0)
        with_fen = frame.assign(fen=fen)
        return with_fen[with_fen["fen"] > 0].groupby(["pid", "cat"])["fen"].sum()

    print(
        f"{len(rows):,} ledger rows: plain Python {_timed(plain):.3f} s; pandas: import "
        f"{imported:.3f} s, frame {built:.3f} s, group-by on Decimal {_timed(on_decimals):.3f} s, "
        f"on integer fen {_timed(on_fen):.3f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
