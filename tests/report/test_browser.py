"""Real browser: headless Chromium prints the publicity HTML to PDF; pdftotext reads it back."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from selfgov_cli.report.publicity import render_publicity
from selfgov_cli.validate import validate
from tests.helpers import write_form
from tests.report.folders import AS_OF, BUDGET, ID_NUMBER, PHONE, form, puxing_folder

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT and PDFINFO),
    reason="needs chromium and poppler-utils (apt-get install -y chromium poppler-utils); .ci/run installs them",
)


def _print_pdf(html, pdf):
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    pages = int(next(line.split()[-1] for line in subprocess.run(
        [PDFINFO, str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines() if line.startswith("Pages:")))  # fmt: skip
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return pages, text


def test_publicity_prints_on_one_a4_page(tmp_path):
    folder = puxing_folder(tmp_path / "p")
    (html,) = render_publicity(validate(folder, as_of=AS_OF), tmp_path / "out", "html")
    pages, text = _print_pdf(html, tmp_path / "p.pdf")
    assert pages == 1
    flat = "".join(text.split())  # a line may break inside the phone number
    for shown in (
        "张*丰",
        "欧阳*娜",
        "李*",
        "PX-2023-001",
        "<script>alert(1)</script>老年助餐",
        "第1页，共1页",
        "021-58881234",
    ):
        assert shown in flat
    for hidden in (PHONE, ID_NUMBER, "张三丰", "欧阳娜娜"):
        assert hidden not in text


def test_long_list_repeats_header_and_numbers_pages(tmp_path):
    folder = puxing_folder(tmp_path / "p", ledger=False)
    for i in range(11, 71):
        write_form(
            folder / "more" / f"{i}.xlsx",
            form(f"PX-2023-{i:03d}", f"睦邻项目{i}", f"浦兴{i}居", "赵钱孙"),
            BUDGET,
        )
    (html,) = render_publicity(validate(folder, as_of=AS_OF), tmp_path / "out", "html")
    pages, text = _print_pdf(html, tmp_path / "long.pdf")
    assert pages >= 2
    page_texts = text.split("\f")[:pages]
    with_rows = [page for page in page_texts if "PX-2023-" in page]
    assert len(with_rows) >= 2
    assert all("项目编号" in page for page in with_rows)  # the table header repeats on every page
    assert f"第 {pages} 页，共 {pages} 页" in page_texts[-1]
    assert "赵*孙" in text and "赵钱孙" not in text
