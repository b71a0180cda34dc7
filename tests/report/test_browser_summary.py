"""Real browser: the summary report prints on A4 landscape with every column of its wide tables."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from selfgov_cli.money import fmt_yuan
from selfgov_cli.pipeline import run
from selfgov_cli.report.publicity import render_publicity
from selfgov_cli.report.summary import render_summary

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
PDFTOTEXT = shutil.which("pdftotext")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT),
    reason="needs chromium and poppler-utils (apt-get install -y chromium poppler-utils); .ci/run installs them",
)


def _pdf_text(html: Path, pdf: Path) -> str:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         "--disable-background-networking", f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_sample_summary_and_publicity_print_whole(tmp_path):
    outcome = run(ROOT / "sample_workbooks" / "puxing-2023", as_of=date(2023, 12, 31))
    (summary,) = render_summary(outcome, tmp_path, "html")
    text = _pdf_text(summary, tmp_path / "s.pdf")
    flat = "".join(text.split())
    # the last column of the widest table is on the page, with the total row's figure
    for shown in ("可收回", "使用率", "执行率", "合规支出", "人工认定", "说明", "未通过的项目"):
        assert shown in flat
    recoverable = sum((p.money.recoverable for p in outcome.projects.values()), Decimal(0))
    assert fmt_yuan(recoverable) in flat
    (notice,) = render_publicity(outcome, tmp_path, "html")
    text = _pdf_text(notice, tmp_path / "p.pdf")
    flat = "".join(text.split())
    assert flat.count("PX-2023-") == len(outcome.approved()) + 1  # + the cancelled one named
    assert "免审（上年十佳）" in flat
