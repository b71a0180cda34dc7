"""The money as a finance officer checks it: every ledger row adds up (金额 = 计入 + 不计入), and the
figures of 拨付核算.xlsx, disburse.json, `sgov disburse`, `sgov explain` and the summary agree.

Each test builds a real program folder with openpyxl, as clerks type ledgers."""

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from tests.helpers import LEDGER_HEADER, write_config, write_form, write_table

runner = CliRunner()
DAY = "2023-12-31"


def puxing_application(folder: Path, pid: str, amount: str, hood: str, **extra) -> None:
    fields = {
        "项目编号": pid,
        "项目名称": f"{pid}邻里节",
        "项目类别": "悦家",
        "居民区": hood,
        "申报主体": f"{hood}居委会",
        "项目负责人": "张三丰",
        "负责人是否本居民区居民": "是",
        "申请金额": amount,
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
    } | extra
    write_form(
        folder / "申报" / f"{pid}.xlsx",
        fields,
        budget=[("工作经费", "活动物资", amount)],
        members=[("张三丰", "负责人", "是", "否")],
    )


def ledger_row(day, pid, amount, invoice, description="活动物资"):
    return (day, pid, "工作经费", description, amount, invoice, "超市", "商户", "是",
            f"自治金项目 {pid}邻里节")  # fmt: skip


def sheet_rows(path: Path, title: str) -> list[tuple]:
    return [tuple(r) for r in load_workbook(path)[title].iter_rows(values_only=True)]


def test_a_refund_row_adds_up_and_every_output_counts_it_as_the_ledger_does(tmp_path):
    """A refund typed as a negative row is SG009: none of it counts (计入 0), so all of it, −500,
    is 不计入, and 已支出 is the ledger's own sum (1,200 + 800 − 500 = 1,500), as the officer's SUM
    of the 金额 column gives it. It read 金额 −500, 计入 0, 不计入 0 and 已支出 2,000.00."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居")
    rows = [
        ledger_row("2023-04-01", "PX-1", "1,200.00元", "F001"),
        ledger_row("2023年5月3日", "PX-1", -500, "F002", "退货退款"),
        ledger_row("2023-05-04", "PX-1", "捌佰元整", "F003"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", DAY, "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output  # SG009 is an error
    book = out / DAY / "拨付核算.xlsx"

    assert sheet_rows(book, "不合规支出")[1:] == [
        ("PX-1", "台账.xlsx", "经费台账", 3, datetime(2023, 5, 3), "工作经费", "退货退款",
         -500, 0, -500, "SG009", "报销金额为 -500.00 元，应大于零：请改正"),
        ("合计", None, None, None, None, None, None, -500, 0, -500, None, None),
    ]  # fmt: skip
    head, *projects = sheet_rows(book, "项目拨付")
    money = dict(zip(head, projects[0], strict=True))
    assert (money["已支出"], money["合规支出"], money["不合规支出"]) == (1500, 2000, -500)
    assert [r[3] for r in sheet_rows(book, "支出类别")[1:]] == [1500, 1500]  # 已支出, 合计

    payload = json.loads((out / DAY / "disburse.json").read_text(encoding="utf-8"))
    (entry,) = payload["projects"]
    assert (entry["spent"], entry["eligible_spent"], entry["ineligible_spent"]) == (
        "1500.00",
        "2000.00",
        "-500.00",
    )
    (row,) = entry["ineligible"]
    assert (row["amount"], row["eligible"], row["excluded"]) == ("-500.00", "0.00", "-500.00")

    explained = runner.invoke(app, ["explain", "PX-1", str(folder), "--as-of", DAY])
    assert (
        "  2023-05-03 工作经费 -500.00 元：计入 0.00 元，不计 -500.00 元"
        "（台账.xlsx “经费台账” E3）——SG009 报销金额为 -500.00 元，应大于零：请改正"
    ) in explained.output.splitlines()
    assert (
        "  已拨付 6,000.00 元，已支出 1,500.00 元，合规支出 2,000.00 元，不合规 -500.00 元"
        in explained.output.splitlines()
    )
    summary = (out / DAY / "汇总报告.md").read_text(encoding="utf-8")
    assert "- 已支出：1,500.00 元" in summary.splitlines()


def test_disburse_lists_projects_and_neighborhoods_in_the_order_the_summary_does(tmp_path):
    """PX-9 before PX-10 (numbers as numbers), and 居民区 in sgov.toml order, then as first met by
    项目编号, as the summary report lists them: `sgov disburse`, disburse.json and 拨付核算.xlsx
    listed PX-10 before PX-9 and 浦兴十居 before 浦兴九居 (by character code)."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023", neighborhoods=["浦兴三居"])
    puxing_application(folder, "PX-9", "10000", "浦兴九居")
    puxing_application(folder, "PX-10", "20000", "浦兴十居")
    puxing_application(folder, "PX-11", "30000", "浦兴三居")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", DAY, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    book = out / DAY / "拨付核算.xlsx"
    assert [r[0] for r in sheet_rows(book, "项目拨付")] == [
        "项目编号",
        "PX-9",
        "PX-10",
        "PX-11",
        "合计",
    ]
    assert [r[0] for r in sheet_rows(book, "居民区汇总")] == [
        "居民区",
        "浦兴三居",
        "浦兴九居",
        "浦兴十居",
        "合计",
    ]
    payload = json.loads((out / DAY / "disburse.json").read_text(encoding="utf-8"))
    assert [p["project_id"] for p in payload["projects"]] == ["PX-9", "PX-10", "PX-11"]
    summary = (out / DAY / "汇总报告.md").read_text(encoding="utf-8").splitlines()
    assert [line.split(" | ")[0] for line in summary if line.startswith("| 浦兴")] == [
        "| 浦兴三居",
        "| 浦兴九居",
        "| 浦兴十居",
    ]
    table = runner.invoke(app, ["disburse", str(folder), "--as-of", DAY]).output.splitlines()
    assert [line.split()[1] for line in table if line.startswith("│ PX-")] == [
        "PX-9",
        "PX-10",
        "PX-11",
    ]


def test_a_comma_that_is_no_thousands_separator_is_sg003_not_a_silent_amount(tmp_path):
    """`12,00` (12 yuan typed with a comma for the point) read as 1,200.00, and `1.200,00` as 1.20:
    a wrong amount with no finding. Commas are thousands separators only (12,000.00); anything else
    is SG003 at the cell and the row counts nothing until it is retyped."""
    from selfgov_cli.validate import validate

    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居")
    rows = [
        ledger_row("2023-04-01", "PX-1", "12,00", "F001"),
        ledger_row("2023-04-02", "PX-1", "1.200,00", "F002"),
        ledger_row("2023-04-03", "PX-1", "1,2000", "F003"),
        ledger_row("2023-04-04", "PX-1", "1,234.50元", "F004"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    result = validate(folder, as_of=datetime(2023, 12, 31).date())
    assert [(f.rule, f.cell, f.message) for f in result.findings] == [
        (
            "SG003",
            cell,
            f"“金额”应填金额，“{raw}”不是金额（逗号只作千位分隔，每三位一个，如 12,000.00；"
            "小数点用“.”）：请改正",
        )
        for cell, raw in (("E2", "12,00"), ("E3", "1.200,00"), ("E4", "1,2000"))
    ]
    (entry,) = result.disbursement.to_dict()["projects"]
    assert (entry["spent"], entry["eligible_spent"], entry["ledger_rows"]) == (
        "1234.50",
        "1234.50",
        4,
    )


def test_the_terminal_shows_the_decision_that_released_a_tranche_against_the_rule(tmp_path):
    """A 人工认定 拨付 that releases tranche 2 although usage at the mid-term was 16.67% is shown with
    its reason in 拨付核算.xlsx and `sgov explain`; `sgov disburse` listed only tranches not
    released, so the officer saw 已拨付 10,000.00 with no word of the decision behind it."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-4", "10000", "浦兴四居")
    write_table(
        folder / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [ledger_row("2023-04-07", "PX-4", "1000", "F1")],
    )
    write_table(
        folder / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "内容", "理由", "认定人", "认定日期"),
        [("PX-4", "拨付", "第2笔 拨付", "街道会议同意", "王科长", "2023-08-01")],
    )
    result = runner.invoke(app, ["disburse", str(folder), "--as-of", DAY])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    notes = lines[
        lines.index("说明：") + 1 : next(i for i, x in enumerate(lines) if "按居民区" in x)
    ]
    assert notes == [
        "PX-4 第2笔已拨付：人工认定：第2笔拨付；理由：街道会议同意（认定人 王科长，2023-08-01）"
        "（按规则本应暂缓拨付：截至中期评估日期 2023-06-30，第一笔资金 6,000.00 元中合规使用"
        " 1,000.00 元，使用率 16.67%，低于 50.00%：中期评估不合格，第二笔资金不予拨付）（浦兴 四.1）"
    ]


def test_a_refund_the_office_waived_counts_against_the_spending(tmp_path):
    """A 红字冲销 row (−500) whose SG009 the office waived (豁免) has no error finding left, so it
    counts as typed: eligible spending is 1,200 − 500 + 800 = 1,500 and the row is not listed as
    不合规. It counted 0 with the reason “金额缺失、无法读取或不是正数”, though its amount was read
    and the only finding against it was waived."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居")
    rows = [
        ledger_row("2023-04-01", "PX-1", "1200", "F001"),
        ledger_row("2023-05-03", "PX-1", "-500", "F001-红字", "退货冲销"),
        ledger_row("2023-05-04", "PX-1", "800", "F003"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    write_table(
        folder / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "规则", "位置", "理由", "认定人", "认定日期"),
        [("PX-1", "豁免", "SG009", "经费台账!E3", "红字冲销经财务核对", "王科长", "2023-05-10")],
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", DAY, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    payload = json.loads((out / DAY / "disburse.json").read_text(encoding="utf-8"))
    (entry,) = payload["projects"]
    assert [entry[k] for k in ("spent", "eligible_spent", "ineligible_spent", "usage_rate")] == [
        "1500.00",
        "1500.00",
        "0.00",
        "0.2500",
    ]
    assert entry["midterm_spent"] == "1500.00" and entry["ineligible"] == []
    book = out / DAY / "拨付核算.xlsx"
    assert sheet_rows(book, "不合规支出")[1:] == [
        ("合计", None, None, None, None, None, None, 0, 0, 0, None, None)
    ]


def test_gonghexinlu_one_tranche_at_approval_is_cited_as_the_local_default_it_is(tmp_path):
    """共和新路 五.(二)1 reviews each month's fund requests and transfers accordingly (按月审核划拨):
    the document sets no tranches, so 100% at approval is sgov's local default (rules.md: “one
    tranche, 100% at approval by default”). 拨付批次 cited it as 共和新路 五.(二)1, as if the
    document said it (policies/INDEX.md: never present a local default as the document's)."""
    folder = tmp_path / "共和新路"
    write_config(folder, "gonghexinlu-2023")
    fields = {
        "项目编号": "GH-1",
        "项目名称": "楼道议事",
        "项目类别": "七彩微创投",
        "居民区": "共和一居",
        "申报主体": "共和一居居委会",
        "项目负责人": "王五",
        "申请金额": "4999.99",
        "意向": "睦邻友好建设",
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
    }
    write_form(folder / "申报" / "GH-1.xlsx", fields, budget=[("工作经费", "活动", "4999.99")])
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", DAY, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert sheet_rows(out / DAY / "拨付核算.xlsx", "拨付批次")[1] == (
        "GH-1", "楼道议事", 1, 1, 4999.99, "立项", "已拨付", None,
        "本地默认（五.(二)1 按月审核划拨，文件未规定分期）",
    )  # fmt: skip


def test_recoverable_funds_have_one_name_in_every_output(tmp_path):
    """cli.md: one name per quantity across every output. The summary report defines 可收回 in its
    说明 and `sgov explain` says 可收回; 拨付核算.xlsx and `sgov disburse` headed it 应收回."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居", 结束日期="2023-09-30")
    write_table(
        folder / "台账.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [ledger_row("2023-04-01", "PX-1", "1000", "F1")],
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "--as-of", DAY, "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    book = out / DAY / "拨付核算.xlsx"
    for title in ("项目拨付", "居民区汇总"):
        head, row, _ = sheet_rows(book, title)
        assert "应收回" not in head and dict(zip(head, row, strict=True))["可收回"] == 5000
    summary = (out / DAY / "汇总报告.md").read_text(encoding="utf-8").splitlines()
    assert "- 可收回：5,000.00 元" in summary
    table = runner.invoke(app, ["disburse", str(folder), "--as-of", DAY]).output
    assert "应收回" not in table and table.count("可收回") == 2  # per project and per 居民区
    explained = runner.invoke(app, ["explain", "PX-1", str(folder), "--as-of", DAY]).output
    assert "  可收回 5,000.00 元（项目已结束：已拨付 − 合规支出）" in explained.splitlines()


def test_an_invoice_owned_by_a_project_still_counts_once_in_it(tmp_path):
    """发票 INVY is on two rows of PX-1 (1,000 on 04-01, 800 on 05-04) and one of PX-2; the office
    records it as PX-1's (发票归属). PX-1's first row counts; its second is still a double claim
    (SG010, error, not counted) and PX-2's row stays an error. The decision turned both PX-1 rows
    into info and both counted: eligible 1,800.00, the invoice reimbursed twice."""
    from selfgov_cli.validate import validate

    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居")
    puxing_application(folder, "PX-2", "10000", "浦兴二居")
    rows = [
        ledger_row("2023-05-04", "PX-1", "800", "INVY"),
        ledger_row("2023-04-01", "PX-1", "1000", "INVY"),
        ledger_row("2023-04-02", "PX-2", "700", "invy"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    write_table(
        folder / "人工认定.xlsx",
        "人工认定",
        ("项目编号", "认定事项", "内容", "理由", "认定人", "认定日期"),
        [("PX-1", "发票归属", "INVY", "原件在一居", "王科长", "2023-06-01")],
    )
    result = validate(folder, as_of=datetime(2023, 12, 31).date())
    note = (
        "（已认定——人工认定：发票 INVY 归属本项目；理由：原件在一居（认定人 王科长，2023-06-01））"
    )
    assert [(f.rule, f.severity.value, f.cell, f.message) for f in result.findings] == [
        (
            "SG010",
            "error",
            "F2",
            "发票号 INVY 已在 台账.xlsx “经费台账” 第 3 行报销过：可能重复报销，这笔不计入，请核对",
        ),
        (
            "SG010",
            "info",
            "F3",
            "发票号 INVY 也出现在其他项目的台账中，已认定归属本项目：这笔计入" + note,
        ),
        (
            "SG010",
            "error",
            "F4",
            "发票号 invy 已认定归属项目 PX-1：本项目不能用这张发票报销，这笔不计入",
        ),
    ]
    money = {p["project_id"]: p for p in result.disbursement.to_dict()["projects"]}
    assert [money["PX-1"][k] for k in ("spent", "eligible_spent", "ineligible_spent")] == [
        "1800.00",
        "1000.00",
        "800.00",
    ]
    assert money["PX-2"]["eligible_spent"] == "0.00"


def test_explain_names_the_ledger_file_of_each_row_counted_at_the_midterm(tmp_path):
    """Ledgers are often kept per half-year, one file each: the mid-term usage line said 计入台账第
    2、3、2 行, two rows numbered 2 in different files and no file named. Each row is now given in
    its file and sheet, as every other place in `sgov explain`."""
    folder = tmp_path / "浦兴"
    write_config(folder, "puxing-2023")
    puxing_application(folder, "PX-1", "10000", "浦兴一居")
    write_table(
        folder / "台账" / "上半年.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            ledger_row("2023-04-01", "PX-1", "1000", "A1"),
            ledger_row("2023-06-01", "PX-1", "1000", "A2"),
        ],
    )
    write_table(
        folder / "台账" / "下半年.xlsx",
        "经费台账",
        LEDGER_HEADER,
        [
            ledger_row("2023-05-01", "PX-1", "1500", "B1"),
            ledger_row("2023-08-01", "PX-1", "500", "B2"),
        ],
    )
    result = runner.invoke(app, ["explain", "PX-1", str(folder), "--as-of", DAY])
    assert result.exit_code == 0, result.output
    assert (
        "  中期使用率 58.33% = 中期前合规支出 3,500.00 元 ÷ 第一笔资金 6,000.00 元"
        "（计入 台账/上半年.xlsx “经费台账” 第 2、3 行；台账/下半年.xlsx “经费台账” 第 2 行）"
    ) in result.output.splitlines()


def _volunteer_project(folder: Path, pid: str = "PX-1") -> None:
    write_config(folder, "puxing-2023")
    fields = {
        "项目编号": pid,
        "项目名称": f"{pid}邻里节",
        "项目类别": "悦家",
        "居民区": "浦兴一居",
        "申报主体": "浦兴一居居委会",
        "项目负责人": "张三丰",
        "负责人是否本居民区居民": "是",
        "申请金额": "50000",
        "开始日期": "2023-03-01",
        "结束日期": "2023-12-31",
        "征询居民人数": 45,
        "听证会日期": "2023-02-15",
    }
    write_form(
        folder / "申报" / f"{pid}.xlsx",
        fields,
        budget=[("工作经费", "活动物资", "40000"), ("志愿者补贴", "慰问", "10000")],
        members=[("张三丰", "负责人", "是", "否")],
    )


def _volunteer_row(day, amount, invoice):
    return (day, "PX-1", "志愿者补贴", "慰问", amount, invoice, "李四", "志愿者", "是",
            "自治金项目 PX-1邻里节")  # fmt: skip


def test_a_row_that_does_not_count_uses_no_room_under_a_cap_or_a_budget_line(tmp_path):
    """志愿者补贴 is capped at 25% of 50,000 (12,500) and budgeted 10,000. A 5,000 row dated before
    the project began (SG011) and a second claim of a 10,000 invoice (SG010) count nothing, yet
    they were summed into the running totals: the legitimate 10,000 row was cut by 2,500 (PX006)
    and SG013 said 15,000 over a 10,000 budget. Only rows that count fill a cap or a budget line."""
    from selfgov_cli.validate import validate

    folder = tmp_path / "浦兴"
    _volunteer_project(folder)
    rows = [
        _volunteer_row("2023-02-01", "5000", "V1"),
        _volunteer_row("2023-04-01", "10000", "V2"),
        _volunteer_row("2023-05-01", "10000", "V2"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    result = validate(folder, as_of=datetime(2023, 12, 31).date())
    assert [(f.rule, f.cell) for f in result.findings] == [("SG011", "A2"), ("SG010", "F4")]
    (entry,) = result.disbursement.to_dict()["projects"]
    assert (entry["spent"], entry["eligible_spent"], entry["ineligible_spent"]) == (
        "25000.00",
        "10000.00",
        "15000.00",
    )
    assert [(r["row"], r["eligible"], r["excluded"]) for r in entry["ineligible"]] == [
        (2, "0.00", "5000.00"),
        (4, "0.00", "10000.00"),
    ]


def test_a_cap_is_still_reached_by_the_rows_that_count(tmp_path):
    """The other side: with the excluded row gone the two rows that count (8,000 + 6,000) still
    pass 12,500, and the second is cut by the 1,500 over the cap, not by more."""
    from selfgov_cli.validate import validate

    folder = tmp_path / "浦兴"
    _volunteer_project(folder)
    rows = [
        _volunteer_row("2023-02-01", "5000", "V1"),
        _volunteer_row("2023-04-01", "8000", "V2"),
        _volunteer_row("2023-05-01", "6000", "V3"),
    ]
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    result = validate(folder, as_of=datetime(2023, 12, 31).date())
    assert [(f.rule, f.cell, f.excess) for f in result.findings] == [
        ("SG011", "A2", None),
        ("PX006", "E4", Decimal("1500.00")),
        ("SG013", "E4", None),
    ]
    assert result.findings[1].message == (
        "实际支出中“志愿者补贴”累计 14,000.00 元，占项目总预算 50,000.00 元的 28.00%，超过 25.00% 的"
        "上限 12,500.00 元：这笔支出中超出的 1,500.00 元不能报销，请核减"
    )
    (entry,) = result.disbursement.to_dict()["projects"]
    assert entry["eligible_spent"] == "12500.00"


def test_the_second_pass_walks_again_only_the_projects_a_barred_row_can_change(tmp_path):
    """The running sums are walked again only for a project with both a crossing and a row that
    counts nothing (PX-1); PX-2 crosses its cap and budget line with rows that all count, and keeps
    its first-pass findings exactly (the second pass over every project cost 0.4 s of 1.7 s on
    the bench folder)."""
    from selfgov_cli import pipeline
    from selfgov_cli.validate import validate

    folder = tmp_path / "浦兴"
    _volunteer_project(folder)
    _volunteer_project(folder, "PX-2")
    rows = [
        _volunteer_row("2023-02-01", "5000", "V1"),
        _volunteer_row("2023-04-01", "10000", "V2"),
        _volunteer_row("2023-05-01", "10000", "V2"),
        ("2023-04-02", "PX-2", "志愿者补贴", "慰问", "10000", "W1", "李四", "志愿者", "是",
         "自治金项目 PX-2邻里节"),
        ("2023-05-02", "PX-2", "志愿者补贴", "慰问", "10000", "W2", "李四", "志愿者", "是",
         "自治金项目 PX-2邻里节"),
    ]  # fmt: skip
    write_table(folder / "台账.xlsx", "经费台账", LEDGER_HEADER, rows)
    walked = []
    real = pipeline.run_rules

    def spy(ctx, only=None):
        if only:
            walked.append(ctx.recount)
        return real(ctx, only=only)

    pipeline.run_rules = spy
    try:
        result = validate(folder, as_of=datetime(2023, 12, 31).date())
    finally:
        pipeline.run_rules = real
    assert walked == [frozenset({"PX-1"})]
    assert [(f.rule, f.project_id, f.cell, f.excess) for f in result.findings] == [
        ("SG011", "PX-1", "A2", None),
        ("SG010", "PX-1", "F4", None),
        ("PX006", "PX-2", "E6", Decimal("7500.00")),
        ("SG013", "PX-2", "E6", None),
    ]
