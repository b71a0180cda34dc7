"""The publicity list: who is on it, masked names, no numbers, every format, byte-identical reruns."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from selfgov_cli.record import record_of
from selfgov_cli.report.common import working_days
from selfgov_cli.report.publicity import publicity_data, render_publicity
from selfgov_cli.report.summary import summary_data
from selfgov_cli.validate import validate
from tests.report.folders import (
    AS_OF,
    ID_NUMBER,
    INJECT_NAME,
    PHONE,
    SCRIPT_NAME,
    add_scores,
    puxing_folder,
)
from tests.report.goldens import check_golden, xlsx_dump
from tests.test_outcome import SAMPLES, goldens


@pytest.fixture
def folder(tmp_path):
    return puxing_folder(tmp_path / "puxing")


def _rows(data):
    return [
        (r["n"], r["project_id"], r["name"], r["leader"], r["amount"], r["score"])
        for r in data["rows"]
    ]


def test_without_scores_every_application_without_error_passes(folder):
    data = publicity_data(validate(folder, as_of=AS_OF))
    # PX-2023-004 has errors (PX003, PX011); 项目编号 in natural order (010 after 002)
    assert _rows(data) == [
        (1, "PX-2023-001", "楼道微更新", "张*丰", "9,000.00", ""),
        (2, "PX-2023-002", INJECT_NAME, "欧阳*娜", "10,000.00", ""),
        (3, "PX-2023-010", SCRIPT_NAME, "李*", "10,000.00", ""),
    ]
    assert data["amount_label"] == "金额（元）"  # one approved amount, two requested
    assert data["total"] == "29,000.00"
    assert data["columns"][-1] == "金额（元）"
    assert data["period"] == {"days": 5, "first": "2023年12月4日", "last": "2023年12月8日"}


def test_with_scores_ranked_order_and_below_line_left_out(folder):
    add_scores(folder)
    result = validate(folder, as_of=AS_OF)
    data = publicity_data(result)
    assert _rows(data) == [
        (1, "PX-2023-002", INJECT_NAME, "欧阳*娜", "10,000.00", "91.00"),
        (2, "PX-2023-001", "楼道微更新", "张*丰", "9,000.00", "82.00"),
    ]
    assert data["columns"][-1] == "得分"
    assert "评审打分" in data["notice"][0]


@pytest.mark.parametrize(
    ("start", "days", "first", "last"),
    [
        (date(2023, 12, 4), 5, date(2023, 12, 4), date(2023, 12, 8)),  # Monday
        (date(2023, 12, 7), 5, date(2023, 12, 7), date(2023, 12, 13)),  # Thursday: over a weekend
        (date(2023, 12, 9), 5, date(2023, 12, 11), date(2023, 12, 15)),  # Saturday: starts Monday
        (date(2023, 12, 4), 1, date(2023, 12, 4), date(2023, 12, 4)),
    ],
)
def test_working_days(start, days, first, last):
    assert working_days(start, days) == (first, last)


def test_publicity_days_setting(tmp_path):
    from tests.helpers import write_config

    folder = puxing_folder(tmp_path / "p")
    write_config(
        folder, "puxing-2023", settings={"publicity_days": 7}, year=2023, office="浦兴路街道办事处"
    )
    data = publicity_data(validate(folder, as_of=AS_OF))
    assert data["period"] == {"days": 7, "first": "2023年12月4日", "last": "2023年12月12日"}


@pytest.mark.parametrize(
    ("as_of", "first", "last"),
    [
        (date(2023, 9, 28), "2023年9月28日", "2023年10月10日"),  # 中秋/国庆, 10/7–10/8 worked
        (date(2024, 2, 7), "2024年2月7日", "2024年2月19日"),  # 春节, 2/18 worked
    ],
)
def test_publicity_period_skips_holidays_and_counts_adjusted_workdays(folder, as_of, first, last):
    data = publicity_data(validate(folder, as_of=as_of))
    assert data["period"] == {"days": 5, "first": first, "last": last}
    assert f"公示期为{first}至{last}（5个工作日）。" in data["notice"]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_golden_text_formats(folder, tmp_path, fmt):
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", fmt)
    assert path.name == f"公示名单.{fmt}"
    check_golden(f"publicity.{fmt}", path.read_text(encoding="utf-8"))


def test_golden_ranked_md(folder, tmp_path):
    add_scores(folder)
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", "md")
    check_golden("publicity-ranked.md", path.read_text(encoding="utf-8"))


def test_golden_xlsx(folder, tmp_path):
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", "xlsx")
    check_golden("publicity.xlsx.txt", xlsx_dump(path))
    import openpyxl

    ws = openpyxl.load_workbook(path)["公示名单"]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "序号")
    amount = ws.cell(header + 1, 7)
    assert (amount.value, amount.data_type, amount.number_format) == (9000, "n", "#,##0.00")
    assert ws.print_title_rows == f"${header}:${header}"
    assert (ws.page_setup.paperSize, ws.oddFooter.center.text) == (9, "第 &P 页，共 &N 页")  # A4


@pytest.mark.parametrize("fmt", ["html", "md", "xlsx"])
def test_no_phone_or_id_number_and_names_masked(folder, tmp_path, fmt):
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", fmt)
    text = xlsx_dump(path) if fmt == "xlsx" else path.read_text(encoding="utf-8")
    for secret in (PHONE, ID_NUMBER, "张三丰", "欧阳娜娜", "李四"):
        assert secret not in text
    assert "021-58881234" in text  # the office's own number is the contact for objections


def test_injection_is_plain_text_in_every_format(folder, tmp_path):
    import openpyxl

    result = validate(folder, as_of=AS_OF)
    html = render_publicity(result, tmp_path / "o", "html")[0].read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;老年助餐</td>" in html
    assert "<td>=HYPERLINK(&#34;http://evil.example&#34;,&#34;点我&#34;)</td>" in html
    md = render_publicity(result, tmp_path / "o", "md")[0].read_text(encoding="utf-8")
    assert "<script>" not in md
    assert "| &lt;script&gt;alert(1)&lt;/script&gt;老年助餐 |" in md
    xlsx = render_publicity(result, tmp_path / "o", "xlsx")[0]
    cells = [
        c
        for row in openpyxl.load_workbook(xlsx).active.iter_rows()
        for c in row
        if c.value == INJECT_NAME
    ]
    assert len(cells) == 1 and cells[0].data_type == "s"


@pytest.mark.parametrize("fmt", ["html", "md", "xlsx"])
def test_byte_identical_reruns(folder, tmp_path, fmt):
    result = validate(folder, as_of=AS_OF)
    first = render_publicity(result, tmp_path / "a", fmt)[0].read_bytes()
    again = validate(folder, as_of=AS_OF)
    second = render_publicity(again, tmp_path / "b", fmt)[0].read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_user_template_overrides_builtin(folder, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "publicity.md.j2").write_text(
        "{{ title }}|{% for r in rows %}{{ r.leader }};{% endfor %}\n", encoding="utf-8"
    )
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", "md", templates=mine)
    assert path.read_text(encoding="utf-8") == (
        "浦兴路街道办事处关于2023年浦兴路街道“自治金”项目拟立项项目的公示|张＊丰;欧阳＊娜;李＊;"
    )


def test_program_folder_templates_are_used(folder, tmp_path):
    (folder / "templates").mkdir()
    (folder / "templates" / "publicity.html.j2").write_text(
        "<p>{{ rows[1].name }}</p>\n", encoding="utf-8"
    )
    result = validate(folder, as_of=AS_OF)
    (path,) = render_publicity(result, tmp_path / "out", "html")
    assert (
        path.read_text(encoding="utf-8")
        == "<p>=HYPERLINK(&#34;http://evil.example&#34;,&#34;点我&#34;)</p>\n"
    )


def test_broken_template_is_a_report_error(folder, tmp_path):
    from selfgov_cli.report.env import ReportError

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "publicity.html.j2").write_text("{% for %}\n", encoding="utf-8")
    with pytest.raises(ReportError, match="第 1 行有语法错误"):
        render_publicity(validate(folder, as_of=AS_OF), tmp_path / "out", "html", templates=mine)


def test_sandbox_blocks_python_internals(folder, tmp_path):
    from selfgov_cli.report.env import ReportError

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "publicity.html.j2").write_text(
        "{{ rows.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8"
    )
    with pytest.raises(ReportError):
        render_publicity(validate(folder, as_of=AS_OF), tmp_path / "out", "html", templates=mine)


def test_a_category_that_is_a_code_is_named_for_residents_and_kept_as_the_code_in_the_data():
    """成都's classes are codes (A, B1 …): the publicity list and the summary say what each is
    (rules.md: A 参与能力提升 …); record.json, export and the JSON keep the code, which is what
    next year's history and the rules match."""
    outcome = validate(
        SAMPLES / "chengdu-2023", as_of=date.fromisoformat(goldens.AS_OF["chengdu-2023"])
    )
    shown = {row["project_id"]: row["category"] for row in publicity_data(outcome)["rows"]}
    assert shown["CD-2023-004"] == "A（参与能力提升）"
    assert shown["CD-2023-006"] == "B2（三级民主协商机制）"
    names = [row["name"] for row in summary_data(outcome)["by_category"]]
    assert names[:5] == [
        "A（参与能力提升）",
        "B1（基层民主政治建设）",
        "B2（三级民主协商机制）",
        "B3（试点奖补）",
        "C（提升推广）",
    ]
    kept = {p["project_id"]: p["category"] for p in record_of(outcome)["projects"]}
    assert (kept["CD-2023-004"], kept["CD-2023-006"]) == ("A", "B2")
