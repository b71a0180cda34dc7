"""Validation: load a folder, run the common and program rules, summarise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from selfgov_cli.config import Config, load_config
from selfgov_cli.io.loader import Progress, load_folder
from selfgov_cli.model import Dataset
from selfgov_cli.rules.engine import Context, Finding, run_rules, summarize


@dataclass
class Validation:
    config: Config
    data: Dataset
    findings: list[Finding]
    as_of: date

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity.value == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity.value == "warning")

    def context(self) -> Context:
        return make_context(self.config, self.data, self.as_of)

    def to_dict(self) -> dict[str, Any]:
        counts = summarize(self.findings)
        return {
            "program": self.config.program.id,
            "findings": [f.to_dict() for f in self.findings],
            "summary": {
                "files": len(self.data.files),
                "projects": len({p.project_id for p in self.data.projects if p.project_id}),
                **counts,
            },
        }


def make_context(config: Config, data: Dataset, as_of: date) -> Context:
    return Context(
        data=data,
        program=config.program,
        as_of=as_of,
        settings=config.settings,
        neighborhoods=config.neighborhoods,
    )


def load(
    folder: Path | str,
    program: str | None = None,
    cache: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[Config, Dataset]:
    """The folder's configuration and everything read from its workbooks.

    cache: reuse workbooks parsed by an earlier run when unchanged (io/cache.py); workers: see
    io.loader.load_folder (None = in parallel when it pays); progress(done, total, file).
    """
    folder = Path(folder)
    config = load_config(folder, program)
    return config, load_folder(folder, workers=workers, cache=cache, progress=progress)


def validate(
    folder: Path | str,
    program: str | None = None,
    as_of: date | None = None,
    loaded: tuple[Config, Dataset] | None = None,
) -> Validation:
    config, data = loaded or load(folder, program)
    when = as_of or date.today()
    findings = run_rules(make_context(config, data, when))
    return Validation(config, data, findings, when)
