"""sgov init: blank templates that sgov reads back, with drop-downs, formats, required marks."""

import hashlib
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.config import load_config
from selfgov_cli.io.schema import APPLICATION_LABELS
from selfgov_cli.io.values import normalize_label
from selfgov_cli.programs import builtin, get_program
from selfgov_cli.templates_init import TEMPLATE_FILES, InitError, form_fields, init_folder
from selfgov_cli.validate import validate

runner = CliRunner()
PROGRAMS = sorted(builtin())


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _form_values(program) -> dict[str, object]:
    category = program.categories[0]
    intents = program.intents.get(category, ())
    return {
        "project_id": "T-001",
        "name": "楼道微更新",
        "category": category,
        "neighborhood": "一居",
        "district": "金牛区",
        "applicant": "一居委",
        "applicant_type": "居委会",
        "legal_rep": "王五",
        "partner_org": "阳光社工中心",
        "leader": "张三",
        "leader_is_resident": "是",
        "phone": "13800000000",
        "requested_amount": 5000,
        "matching_funds": 1000,
        "start_date": date(2023, 3, 1),
        "end_date": date(2023, 12, 31),
        "submitted_on": date(2023, 2, 1),
        "continuing": "否",
        "prior_usage_rate": 0.85,
        "prior_top10_rank": 3,
        "new_team": "是",
        "residents_consulted": 45,
        "hearing_date": date(2023, 2, 15),
        "beneficiaries": 200,
        "summary": "楼道微更新，居民共同参与",
        "fulltime_staff": 3,
        "inspections": "合格,合格",
        "founded_on": date(2015, 1, 1),
        "rating": "4A",
        "party_org": "是",
        "bank_account": "是",
        "cluster_size": 6,
        "cluster_covered": 4,
        "intent": intents[0] if intents else "",
        "level": "区县级",
    }


def _fill_table(ws, rows: list[dict[str, object]]) -> None:
    header = {normalize_label(c.value): c.column for c in ws[1] if c.value}
    for r, row in enumerate(rows, start=2):
        for label, value in row.items():
            ws.cell(row=r, column=header[normalize_label(label)], value=value)


def _fill(folder: Path, program) -> None:
    """Fill every template the way a clerk would: values in the input cells, rows under the headers."""
    values = _form_values(program)
    path = folder / "申报表.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["申报表"]
    for row in range(4, ws.max_row + 1):
        column = APPLICATION_LABELS[normalize_label(ws.cell(row=row, column=1).value)]
        ws.cell(row=row, column=2, value=values[column.key])
    _fill_table(
        wb["预算明细"],
        [
            {"支出类别": "工作经费", "明细": "宣传册", "单价": 10, "数量": 300, "金额": 3000},
            {"支出类别": "社会组织服务", "明细": "活动指导", "金额": "2,000.00"},
        ],
    )
    _fill_table(
        wb["项目成员"],
        [
            {"姓名": "张三", "角色": "负责人", "是否居民": "是", "是否社工": "否"},
            {"姓名": "李四", "角色": "社工联络员", "是否居民": "否", "是否社工": "是"},
        ],
    )
    wb.save(path)

    path = folder / "经费台账.xlsx"
    wb = openpyxl.load_workbook(path)
    row = {
        "日期": date(2023, 5, 1),
        "项目编号": "T-001",
        "支出类别": "工作经费",
        "摘要": "自治金项目 楼道微更新 宣传册",
        "金额": 1000,
        "发票号": None,  # SG016, waived by the 人工认定 filled below (a decision that matches)
        "收款方": "印刷店",
        "收款方身份": "商户",
        "备注": "自治金项目 楼道微更新",
    }
    if program.family == "puxing-2023":
        row["负责人签字"] = "是"
    _fill_table(wb["经费台账"], [row])
    wb.save(path)

    path = folder / "评审打分.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["评审打分"]
    criteria = [c.value for c in ws[1]][4:]  # after 项目编号, 评审人, 评审组, 轮次
    rows = []
    for reviewer, base in (("甲", 10), ("乙", 12)):
        row = {"项目编号": "T-001", "评审人": reviewer}
        row.update({name: 80 if name == "*总分" else base for name in criteria})
        rows.append(row)
    _fill_table(ws, rows)
    wb.save(path)

    path = folder / "评估结果.xlsx"
    wb = openpyxl.load_workbook(path)
    _fill_table(
        wb["评估结果"],
        [
            {
                "项目编号": "T-001",
                "中期评估": "合格",
                "中期评估日期": date(2023, 7, 31),
                "末期评估": "合格",
                "核定金额": 5000,
                "立项日期": date(2023, 2, 20),
                "居民满意度": 0.9,
            }
        ],
    )
    wb.save(path)

    path = folder / "人工认定.xlsx"
    wb = openpyxl.load_workbook(path)
    _fill_table(
        wb["人工认定"],
        [
            {
                "项目编号": "T-001",
                "认定事项": "豁免",
                "规则": "SG016",
                "位置": "经费台账!F2",
                "理由": "已核实，发票原件在档",
                "认定人": "王主任",
                "认定日期": date(2023, 6, 1),
                "依据文件": "会议纪要 3 号",
            },
            {
                "项目编号": "T-001",
                "认定事项": "预算调整",
                "内容": "核定金额 4800",
                "理由": "街道审核核减",
                "认定人": "王主任",
                "认定日期": "2023-06-02",
            },
        ],
    )
    wb.save(path)


@pytest.mark.parametrize("program_id", PROGRAMS)
def test_round_trip_filled_templates_read_with_no_sg002_or_sg003(tmp_path, program_id):
    program = get_program(program_id)
    init_folder(tmp_path, program)
    _fill(tmp_path, program)
    result = validate(tmp_path, as_of=date(2023, 12, 31))

    assert result.config.program.id == program_id  # sgov.toml names the program
    assert [(f.rule, f.file, f.cell) for f in result.findings if f.rule in ("SG002", "SG003")] == []
    data = result.data
    assert [f.path for f in data.files] == [
        "人工认定.xlsx",
        "申报表.xlsx",
        "经费台账.xlsx",
        "评估结果.xlsx",
        "评审打分.xlsx",
    ]
    (project,) = data.projects
    assert project.project_id == "T-001"
    assert project.requested == Decimal("5000.00")
    assert project.start == date(2023, 3, 1)
    assert project.get("phone") == "13800000000"
    assert [(b.project_id, b.category, b.amount) for b in data.budget] == [
        ("T-001", "work", Decimal("3000.00")),
        ("T-001", "org_service", Decimal("2000.00")),
    ]
    assert [(m.name, m.role, m.is_resident, m.is_social_worker) for m in data.members] == [
        ("张三", "负责人", True, False),
        ("李四", "社工联络员", False, True),
    ]
    assert [(e.project_id, e.category, e.amount, e.date) for e in data.ledger] == [
        ("T-001", "work", Decimal("1000.00"), date(2023, 5, 1))
    ]
    assert [(e.midterm, e.final, e.approved_amount) for e in data.evaluations] == [
        ("合格", "合格", Decimal("5000.00"))
    ]
    assert [f for f in result.findings if f.rule == "SG025"] == []
    assert [(d.kind, d.rule, d.where, d.value, d.on) for d in data.decisions] == [
        ("豁免", "SG016", "经费台账!F2", "", date(2023, 6, 1)),
        ("预算调整", "", "", "核定金额 4800", date(2023, 6, 2)),
    ]
    if program_id == "chengdu-2023":
        assert [(s.reviewer, s.total, [n for n, _ in s.criteria]) for s in data.scores] == [
            ("甲", None, ["必要性", "可行性", "科学性", "创新性", "参与性", "实效性"]),
            ("乙", None, ["必要性", "可行性", "科学性", "创新性", "参与性", "实效性"]),
        ]
    else:
        assert [(s.reviewer, s.total) for s in data.scores] == [
            ("甲", Decimal("80")),
            ("乙", Decimal("80")),
        ]


def test_blank_templates_only_ask_for_the_form_fields(tmp_path):
    init_folder(tmp_path, get_program("puxing-2023"))
    result = validate(tmp_path, as_of=date(2023, 12, 31))
    missing = sorted((f.rule, f.file, f.sheet, f.cell) for f in result.findings)
    # the value cells of the required labels (PX004 covers 听证会日期); the tables are empty
    required = ("B4", "B5", "B6", "B7", "B8", "B10", "B11", "B13", "B14", "B15", "B21")
    expected = [("SG002", "申报表.xlsx", "申报表", cell) for cell in required]
    assert missing == sorted([*expected, ("PX004", "申报表.xlsx", "申报表", "B22")])


def test_puxing_form_labels_in_contract_order_with_required_marks(tmp_path):
    init_folder(tmp_path, get_program("puxing-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    labels = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert [x for x in labels if x != "申报层级"] == [
        "*项目编号", "*项目名称", "*项目类别", "*居民区", "*申报主体", "合作社会组织", "*项目负责人",
        "*负责人是否本居民区居民", "联系电话", "*申请金额", "*开始日期", "*结束日期", "申报日期", "是否延续项目",
        "上年执行率", "上年十佳排名", "是否培育新团队", "*征询居民人数", "*听证会日期", "受益人数", "项目简介",
        "成立日期", "规范化评估等级",
    ]  # fmt: skip
    assert ws["B4"].fill.fgColor.rgb == "00FFF2CC"
    assert ws["B13"].number_format == "#,##0.00"  # 申请金额
    assert ws["B14"].number_format == "yyyy-mm-dd"  # 开始日期
    assert ws["B12"].number_format == "@"  # 联系电话 stays text (leading zeros, no 1.38E+10)


def test_puxing_form_has_no_chengdu_level_field(tmp_path):
    init_folder(tmp_path, get_program("puxing-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    labels = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert "申报层级" not in labels


def test_chengdu_form_has_its_own_fields_and_conditional_notes():
    fields = {f.column.key: f for f in form_fields(get_program("chengdu-2023"))}
    assert "intent" not in fields and "hearing_date" not in fields
    assert fields["district"].label == "*所属区县"
    assert fields["applicant_type"].label == "*申报主体类型"
    assert (fields["legal_rep"].label, fields["legal_rep"].note) == (
        "法定代表人",
        "申报主体不是村委会、居委会（如社会组织、高等院校）时必填",
    )
    assert (fields["matching_funds"].label, fields["matching_funds"].note) == (
        "自筹金额",
        "A、B 类项目必填",
    )
    assert (fields["cluster_size"].label, fields["cluster_size"].note) == (
        "片区村社区数",
        "A 类项目必填",
    )


def _validations(ws) -> dict[str, tuple[str, str | None]]:
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def test_drop_down_lists_and_formats(tmp_path):
    init_folder(tmp_path, get_program("gonghexinlu-2023"))
    wb = openpyxl.load_workbook(tmp_path / "申报表.xlsx")
    form = _validations(wb["申报表"])
    assert form["B6"] == ("list", '"一居一品,七彩微创投"')  # 项目类别
    assert form["B24"] == (
        "list",
        '"搭建一个社区自治载体,挖掘一批社区自治骨干,办理一件社区民生实事,形成一个社区自治公约,开发一件社区自治工具,'
        '公共空间营造,睦邻友好建设,青年社区参与,社区组织培育,社区关爱服务,活力街区营造,其他社区议题"',
    )  # 意向
    assert form["B16 B19"] == ("list", '"是,否"')  # 是否延续项目, 是否培育新团队
    budget = wb["预算明细"]
    assert [c.value for c in budget[1]] == ["*支出类别", "*明细", "单价", "数量", "*金额", "备注"]
    assert _validations(budget)["A2:A501"] == (
        "list",
        '"工作经费,社会组织服务,志愿者补贴,管理费,表彰奖励"',
    )
    assert budget.column_dimensions["E"].number_format == "#,##0.00"
    members = wb["项目成员"]
    assert _validations(members)["B2:B501"] == ("list", '"负责人,成员,社工联络员"')
    assert _validations(members)["C2:C501"] == ("list", '"是,否"')

    ledger = openpyxl.load_workbook(tmp_path / "经费台账.xlsx")["经费台账"]
    assert [c.value for c in ledger[1]] == [
        "*日期", "*项目编号", "*支出类别", "*摘要", "*金额", "发票号", "*收款方", "收款方身份", "备注",
    ]  # fmt: skip
    assert _validations(ledger)["C2:C501"] == (
        "list",
        '"工作经费,社会组织服务,志愿者补贴,管理费,表彰奖励"',
    )
    assert ledger.column_dimensions["A"].number_format == "yyyy-mm-dd"
    evaluations = openpyxl.load_workbook(tmp_path / "评估结果.xlsx")["评估结果"]
    assert _validations(evaluations)["B2:B501"] == ("list", '"合格,不合格"')


def test_decisions_template_has_drop_downs_for_kinds_and_the_programs_rule_ids(tmp_path):
    program = get_program("puxing-2023")
    init_folder(tmp_path, program)
    ws = openpyxl.load_workbook(tmp_path / "人工认定.xlsx")["人工认定"]
    assert [c.value for c in ws[1]] == [
        "*项目编号", "*认定事项", "规则", "位置", "内容", "*理由", "*认定人", "*认定日期", "依据文件",
    ]  # fmt: skip
    lists = {
        str(dv.sqref): dv.formula1.strip('"').split(",")
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists["B2:B501"] == ["豁免", "预算调整", "拨付", "发票归属", "异议成立", "异议不成立"]
    rules = lists["C2:C501"]
    assert "PX013" in rules and "SG013" in rules and "SG025" in rules
    assert "SG014" not in rules  # decided by 拨付, never waived (decisions.NOT_WAIVABLE)
    assert not any(r.startswith(("CD", "XJ", "GH")) for r in rules)
    assert rules == sorted(rules)


def test_puxing_ledger_requires_the_leader_signature_and_chengdu_scores_its_criteria(tmp_path):
    init_folder(tmp_path / "px", get_program("puxing-2023"))
    ledger = openpyxl.load_workbook(tmp_path / "px" / "经费台账.xlsx")["经费台账"]
    assert [c.value for c in ledger[1]][8] == "*负责人签字"
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "px" / "评审打分.xlsx")["评审打分"][1]] == [
        "*项目编号", "*评审人", "评审组", "轮次", "*总分",
    ]  # fmt: skip
    init_folder(tmp_path / "cd", get_program("chengdu-2023"))
    assert [c.value for c in openpyxl.load_workbook(tmp_path / "cd" / "评审打分.xlsx")["评审打分"][1]] == [
        "*项目编号", "*评审人", "评审组", "轮次", "必要性", "可行性", "科学性", "创新性", "参与性", "实效性",
    ]  # fmt: skip


def test_long_lists_go_to_a_hidden_sheet(tmp_path):
    program = get_program("puxing-2023").with_changes(
        categories=tuple(f"类别{i:03d}" for i in range(60))
    )
    init_folder(tmp_path, program)
    wb = openpyxl.load_workbook(tmp_path / "申报表.xlsx")
    assert wb["下拉选项"].sheet_state == "hidden"
    assert [wb["下拉选项"].cell(row=r, column=1).value for r in (1, 60)] == ["类别000", "类别059"]
    assert _validations(wb["申报表"])["B6"] == ("list", "'下拉选项'!$A$1:$A$60")


def test_sgov_toml_names_the_program_and_lists_every_setting_at_its_default(tmp_path):
    program = get_program("chengdu-2023")
    init_folder(tmp_path, program)
    text = (tmp_path / "sgov.toml").read_text(encoding="utf-8")
    assert load_config(tmp_path).program.id == "chengdu-2023"
    assert load_config(tmp_path).settings == {}
    # uncomment every setting that has a default: each one reads back as that default
    lines = []
    for line in text.splitlines():
        body = line[2:].split("    #")[0].strip() if line.startswith("# ") else ""
        if (
            "=" in body
            and "此为示例" not in line  # a setting with no default shows an example value
            and body.split()[0] in {s.name for s in program.all_settings()}
        ):
            lines.append(body)
        else:
            lines.append(line)
    (tmp_path / "sgov.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = load_config(tmp_path).settings
    expected = {
        s.name: s.default for s in program.all_settings() if s.default not in (None, {}, ())
    }
    assert settings == expected
    assert len(settings) == 13


def test_refuses_to_overwrite_without_force(tmp_path):
    program = get_program("xinjing-2021")
    init_folder(tmp_path, program)
    (tmp_path / "经费台账.xlsx").write_bytes(b"the clerk's own ledger")
    before = _hashes(tmp_path)
    with pytest.raises(InitError, match="经费台账.xlsx.*--force"):
        init_folder(tmp_path, program)
    assert _hashes(tmp_path) == before
    init_folder(tmp_path, program, force=True)
    assert (tmp_path / "经费台账.xlsx").read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        TEMPLATE_FILES
    )  # no temporary files left


def test_same_program_gives_the_same_bytes(tmp_path):
    init_folder(tmp_path / "a", get_program("puxing-2023"))
    init_folder(tmp_path / "b", get_program("puxing-2023"))
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")


def test_cli_init_writes_refuses_and_forces(tmp_path):
    target = tmp_path / "新项目"
    result = runner.invoke(app, ["init", str(target), "--program", "chengdu-2023"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(TEMPLATE_FILES)
    again = runner.invoke(app, ["init", str(target), "--program", "chengdu-2023"])
    assert again.exit_code == 2
    assert "不会覆盖" in again.output and "--force" in again.output
    forced = runner.invoke(
        app, ["init", str(target), "--program", "puxing-2023", "--force", "--quiet"]
    )
    assert (forced.exit_code, forced.output) == (0, "")
    assert load_config(target).program.id == "puxing-2023"


def test_cli_init_unknown_program_and_missing_option(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--program", "nope"])
    assert result.exit_code == 2
    assert "未知的项目计划" in result.output
    assert not (tmp_path / "x").exists()
    assert runner.invoke(app, ["init", str(tmp_path / "x")]).exit_code == 2


def test_cli_init_with_a_program_file_points_sgov_toml_at_it(tmp_path):
    own = tmp_path / "我的街道.toml"
    own.write_text(
        'extends = "puxing-2023"\nid = "my-street"\nname = "我的街道自治金"\n', encoding="utf-8"
    )
    target = tmp_path / "folder"
    result = runner.invoke(app, ["init", str(target), "--program", str(own)])
    assert result.exit_code == 0, result.output
    assert load_config(target).program.id == "my-street"
    ws = openpyxl.load_workbook(target / "申报表.xlsx")["申报表"]
    assert ws["A1"].value == "我的街道自治金 申报表"


def test_init_in_a_fresh_process_writes_the_templates(tmp_path):
    # a clerk's first command: nothing else has loaded the rule registry in that process
    target = tmp_path / "新项目"
    done = subprocess.run(
        [sys.executable, "-m", "selfgov_cli", "init", str(target), "--program", "puxing-2023"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "内部错误" not in done.stderr + done.stdout
    assert sorted(p.name for p in target.iterdir()) == sorted(TEMPLATE_FILES)


@pytest.mark.parametrize("program_id", ["xinjing-2021", "chengdu-2023"])
def test_sgov_toml_year_line_shows_the_programs_own_default_year(tmp_path, program_id):
    init_folder(tmp_path, get_program(program_id))
    default = load_config(tmp_path).program_year
    assert default == int(program_id[-4:])
    text = (tmp_path / "sgov.toml").read_text(encoding="utf-8")
    (line,) = [x for x in text.splitlines() if x.startswith("# year = ")]
    # uncommenting it changes nothing (xinjing-2021's line read "# year = 2023")
    (tmp_path / "sgov.toml").write_text(text.replace(line, line[2:]), encoding="utf-8")
    assert load_config(tmp_path).program_year == default
    assert line.startswith(f"# year = {default}    # ")


def test_the_intent_list_lets_a_clerk_type_several_intents(tmp_path):
    """Clerk audit (共和新路): 四.(一) lets a 一居一品 choose 一个或多个方向 and the reader takes
    "搭建一个社区自治载体、挖掘一批社区自治骨干", but the 意向 drop-down was a stop list: Excel and WPS
    refused any text not in the list, so several intents could not be entered in the template."""
    init_folder(tmp_path, get_program("gonghexinlu-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "B24")
    assert (rule.errorStyle, rule.prompt, rule.error) == (
        "warning",
        "从列表中选择与项目类别相符的意向；多个意向用、分隔，如 搭建一个社区自治载体、挖掘一批社区自治骨干",
        "不在列表中，请确认（多个意向用、分隔）",
    )


def test_the_example_date_setting_is_in_the_programs_year(tmp_path):
    """Clerk audit (新泾): the xinjing-2021 sgov.toml offered `# midterm_date = 2023-06-30`; a clerk
    who took the example got SG022 (a date setting outside the program year 2021)."""
    init_folder(tmp_path, get_program("xinjing-2021"))
    lines = (tmp_path / "sgov.toml").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith("# midterm_date")] == [
        "# midterm_date = 2021-06-30    # 中期评估日期（评估结果表未填时使用）（默认：不设；此为示例）"
    ]


def test_a_folder_under_a_file_is_a_chinese_error(tmp_path):
    """`sgov init a-file/新项目`: the system's English 'Not a directory' reached the clerk."""
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    target = tmp_path / "a.txt" / "新项目"
    result = runner.invoke(app, ["init", str(target), "--program", "puxing-2023"])
    assert result.exit_code == 2
    assert result.output == f"sgov：无法写入 {target}：路径中有一段不是文件夹（{target}）\n"


@pytest.mark.parametrize(
    ("program_id", "title", "date_line"),
    [
        (
            "puxing-2023",
            "2027年浦兴路街道“自治金”项目 申报表",
            "# midterm_date = 2027-06-30    # 中期评估日（评估结果表未填中期评估日期时用它计算中期使用率；三.6 规定半年一次中期评估，日期未定）",
        ),
        (
            "xinjing-2021",
            "2027年新泾镇“美好社区公益创投”项目 申报表",
            "# midterm_date = 2027-06-30    # 中期评估日期（评估结果表未填时使用）（默认：不设；此为示例）",
        ),
    ],
)
def test_init_for_another_year_says_that_year_everywhere(tmp_path, program_id, title, date_line):
    """Clerk audit (the second year): `sgov init 2027 --program puxing-2023` gave a form titled
    “2023年浦兴路街道“自治金”项目 申报表” for the 居委会 to fill in 2027, and `# year = 2023`; with
    --year the form, the sgov.toml and the date examples are that year's."""
    target = tmp_path / "2027"
    result = runner.invoke(app, ["init", str(target), "--program", program_id, "--year", "2027"])
    assert result.exit_code == 0, result.output
    name = title.removesuffix(" 申报表")
    assert result.output.splitlines()[0] == f"已为“{name}”（{program_id}）写出模板："
    assert openpyxl.load_workbook(target / "申报表.xlsx")["申报表"]["A1"].value == title
    lines = (target / "sgov.toml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"## sgov 配置：{name}"
    assert [x for x in lines if x.startswith(("year", "# year"))] == [
        "year = 2027    # 计划年度（默认为计划 id 中的年份）：各日期设置随之移到该年；填写其他年度的项目时改为该年"
    ]
    assert [x for x in lines if x.startswith("# midterm_date")] == [date_line]
    assert load_config(target).program_year == 2027
    # the example date, uncommented, is in the year: no SG022
    text = "\n".join(lines).replace(date_line, date_line[2:]) + "\n"
    (target / "sgov.toml").write_text(text, encoding="utf-8")
    assert load_config(target).settings["midterm_date"] == date(2027, 6, 30)


@pytest.mark.parametrize("year", ["27", "2027年", "1850"])
def test_init_year_must_be_a_four_digit_year(tmp_path, year):
    result = runner.invoke(
        app, ["init", str(tmp_path / "x"), "--program", "puxing-2023", "--year", year]
    )
    assert result.exit_code == 2
    assert "--year" in result.output and "四位数的年份" in result.output, result.output
    assert not (tmp_path / "x").exists()


def test_the_budget_prompt_says_what_the_reader_does_with_blank_rows(tmp_path):
    """Clerk audit (成都): the 预算明细 prompt told the clerk "中间不要留空行（遇到空行即视为表格结束）",
    but the reader skips blank rows and ends the lines at the 合计 row (workbooks.md 预算明细)."""
    init_folder(tmp_path, get_program("chengdu-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["预算明细"]
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "A2:A501")
    assert rule.prompt == "从列表中选择支出类别；中间的空行会跳过，“合计”行及其下方不算预算行"


def test_chengdu_legal_rep_prompt_names_every_applicant_that_must_fill_it(tmp_path):
    """Clerk audit (成都): the 法定代表人 prompt said "申报主体为社会组织时必填", so a clerk left it empty
    for a university's C project, and validate then held that project as 待改正 (SG002): the field is
    required of every applying organisation (workbooks.md "chengdu org"), committees excepted."""
    init_folder(tmp_path, get_program("chengdu-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    assert ws["A11"].value == "法定代表人"
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "B11")
    assert rule.prompt == "申报主体不是村委会、居委会（如社会组织、高等院校）时必填"


def test_chengdu_level_has_a_drop_down_with_city_level(tmp_path):
    """Clerk audit (成都): 申报层级 had no list, so nothing told the clerk that 市本级 is the word that
    takes a B project out of the district quota (四.(二)2)."""
    init_folder(tmp_path, get_program("chengdu-2023"))
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    assert ws["A33"].value == "申报层级"
    rule = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "B33")
    assert (rule.type, rule.formula1, rule.errorStyle, rule.prompt) == (
        "list",
        '"市本级"',
        "warning",
        "B 类市本级项目选 市本级（由项目办评审，不占区县初审名额）；区（市）县项目留空",
    )


def test_init_for_another_year_titles_the_form_and_sets_the_year(tmp_path):
    """Clerk audit (成都 2027): the README's way to another year is `year` in sgov.toml, but init
    refuses a folder that has one, so every 2027 form went out titled “2023年成都市…申报表” and the
    sgov.toml offered the 2023 deadline. `--year 2027` writes the year's title, `year = 2027` and the
    date settings moved into it."""
    result = CliRunner().invoke(
        app, ["init", str(tmp_path), "--program", "chengdu-2023", "--year", "2027"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "已为“2027年成都市城乡社区居民自治组织民生微项目”（chengdu-2023）写出模板："
    )
    ws = openpyxl.load_workbook(tmp_path / "申报表.xlsx")["申报表"]
    assert ws["A1"].value == "2027年成都市城乡社区居民自治组织民生微项目 申报表"
    lines = (tmp_path / "sgov.toml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "## sgov 配置：2027年成都市城乡社区居民自治组织民生微项目"
    assert [x for x in lines if x.startswith(("year", "# year"))] == [
        "year = 2027    # 计划年度（默认为计划 id 中的年份）：各日期设置随之移到该年；填写其他年度的项目时改为该年"
    ]
    assert [x for x in lines if x.startswith(("# deadline", "# midterm_date"))] == [
        "# deadline = 2027-06-12    # 申报截止日期（当天申报有效）",
        "# midterm_date = 2027-06-30    # 中期评估日期（评估结果表未填时使用）（默认：不设；此为示例）",
    ]
    config = load_config(tmp_path)
    assert (config.program_year, config.title) == (
        2027,
        "2027年成都市城乡社区居民自治组织民生微项目",
    )
