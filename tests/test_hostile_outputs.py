"""An attack on the outputs, as a hostile or careless user would make one (seventh session):
personal data written in ways the detector missed, invisible characters, odd names and places.
Each test builds its input and fails without its fix."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from selfgov_cli.privacy import find
from tests import test_issue17 as issue17

AS_OF = "2023-12-31"
BIDI_NAME = "楼道微更新\u202e138\u200b1234\u200b5671"  # a bidi override and zero-width spaces
C1_TEXT = "修缮\x9b2J\x9d8;;http:e\x9c链\x7f"  # C1 controls (CSI, OSC, ST), DEL
SPACED_NAME = f"楼组议事{C1_TEXT} 138 - 1234 - 5672"
DESC_LANDLINE = "物资 +86-21-5888-1234"
INVOICE_0086 = "008613812345673"
# what a clerk must never find in a masked output: the digits of each number, and the invisibles
SECRETS = ("5671", "5672", "5888", "13812345673")
INVISIBLE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _folder(root: Path) -> Path:
    ledger = [
        (date(2023, 5, 2), "PX-2023-000", "工作经费", DESC_LANDLINE, 500, INVOICE_0086)
        + ("某店", "商户", "是", "")
    ]
    form = {  # what 浦兴 asks besides, so the projects reach the ranking and the money
        "负责人是否本居民区居民": "是",
        "征询居民人数": 60,
        "听证会日期": date(2023, 3, 10),
    }
    names = [(BIDI_NAME, "浦兴二居"), (SPACED_NAME, "浦兴一居")]
    return issue17.hostile_folder(root, names, ledger, form)


_run, _text = issue17._run, issue17._text  # the same CLI call and output reading


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory.mktemp("hostile") / "prog")


@pytest.mark.parametrize(
    "argv",
    [
        ("run", "-o", "{out}"),
        ("disburse", "--format", "json"),
        ("disburse", "--format", "csv", "-o", "{out}"),
        ("rank", "--format", "csv", "-o", "{out}"),
        ("rank",),
        ("explain", "PX-2023-000"),
        ("export", "-o", "{out}"),
        ("export", "--format", "xlsx", "-o", "{out}"),
        ("report", "-k", "publicity", "-f", "md", "-o", "{out}"),
        ("report", "-k", "summary", "-f", "html", "-o", "{out}"),
    ],
)
def test_numbers_written_oddly_and_invisible_characters_never_reach_an_output(
    folder, tmp_path, argv
):
    """008613812345673, +86-21-5888-1234, 138 - 1234 - 5672 and a phone split by zero-width
    spaces went out unmasked; a U+202E override went into every output, where it shows the rest
    of the line backwards (a publicity list, a terminal)."""
    args = [a.format(out=tmp_path) for a in argv]
    if args[0] == "explain":
        result = _run("explain", args[1], folder, "--as-of", AS_OF)
    else:
        result = _run(args[0], folder, *args[1:], "--as-of", AS_OF)
    assert result.exit_code in (0, 1), result.output
    texts = {"stdout": result.stdout}
    texts |= {
        p.name: _text(p)
        for p in tmp_path.rglob("*")
        if p.is_file() and "annotated" not in p.parts and p.suffix != ".png"
    }
    assert any("楼道微更新" in t for t in texts.values()), texts.keys()
    for where, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, (where, secret)
        assert not INVISIBLE.search(text), where
        assert find(text) == [], (where, [text[a:b] for a, b in find(text)])


def test_annotated_copies_keep_the_oddly_written_originals(folder, tmp_path):
    result = _run("report", folder, "-k", "annotated", "-o", tmp_path, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "annotated" / "经费台账.xlsx")["经费台账"]
    assert (ws["D2"].value, ws["F2"].value) == (DESC_LANDLINE, INVOICE_0086)


def test_names_differing_only_by_normalisation_get_distinct_copies():
    """café.xlsx composed (NFC) and decomposed (NFD) are two files on Linux but one on a Mac or in
    the zip the copies are sent on in: their annotated copies wrote one over the other there."""
    from selfgov_cli.report.annotate import annotated_names

    nfc, nfd = "申报/caf\u00e9.xlsx", "申报/cafe\u0301.xlsx"
    names = annotated_names([nfc, nfd, "申报/CAFÉ.xlsx"])
    assert names == {
        "申报/CAFÉ.xlsx": "申报/CAFÉ.xlsx",
        nfd: "申报/cafe\u0301(2).xlsx",  # sorted by name: e before é
        nfc: "申报/caf\u00e9(3).xlsx",
    }


@pytest.mark.parametrize(
    ("argv", "written"),
    [
        (("report", "-k", "summary", "-f", "xlsx"), "汇总报告.xlsx"),
        (("report", "-k", "publicity", "-f", "xlsx"), "公示名单.xlsx"),
        (("disburse", "--format", "xlsx"), "拨付核算.xlsx"),
        (("rank", "--format", "xlsx"), "评审排名.xlsx"),
        (("export", "--format", "xlsx"), "tables.xlsx"),
        (("validate", "--format", "csv"), "校验结果.csv"),
        (("run",), "汇总报告.xlsx"),  # refused before, but named as the -o it was not given
    ],
)
def test_a_default_output_folder_linked_into_the_inputs_is_refused(tmp_path, argv, written):
    """FOLDER/sgov-output as a link to 申报/: the default output was never checked, and
    `report -k summary -f xlsx` wrote over an application saved as 申报/汇总报告.xlsx."""
    folder = _folder(tmp_path / "prog")
    victim = folder / "申报" / written
    victim.write_bytes((folder / "申报" / "0.xlsx").read_bytes())
    (folder / "sgov-output").symlink_to("申报")
    before = {p.name: p.read_bytes() for p in (folder / "申报").iterdir()}
    result = _run(argv[0], folder, *argv[1:], "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert f"默认输出文件夹 {folder / 'sgov-output'} 指向 {folder / '申报'}" in result.output
    assert {p.name: p.read_bytes() for p in (folder / "申报").iterdir()} == before


_READ_LOCK = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from selfgov_cli.batch import read_lock
print(read_lock(Path(sys.argv[1])))
"""


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_lock_that_is_no_file_is_stale_not_a_hang(tmp_path, kind):
    """OUT/.sgov.lock as a FIFO made `sgov run` wait for ever (the nightly run never ended); as a
    link to /dev/zero it read until memory ran out (7.5 GB in 30 s)."""
    import os
    import subprocess
    import sys

    lock = tmp_path / ".sgov.lock"
    if kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/zero")
    child = subprocess.run(
        [sys.executable, "-c", _READ_LOCK, str(lock)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert (child.returncode, child.stdout) == (0, "None\n"), child.stderr[-500:]


def test_a_run_breaks_a_fifo_left_as_its_lock(tmp_path):
    import os
    import subprocess
    import sys

    folder = _folder(tmp_path / "prog")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / ".sgov.lock")
    done = subprocess.run(
        [sys.executable, "-m", "selfgov_cli.cli.app", "run", str(folder), "-o", str(out)]
        + ["--as-of", AS_OF],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 0, done.stderr[-500:]
    log = (out / AS_OF / "run.log").read_text(encoding="utf-8")
    assert "已清除它留下的锁（内容不明；锁文件已损坏或无法读取，按过期的锁处理）" in log
    assert not (out / ".sgov.lock").exists()


def _gbk(name: str) -> str:
    """A file name as Linux hands it to Python when its bytes are GBK (a zip made on a Chinese
    Windows, unpacked on Linux): each byte that is not UTF-8 is a lone surrogate."""
    import os

    return os.fsdecode(name.encode("gbk"))


@pytest.mark.skipif(__import__("sys").platform != "linux", reason="only Linux names files in bytes")
def test_a_file_named_in_gbk_is_read_and_named_readably(tmp_path):
    """validate --format json, export, run and the annotated copies failed whole ("内部错误",
    UnicodeEncodeError) on a GBK file name, and calamine refused the sound workbook as SG001."""
    folder = _folder(tmp_path / "prog")
    (folder / "申报" / "0.xlsx").rename(folder / "申报" / _gbk("德州读书会.xlsx"))
    (folder / "经费台账.xlsx").rename(folder / _gbk("年终补报.xlsx"))
    out = tmp_path / "out"
    for argv in (
        ("validate", "--format", "json"),
        ("export", "-o", out / "export"),
        ("report", "-k", "annotated", "-o", out / "ann"),
        ("run", "-o", out / "run"),
    ):
        result = _run(argv[0], folder, *argv[1:], "--as-of", AS_OF)
        assert result.exit_code in (0, 1), (argv, result.output[-800:])
        if argv[0] == "validate":
            import json

            payload = json.loads(result.stdout)
            files = {f["file"] for f in payload["findings"]}
            assert "年终补报.xlsx" in files  # its PX012 finding, named readably
            assert not [f for f in payload["findings"] if f["rule"] == "SG001"]
            assert payload["summary"]["projects"] == 2
    log = (out / "run" / AS_OF / "run.log").read_text(encoding="utf-8")
    assert "读取 申报/德州读书会.xlsx：申报表、预算明细、项目成员" in log
    assert (out / "ann" / "annotated" / _gbk("年终补报.xlsx")).is_file()  # the name it had
