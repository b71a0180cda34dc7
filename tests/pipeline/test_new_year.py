"""A clerk starts the 2024 year from `sgov init --program puxing-2023`, fills the templates by hand
and runs the whole batch: clean, with 2024 dates and titles everywhere (issue 13)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.batch import run_batch
from selfgov_cli.cli.app import app

FORM = {
    "项目编号": "PX-2024-001",
    "项目名称": "金桥湾楼组邻里节",
    "项目类别": "悦家",
    "居民区": "金桥湾居民区",
    "申报主体": "金桥湾居委会",
    "项目负责人": "张三丰",
    "负责人是否本居民区居民": "是",
    "申请金额": "贰万元整",  # the 大写 of a formal form
    "开始日期": "2024年3月1日",
    "结束日期": "2024-12-31",
    "征询居民人数": 45,
    "听证会日期": "2024/2/20",
}


def fill_form(path: Path, values: dict, budget: list[tuple], members: list[tuple]) -> None:
    wb = load_workbook(path)
    ws = wb["申报表"]
    for row in ws.iter_rows(min_row=1, max_col=1):
        label = str(row[0].value or "").lstrip("*")
        if label in values:
            ws.cell(row=row[0].row, column=2, value=values[label])
    for r, line in enumerate(budget, start=2):
        for c, value in enumerate(line, start=1):
            wb["预算明细"].cell(row=r, column=c, value=value)
    for r, line in enumerate(members, start=2):
        for c, value in enumerate(line, start=1):
            wb["项目成员"].cell(row=r, column=c, value=value)
    wb.save(path)


def fill_table(path: Path, rows: list[dict]) -> None:
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [str(c.value or "").lstrip("*") for c in ws[1]]
    for r, row in enumerate(rows, start=2):
        for key, value in row.items():
            ws.cell(row=r, column=header.index(key) + 1, value=value)
    wb.save(path)


def test_a_2024_year_from_init_runs_clean_with_2024_dates_and_titles(tmp_path):
    folder = tmp_path / "2024"
    assert CliRunner().invoke(app, ["init", str(folder), "--program", "puxing-2023"]).exit_code == 0
    toml = folder / "sgov.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("# year = 2023", "year = 2024")
    text = text.replace('# office = "街道自治办"', 'office = "浦兴路街道自治办"')
    toml.write_text(text, encoding="utf-8")
    application = folder / "申报" / "01-金桥湾.xlsx"
    application.parent.mkdir()
    shutil.move(folder / "申报表.xlsx", application)
    fill_form(
        application,
        FORM,
        budget=[
            ("工作经费", "活动物资", None, None, 15000, None),
            ("志愿者补贴", "茶水", None, None, 5000, None),
        ],
        members=[("张三丰", "负责人", "是", "否"), ("李四", "成员", "是", "否")],
    )
    fill_table(
        folder / "评估结果.xlsx",
        [{"项目编号": "PX-2024-001", "中期评估": "合格", "立项日期": "2024-03-15"}],
    )
    fill_table(
        folder / "经费台账.xlsx",
        [
            {"日期": "2024-04-10", "项目编号": "PX-2024-001", "支出类别": "工作经费", "摘要": "活动物资",
             "金额": 7000, "发票号": "24000001", "收款方": "超市", "收款方身份": "商户", "负责人签字": "是",
             "备注": "自治金项目 金桥湾楼组邻里节"},
            {"日期": "2024-09-10", "项目编号": "PX-2024-001", "支出类别": "志愿者补贴", "摘要": "志愿者茶水",
             "金额": 2000, "发票号": "无", "收款方": "志愿者", "收款方身份": "志愿者", "负责人签字": "是",
             "备注": "自治金项目 金桥湾楼组邻里节"},
        ],
    )  # fmt: skip
    fill_table(
        folder / "评审打分.xlsx",
        [{"项目编号": "PX-2024-001", "评审人": name, "轮次": "立项评审", "总分": score}
         for name, score in (("甲", 80), ("乙", 84), ("丙", 82))],
    )  # fmt: skip
    result = run_batch(folder, tmp_path / "out", date(2024, 12, 31))
    validate = json.loads((result.out_dir / "validate.json").read_text(encoding="utf-8"))
    assert [(f["rule"], f["severity"]) for f in validate["findings"]] == []
    assert result.status == 0
    money = json.loads((result.out_dir / "disburse.json").read_text(encoding="utf-8"))
    (item,) = money["projects"]
    assert (item["approved"], item["midterm_date"], item["released"]) == (
        "20000.00",
        "2024-06-30",
        "20000.00",
    )
    assert [t["status"] for t in item["tranches"]] == ["released", "released"]
    notice = (result.out_dir / "公示名单.md").read_text(encoding="utf-8")
    assert (
        notice.splitlines()[0]
        == "# 浦兴路街道自治办关于2024年浦兴路街道“自治金”项目拟立项项目的公示"
    )
    # the policy document keeps its own name (it applies in any year); nothing else says 2023
    document = "浦浦办〔2023〕4号《2023年浦兴路街道“自治金”项目实施方案》"
    assert document in notice and "2023" not in notice.replace(document, "")
    summary = (result.out_dir / "汇总报告.md").read_text(encoding="utf-8")
    assert summary.splitlines()[0] == "# 2024年浦兴路街道“自治金”项目汇总报告"
