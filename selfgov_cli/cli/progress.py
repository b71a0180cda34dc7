"""The progress bar over the workbooks being read, for a folder that takes more than a moment."""

from __future__ import annotations

import time
from typing import Any

PROGRESS_AFTER = 0.5  # seconds: a quick command shows no progress bar at all


class ProgressBar:
    """A rich progress bar over the workbooks (io.loader's progress callback), shown only once
    reading takes more than PROGRESS_AFTER and gone when it ends (transient). `console`: where it
    is drawn (stdout for sgov run, stderr for the commands whose stdout may be JSON)."""

    def __init__(self, console: Any = None) -> None:
        self.started = time.monotonic()
        self.console = console
        self.bar = None
        self.task = None

    def __call__(self, done: int, total: int, path: str) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER or done >= total:
                return
            # start-up: loaded only once a bar is shown, so `sgov --help` stays light
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("读取工作簿"),
                BarColumn(),
                MofNCompleteColumn(),
                transient=True,
                console=self.console,
            )
            self.bar.start()
            self.task = self.bar.add_task("read", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
