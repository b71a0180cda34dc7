"""What the people receiving the reports read: residents (公示名单) and the leadership (汇总报告).

Each test builds its program folder with openpyxl and reads the written files as a person would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from selfgov_cli.report.env import md_escape
from selfgov_cli.report.publicity import render_publicity
from selfgov_cli.report.summary import render_summary, summary_data
from selfgov_cli.report.xlsx_layout import text_width
from selfgov_cli.validate import validate
from tests.helpers import (
    DECISIONS_HEADER,
    LEDGER_HEADER,
    SCORES_HEADER,
    write_config,
    write_form,
    write_table,
)
from tests.report.folders import form

AS_OF = date(2023, 9, 28)  # a Thursday: the publicity period runs across 国庆 2023


def puxing(root: Path, forms: list[dict], **config) -> Path:
    """A 浦兴 folder: one workbook per application, its budget one 工作经费 line of the full amount."""
    write_config(
        root,
        "puxing-2023",
        year=2023,
        office="浦兴路街道办事处",
        office_phone="021-58881234",
        **config,
    )
    for i, fields in enumerate(forms, start=1):
        write_form(
            root / "申报" / f"{i:02d}.xlsx",
            fields,
            [("工作经费", "物资", fields["申请金额"])],
            [(fields["项目负责人"], "负责人", "是", "否")],
        )
    return root


def cells(path: Path) -> list[tuple[str, object]]:
    ws = openpyxl.load_workbook(path).active
    return [(c.coordinate, c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_publicity_with_no_approved_project_says_so_without_an_empty_table(tmp_path):
    folder = puxing(
        tmp_path / "none",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰", 征询居民人数=12),  # PX003
            form("PX-2", "睦邻点", "二居", "李四", 听证会日期=None),  # PX004
        ],
    )
    result = validate(folder, as_of=AS_OF)
    out = tmp_path / "out"
    for fmt in ("md", "html", "xlsx"):
        render_publicity(result, out, fmt)
    notice = (
        "根据浦浦办〔2023〕4号《2023年浦兴路街道“自治金”项目实施方案》的有关规定，"
        "经居民区申报、街道审核，本次没有拟立项的项目。"
    )
    title = "浦兴路街道办事处关于2023年浦兴路街道“自治金”项目拟立项项目的公示"
    assert (out / "公示名单.md").read_text(encoding="utf-8") == (
        f"# {title}\n\n{notice}\n\n浦兴路街道办事处\n\n2023年9月28日\n"
    )
    html = (out / "公示名单.html").read_text(encoding="utf-8")
    assert f'<p class="notice">{notice}</p>' in html
    assert "<table>" not in html and "合计" not in html and "公示期" not in html
    assert cells(out / "公示名单.xlsx") == [
        ("A1", title),
        ("A2", notice),
        ("A4", "浦兴路街道办事处"),
        ("A5", "2023年9月28日"),
    ]


def test_neighborhoods_keep_sgov_toml_order_when_a_name_has_a_full_width_space(tmp_path):
    # sgov.toml lists 二居 first, typed with a full-width space as in the cells
    folder = puxing(
        tmp_path / "hoods",
        [
            form("PX-1", "楼道微更新", "浦兴一居", "张三丰"),
            form("PX-2", "睦邻点", "浦兴　二居", "李四"),
        ],
        neighborhoods=["浦兴　二居", "浦兴一居"],
    )
    result = validate(folder, as_of=AS_OF)
    assert [r["name"] for r in summary_data(result)["by_neighborhood"]] == ["浦兴 二居", "浦兴一居"]
    assert [r["neighborhood"] for r in result.disbursement.by_neighborhood()] == [
        "浦兴 二居",
        "浦兴一居",
    ]


def test_summary_md_findings_table_has_the_clause_column_like_html_and_xlsx(tmp_path):
    folder = puxing(
        tmp_path / "clause",
        [form("PX-1", "楼道微更新", "一居", "张三丰", 征询居民人数=12)],  # PX003
    )
    out = tmp_path / "out"
    render_summary(validate(folder, as_of=AS_OF), out, "md")
    lines = (out / "汇总报告.md").read_text(encoding="utf-8").splitlines()
    at = lines.index("## 问题统计（按规则）")
    assert lines[at + 2 : at + 5] == [
        "| 规则 | 级别 | 检查内容 | 依据 | 问题数 | 涉及项目 |",
        "|---|---|---|---|--:|--:|",
        "| PX003 | 错误 | 征询建议的居民少于 40 位 | 浦兴 附件1 一.2 | 1 | 1 |",
    ]
    ws = openpyxl.load_workbook(render_summary(validate(folder, as_of=AS_OF), out, "xlsx")[0])[
        "问题统计"
    ]
    assert [c.value for c in ws[2]] == [
        "PX003",
        "错误",
        "征询建议的居民少于 40 位",
        "浦兴 附件1 一.2",
        1,
        1,
    ]


def test_summary_reasons_for_the_leadership_name_no_command(tmp_path):
    folder = puxing(
        tmp_path / "line",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰"),
            form("PX-2", "睦邻点", "二居", "李四"),
            form("PX-3", "读书会", "三居", "王五"),
        ],
    )
    rows = [
        (pid, f"评委{i}", total) for pid, total in (("PX-1", 80), ("PX-2", 50)) for i in (1, 2, 3)
    ]
    write_table(folder / "评审打分.xlsx", "评审打分", SCORES_HEADER, rows)  # PX-3 unscored
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    for fmt in ("md", "html", "xlsx"):
        render_summary(result, out, fmt)
    md = (out / "汇总报告.md").read_text(encoding="utf-8")
    assert (
        "| PX-2 | 睦邻点 | 二居 | 未达入围分 | 评审排名第 2 名，评审得分低于入围分，未入围：不予立项拨付 |"
        in md
    )
    assert (
        "| PX-3 | 读书会 | 三居 | 未经评审 | 评审打分表中没有该项目的有效评分：未经评审，不予立项拨付 |"
        in md
    )
    ws = openpyxl.load_workbook(out / "汇总报告.xlsx")["未通过的项目"]
    assert [c.value for c in ws["E"]][1:] == [
        "评审排名第 2 名，评审得分低于入围分，未入围：不予立项拨付",
        "评审打分表中没有该项目的有效评分：未经评审，不予立项拨付",
    ]
    assert "sgov" not in (out / "汇总报告.html").read_text(encoding="utf-8").split("<body>")[1]


def test_publicity_xlsx_scores_are_numbers_shown_as_the_md_shows_them(tmp_path):
    folder = puxing(
        tmp_path / "scores",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰"),
            form("PX-2", "睦邻点", "二居", "李四", 上年十佳排名=3),  # green channel
        ],
    )
    rows = [("PX-1", f"评委{i}", total) for i, total in enumerate((80, 81, 81), start=1)]
    write_table(folder / "评审打分.xlsx", "评审打分", SCORES_HEADER, rows)
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    render_publicity(result, out, "md")
    assert "| 1 | 一居 | PX-1 | 楼道微更新 | 悦家 | 张＊丰 | 10,000.00 | 80.67 |" in (
        out / "公示名单.md"
    ).read_text(encoding="utf-8")
    ws = openpyxl.load_workbook(render_publicity(result, out, "xlsx")[0]).active
    header = next(c.row for c in ws["A"] if c.value == "序号")
    assert ws.cell(header, 8).value == "得分"
    scores = [
        (c.value, c.data_type, c.number_format) for c in ws["H"] if c.row > header and c.value
    ]
    assert scores == [(80.67, "n", "0.00"), ("免审（上年十佳）", "s", "General")]


def test_publicity_xlsx_a_40_character_name_wraps_instead_of_widening_the_print(tmp_path):
    name = "浦兴路街道一居民区楼组自治议事会暨睦邻守望互助服务与社区花园共建共享共治提升项目"
    assert len(name) == 40
    folder = puxing(tmp_path / "long", [form("PX-1", name, "一居", "张三丰")])
    out = tmp_path / "out"
    ws = openpyxl.load_workbook(
        render_publicity(validate(folder, as_of=AS_OF), out, "xlsx")[0]
    ).active
    cell = next(c for c in ws["D"] if c.value == name)
    assert cell.alignment.wrap_text
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths == {"A": 6, "B": 8, "C": 10, "D": 30, "E": 6, "F": 8, "G": 16}
    assert (ws.page_setup.orientation, ws.page_setup.fitToWidth) == ("portrait", 1)


def test_summary_names_the_round_its_ranking_comes_from(tmp_path):
    folder = puxing(
        tmp_path / "rounds",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰"),
            form("PX-2", "睦邻点", "二居", "李四"),
        ],
    )
    rows = [
        (pid, f"评委{i}", total, stage)
        for stage, totals in (
            ("立项评审", (("PX-1", 80), ("PX-2", 70))),
            ("年终评审", (("PX-1", 75), ("PX-2", 90))),
        )
        for pid, total in totals
        for i in (1, 2, 3)
    ]
    write_table(folder / "评审打分.xlsx", "评审打分", ("项目编号", "评审人", "总分", "轮次"), rows)
    result = validate(folder, as_of=date(2023, 12, 31))
    for stage, words, first in (("review", "立项评审", "PX-1"), ("final", "年终评审", "PX-2")):
        out = tmp_path / stage
        md = render_summary(result, out, "md", stage=stage)[0].read_text(encoding="utf-8")
        lines = md.splitlines()
        at = lines.index(f"## 评审排名（{words}）")
        assert lines[at + 4].startswith(f"| 1 | {first} |")
        html = render_summary(result, out, "html", stage=stage)[0].read_text(encoding="utf-8")
        assert f"、评审排名（{words}）</h2>" in html
        wb = openpyxl.load_workbook(render_summary(result, out, "xlsx", stage=stage)[0])
        assert wb[f"评审排名（{words}）"]["B2"].value == first


def test_summary_md_has_the_spending_by_expense_category_the_xlsx_and_html_have(tmp_path):
    folder = puxing(tmp_path / "spent", [form("PX-1", "楼道微更新", "一居", "张三丰")])
    write_form(
        folder / "申报" / "01.xlsx",
        form("PX-1", "楼道微更新", "一居", "张三丰"),
        [("工作经费", "物资", 9000), ("管理费", "杂项", 1000)],
    )
    ledger = [
        (
            date(2023, 4, 1),
            "PX-1",
            "工作经费",
            "物资",
            300,
            "F1",
            "商店",
            "商户",
            "是",
            "自治金项目 楼道微更新",
        ),
        (
            date(2023, 4, 2),
            "PX-1",
            "管理费",
            "杂项",
            "100.50",
            None,
            "张三",
            "居民",
            "是",
            "自治金项目 楼道微更新",
        ),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, ledger)
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    lines = render_summary(result, out, "md")[0].read_text(encoding="utf-8").splitlines()
    at = lines.index("## 按支出类别的支出")
    assert lines[at + 1 : at + 6] == [
        "",
        "| 支出类别 | 已支出 |",
        "|---|--:|",
        "| 工作经费 | 300.00 |",
        "| 管理费 | 100.50 |",
    ]
    ws = openpyxl.load_workbook(render_summary(result, out, "xlsx")[0])["支出类别"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        ["工作经费", 300],
        ["管理费", 100.5],
    ]
    assert "按支出类别的支出" in render_summary(result, out, "html")[0].read_text(encoding="utf-8")


def test_publicity_xlsx_notice_rows_are_tall_enough_for_their_text_over_a_narrow_table(tmp_path):
    address = "上海市浦东新区浦兴路街道金桥路1999弄88号社区事务受理服务中心三楼自治办公室"
    folder = puxing(
        tmp_path / "narrow",
        [form("PX-1", "读书会", "一居", "张三丰")],
        office_address=address,
    )
    ws = openpyxl.load_workbook(
        render_publicity(validate(folder, as_of=AS_OF), tmp_path / "out", "xlsx")[0]
    ).active
    across = sum(d.width for d in ws.column_dimensions.values())
    assert across == 64  # the short names make a narrow table
    objection = ws["A4"].value
    assert objection.endswith(f"地址：{address}。")
    assert text_width(objection) == 172  # three lines of 62
    assert [ws.row_dimensions[r].height for r in (1, 2, 3, 4)] == [42, 48, 32, 48]


def test_summary_dates_decisions_in_the_reports_own_style(tmp_path):
    folder = puxing(
        tmp_path / "decided",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰"),
            form("PX-2", "睦邻点", "二居", "李四"),
        ],
    )
    decision = (
        "PX-2",
        "异议成立",
        None,
        None,
        None,
        "与已立项活动重复",
        "周主任",
        date(2023, 9, 27),
        "记录1",
    )
    write_table(folder / "人工认定.xlsx", "人工认定", DECISIONS_HEADER, [decision])
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    md = render_summary(result, out, "md")[0].read_text(encoding="utf-8")
    assert "| PX-2 | 异议成立 | 与已立项活动重复 | 周主任 | 2023年9月27日 | 记录1 | 已生效 |" in md
    html = render_summary(result, out, "html")[0].read_text(encoding="utf-8")
    assert '<td class="c">2023年9月27日</td>' in html
    ws = openpyxl.load_workbook(render_summary(result, out, "xlsx")[0])["人工认定"]
    assert ws["E2"].value == "2023年9月27日"


def test_publicity_masks_a_spaced_out_name_as_one_name_and_drops_bracketed_notes(tmp_path):
    folder = puxing(
        tmp_path / "names",
        [
            form(
                "PX-1", "楼道微更新", "一居", "王　芳"
            ),  # spaced to line up with 3-character names
            form("PX-2", "睦邻点", "二居", "张三丰（退休教师）"),
            form("PX-3", "读书会", "三居", "欧阳 娜娜"),
            form("PX-4", "议事角", "四居", "张三、李四"),
        ],
    )
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    md = render_publicity(result, out, "md")[0].read_text(encoding="utf-8")
    leaders = [
        line.split(" | ")[5] for line in md.splitlines() if line.startswith("| ") and "PX-" in line
    ]
    assert leaders == ["王＊", "张＊丰", "欧阳＊娜", "张＊、李＊"]
    ws = openpyxl.load_workbook(render_publicity(result, out, "xlsx")[0]).active
    assert [c.value for c in ws["F"] if c.value and c.row > 5][1:] == [
        "王*",
        "张*丰",
        "欧阳*娜",
        "张*、李*",
    ]


def test_md_shows_no_backslash_before_a_plus_or_minus_that_starts_no_list(tmp_path):
    folder = puxing(
        tmp_path / "plus",
        [
            form("PX-1", "楼道微更新", "一居", "张三丰", 是否培育新团队="是"),
            form("PX-2", "- 睦邻点", "二居", "李四"),
        ],
    )
    rows = [(pid, f"评委{i}", 80) for pid in ("PX-1", "PX-2") for i in (1, 2, 3)]
    write_table(folder / "评审打分.xlsx", "评审打分", SCORES_HEADER, rows)
    md = render_summary(validate(folder, as_of=AS_OF), tmp_path / "out", "md")[0].read_text(
        encoding="utf-8"
    )
    assert (
        "| 1 | PX-1 | 楼道微更新 | 一居 | 3 | 80.00 | 83.00 | +3 培育新团队（1+N+X），加 3 分 |  |"
        in md
    )
    assert (
        "| 2 | PX-2 | \\- 睦邻点 | 二居 | 3 | 80.00 | 80.00 |  |  |" in md
    )  # a list marker stays escaped
    assert (md_escape("1) 第一项"), md_escape("1. 第一项"), md_escape("#5楼")) == (
        "1\\) 第一项",
        "1\\. 第一项",
        "#5楼",
    )


def test_summary_xlsx_says_no_findings_as_md_and_html_do(tmp_path):
    folder = puxing(tmp_path / "clean", [form("PX-1", "楼道微更新", "一居", "张三丰")])
    out = tmp_path / "out"
    result = validate(folder, as_of=AS_OF)
    assert "## 问题统计（按规则）\n\n未发现问题。\n" in render_summary(result, out, "md")[
        0
    ].read_text(encoding="utf-8")
    assert "<p>未发现问题。</p>" in render_summary(result, out, "html")[0].read_text(
        encoding="utf-8"
    )
    ws = openpyxl.load_workbook(render_summary(result, out, "xlsx")[0])["问题统计"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["规则", "级别", "检查内容", "依据", "问题数", "涉及项目"],
        ["未发现问题。", None, None, None, None, None],
    ]
