"""Blank, ready-to-fill template workbooks for a program (`sgov init`).

One program folder is written: 申报表.xlsx (申报表 + 预算明细 + 项目成员, one project's workbook),
经费台账.xlsx, 评审打分.xlsx, 评估结果.xlsx, 人工认定.xlsx (the office's recorded decisions) and
sgov.toml naming the program. Labels and headers are
exactly the contract's (shared/spec/workbooks.md); required ones carry a leading `*` (ignored when
read). Drop-down lists, number formats and input prompts make the forms right the first time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from selfgov_cli.config import program_id_year, program_title
from selfgov_cli.decisions import KINDS, NOT_WAIVABLE
from selfgov_cli.io.schema import (
    APPLICATION,
    BUDGET,
    DECISIONS,
    EVALUATIONS,
    EXPENSE_NAMES,
    LEDGER,
    MEMBERS,
    ROLES,
    SCORES,
    Column,
)
from selfgov_cli.os_errors import os_error_text
from selfgov_cli.programs import builtin
from selfgov_cli.programs.base import COMMON_SETTINGS, Program
from selfgov_cli.report.safe import atomic_write, save_workbook
from selfgov_cli.rules.engine import rules_for, shift_year
from selfgov_cli.rules.registry import REGISTRY  # noqa: F401  (fills the registry rules_for reads)

CONFIG_NAME = "sgov.toml"
APPLICATION_FILE = "申报表.xlsx"
LEDGER_FILE = "经费台账.xlsx"
SCORES_FILE = "评审打分.xlsx"
EVALUATIONS_FILE = "评估结果.xlsx"
DECISIONS_FILE = "人工认定.xlsx"
TEMPLATE_FILES = (
    APPLICATION_FILE,
    LEDGER_FILE,
    SCORES_FILE,
    EVALUATIONS_FILE,
    DECISIONS_FILE,
    CONFIG_NAME,
)

TABLE_ROWS = 500  # data-validation and format reach of a table sheet (rows below the header)
_FIXED_DAY = date(2023, 1, 1)  # document times: same program, same bytes

APPLICANT_TYPES = (
    "居委会",
    "村委会",
    "社会服务机构",
    "社会团体",
    "基金会",
    "高等院校",
    "党校",
    "科研院所",
)
PAYEE_ROLES = ("居民", "志愿者", "社工", "社会组织", "商户")
YES_NO = ("是", "否")
VERDICTS = ("合格", "不合格")
ROUNDS = ("立项评审", "年终评审")

_CONDITION_WORDS = {
    "org": "申报主体不是村委会、居委会（如社会组织、高等院校）时必填",
    "class_ab": "A、B 类项目必填",
    "class_a": "A 类项目必填",
    "continuing": "延续项目必填",
}
_FORMATS = {"amount": "#,##0.00", "date": "yyyy-mm-dd", "int": "0", "rate": "0%", "number": "0.00"}
_FORMATS["place"] = _FORMATS["int"]
_HINTS = {
    "amount": "填写金额（元），如 50000 或 5万",
    "date": "填写日期，如 2023-03-31",
    "int": "填写整数",
    "place": "填写名次（整数），如 3；不是十佳请留空",
    "rate": "填写百分比，如 85%",
    "number": "填写数字",
}

_INPUT_FILL = "FFF2CC"  # light yellow: where to type
_HEADER_FILL = "D9E1F2"  # light blue: table headers and form labels
_LISTS_SHEET = "下拉选项"


class InitError(Exception):
    """The templates cannot be written; the message names the reason (exit 2)."""


@dataclass(frozen=True, slots=True)
class Field:
    column: Column
    required: bool
    note: str = ""  # when the field is conditionally required

    @property
    def label(self) -> str:
        return ("*" if self.required else "") + self.column.label


def form_fields(program: Program) -> list[Field]:
    """The 申报表 labels for a program, in contract order, each marked required or not."""
    specific = {key for other in builtin().values() for key in other.form_fields}
    own = set(program.form_fields) | set(program.required)
    always = {k for k, cond in program.required.items() if cond == "always"}
    always |= set(program.rule_required)
    fields = []
    for column in APPLICATION:
        if column.key in specific and column.key not in own:
            continue
        required = column.required or column.key in always
        condition = program.required.get(column.key)
        note = "" if required else _CONDITION_WORDS.get(condition or "", "")
        fields.append(Field(column, required, note))
    return fields


def targets(folder: Path) -> list[Path]:
    return [folder / name for name in TEMPLATE_FILES]


def init_folder(
    folder: Path | str,
    program: Program,
    program_ref: str | None = None,
    force: bool = False,
    year: int | None = None,
) -> list[Path]:
    """Write the blank templates and sgov.toml into folder; InitError if any exists (unless force).
    year: the program year (`sgov init --year`): the form's title, sgov.toml's `year` (set, not
    commented) and its date examples are that year's; None: the program's own year, commented."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} 已存在且不是文件夹")
    existing = [p for p in targets(folder) if p.exists()]
    if existing and not force:
        names = "、".join(p.name for p in existing)
        raise InitError(f"{folder} 中已有 {names}：不会覆盖；确需重写请加 --force")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = [
            _save(_application_book(program, year), folder / APPLICATION_FILE),
            _save(_ledger_book(program), folder / LEDGER_FILE),
            _save(_scores_book(program), folder / SCORES_FILE),
            _save(_evaluations_book(), folder / EVALUATIONS_FILE),
            _save(_decisions_book(program), folder / DECISIONS_FILE),
        ]
        written.append(
            _write_text(folder / CONFIG_NAME, config_text(program, program_ref or program.id, year))
        )
    except OSError as exc:
        raise InitError(f"无法写入 {folder}：{os_error_text(exc)}") from exc
    return written


# ---------------------------------------------------------------- workbooks


def _new_book():
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "input": PatternFill("solid", fgColor=_INPUT_FILL),
        "header": PatternFill("solid", fgColor=_HEADER_FILL),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "left": Alignment(horizontal="left", vertical="center"),
    }


def _application_book(program: Program, year: int | None = None):
    wb = _new_book()
    _form_sheet(wb, program, year)
    budget = [c for c in BUDGET if c.key != "project_id"]
    _table_sheet(
        wb,
        "预算明细",
        budget,
        program,
        note="从列表中选择支出类别；中间的空行会跳过，“合计”行及其下方不算预算行",
    )
    members = [c for c in MEMBERS if c.key != "project_id"]
    _table_sheet(wb, "项目成员", members, program)
    return wb


def _ledger_book(program: Program):
    wb = _new_book()
    extra = set(program.ledger_fields)
    specific = {key for other in builtin().values() for key in other.ledger_fields}
    columns = [c for c in LEDGER if c.key not in specific or c.key in extra]
    _table_sheet(wb, "经费台账", columns, program, required_extra=extra)
    return wb


def _scores_book(program: Program):
    wb = _new_book()
    criteria = program.criteria
    columns = [c for c in SCORES if c.key in ("project_id", "reviewer", "group", "round")]
    if criteria:
        # criterion headers are read as written: no `*`, it would become part of the name
        columns += [Column(f"criterion:{name}", name, name, "number") for name in criteria]
    else:
        columns.append(Column("total", "总分", "total", "number", required=True))
    _table_sheet(wb, "评审打分", columns, program)
    return wb


def _evaluations_book():
    wb = _new_book()
    _table_sheet(wb, "评估结果", list(EVALUATIONS), None)
    return wb


def _decisions_book(program: Program):
    wb = _new_book()
    _table_sheet(wb, "人工认定", list(DECISIONS), program)
    return wb


def rule_ids(program: Program) -> list[str]:
    """The rule ids a 豁免 may name: the program's rules, in id order (not NOT_WAIVABLE)."""

    disabled = set(program.disabled_rules) | set(NOT_WAIVABLE)
    return [item.id for item in rules_for(program) if item.id not in disabled]


_DECISION_PROMPTS = {
    "where": "可不填；只对一处生效时填写：工作表!C12、相对路径:工作表!C12、发票号 或 第N笔",
    "value": "预算调整：支出类别 金额（如 管理费 500）或 核定金额 金额；"
    "拨付：第N笔 拨付 或 第N笔 暂缓；发票归属：发票号",
    "reason": "必填：认定的理由，会与认定一起打印",
    "document": "如会议纪要、批复的文号",
}


def _form_sheet(wb, program: Program, year: int | None = None) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    s = _styles()
    ws = wb.create_sheet("申报表")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 46
    ws["A1"] = f"{program_title(program, year) if year else program.name} 申报表"
    ws["A1"].font = s["title"]
    ws["A2"] = "带 * 的为必填项；黄色格子为填写处；有下拉箭头的格子请从列表中选择。"
    ws["A2"].alignment = s["left"]
    validations: dict[tuple, DataValidation] = {}
    first = 4  # row 3 stays empty: nothing below a label may be mistaken for its value
    for offset, item in enumerate(form_fields(program)):
        row = first + offset
        label = ws.cell(row=row, column=1, value=item.label)
        label.font = s["bold"]
        label.fill = s["header"]
        label.border = s["border"]
        cell = ws.cell(row=row, column=2)
        cell.fill = s["input"]
        cell.border = s["border"]
        cell.number_format = _FORMATS.get(item.column.kind, "@")
        if item.column.key == "summary":
            cell.alignment = s["wrap"]
            ws.row_dimensions[row].height = 60
        rule = _form_rule(wb, program, item)
        if rule is not None:
            key = (
                rule.type,
                rule.formula1,
                rule.formula2,
                rule.operator,
                rule.errorStyle,
                rule.prompt,
            )
            validations.setdefault(key, rule).add(cell.coordinate)
    for rule in validations.values():
        ws.add_data_validation(rule)
    ws.freeze_panes = "A4"
    ws.print_title_rows = "1:2"


def _level_rule(wb, prompt: str | None):
    """成都 四.(二)2 申报层级: only 市本级 changes anything, so other words are accepted too."""
    return _list_rule(
        wb,
        ("市本级",),
        "申报层级",
        prompt or "B 类市本级项目选 市本级（由项目办评审，不占区县初审名额）；区（市）县项目留空",
        strict=False,
    )


def _form_rule(wb, program: Program, item: Field):
    """The data validation (drop-down, number or date check) of one form field, or None."""
    key, kind = item.column.key, item.column.kind
    prompt = item.note
    if key == "category":
        return _list_rule(
            wb, program.categories, "项目类别", prompt or "从列表中选择本计划的项目类别"
        )
    if key == "intent":  # 一个或多个方向 (共和新路 四.(一)): a list that takes typed text too
        intents = [name for names in program.intents.values() for name in names]
        if not intents:
            return None
        example = "、".join(next(iter(program.intents.values()))[:2])
        rule = _list_rule(
            wb,
            intents,
            "意向",
            prompt or f"从列表中选择与项目类别相符的意向；多个意向用、分隔，如 {example}",
            strict=False,
        )
        rule.error = "不在列表中，请确认（多个意向用、分隔）"
        return rule
    if key == "applicant_type":
        return _list_rule(
            wb, APPLICANT_TYPES, "申报主体类型", prompt or "从列表中选择", strict=False
        )
    if key == "level":
        return _level_rule(wb, prompt)
    if kind == "bool":
        return _list_rule(wb, YES_NO, item.column.label, prompt or "选择 是 或 否")
    return _value_rule(kind, item.column.label, prompt)


def _table_sheet(
    wb,
    name: str,
    columns: Sequence[Column],
    program: Program | None,
    note: str = "",
    required_extra: set[str] | frozenset[str] = frozenset(),
) -> None:
    from openpyxl.utils import get_column_letter

    s = _styles()
    ws = wb.create_sheet(name)
    last = 1 + TABLE_ROWS
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        required = column.required or column.key in required_extra
        head = ws.cell(row=1, column=index, value=("*" if required else "") + column.label)
        head.font = s["bold"]
        head.fill = s["header"]
        head.border = s["border"]
        width = max(10, 2 * len(column.label) + 4)
        ws.column_dimensions[letter].width = (
            24
            if column.key in ("description", "item", "remark", "note", "reason", "where", "value")
            else width
        )
        ws.column_dimensions[letter].number_format = _FORMATS.get(column.kind, "@")
        rule = _table_rule(wb, program, column, note if index == 1 else "")
        if rule is not None:
            rule.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"


def _table_rule(wb, program: Program | None, column: Column, note: str):
    key, kind = column.key, column.kind
    if key == "category":
        return _list_rule(
            wb, list(EXPENSE_NAMES.values()), "支出类别", note or "从列表中选择支出类别"
        )
    if key == "role":
        return _list_rule(wb, ROLES, "角色", "负责人 / 成员 / 社工联络员")
    if key == "payee_role":
        return _list_rule(wb, PAYEE_ROLES, "收款方身份", "从列表中选择", strict=False)
    if key in ("midterm", "final"):
        return _list_rule(wb, VERDICTS, column.label, "合格 或 不合格；尚未评估则留空")
    if key == "round" and column in SCORES:
        return _list_rule(wb, ROUNDS, "轮次", "立项评审 或 年终评审；留空为立项评审")
    if column in DECISIONS:
        if key == "kind":
            return _list_rule(wb, KINDS, "认定事项", "从列表中选择认定事项")
        if key == "rule" and program is not None:
            prompt = "豁免时必填：被豁免的规则编号"
            return _list_rule(wb, rule_ids(program), "规则", prompt, strict=False)
        if key in _DECISION_PROMPTS:
            return _value_rule(kind, column.label, _DECISION_PROMPTS[key])
    if key == "level":
        return _level_rule(wb, note)
    if kind == "bool":
        return _list_rule(wb, YES_NO, column.label, "选择 是 或 否")
    return _value_rule(kind, column.label, note)


def _list_rule(wb, items: Sequence[str], title: str, prompt: str, strict: bool = True):
    """A drop-down list: inline when it fits Excel's 255-character limit, else on a hidden sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation

    inline = ",".join(items)
    if len(inline) <= 250 and not any("," in item or '"' in item for item in items):
        formula = f'"{inline}"'
    else:
        formula = _hidden_list(wb, items)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    return _messages(
        rule, title, prompt, "请从下拉列表中选择" if strict else "不在列表中，请确认", strict
    )


def _hidden_list(wb, items: Sequence[str]) -> str:
    from openpyxl.utils import get_column_letter, quote_sheetname

    if _LISTS_SHEET in wb.sheetnames:
        ws = wb[_LISTS_SHEET]
    else:
        ws = wb.create_sheet(_LISTS_SHEET)
        ws.sheet_state = "hidden"
    col = ws.max_column + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
    letter = get_column_letter(col)
    for row, item in enumerate(items, start=1):
        ws.cell(row=row, column=col, value=item)
    return f"{quote_sheetname(_LISTS_SHEET)}!${letter}$1:${letter}${len(items)}"


def _value_rule(kind: str, title: str, prompt: str):
    """Number and date checks: a warning (the reader also takes 5万, 2023年3月1日 as text)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind in ("amount", "int", "place", "number"):
        rule = DataValidation(
            type="whole" if kind in ("int", "place") else "decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
        )
    elif kind == "date":
        rule = DataValidation(
            type="date",
            operator="between",
            formula1="DATE(2000,1,1)",
            formula2="DATE(2099,12,31)",
            allow_blank=True,
        )
    elif kind == "rate":
        rule = DataValidation(
            type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True
        )
    elif prompt:
        rule = DataValidation(type=None, allow_blank=True)
    else:
        return None
    hint = "；".join(x for x in (prompt, _HINTS.get(kind, "")) if x)
    return _messages(rule, title, hint, _HINTS.get(kind, "格式不对，请确认"), strict=False)


def _messages(rule, title: str, prompt: str, error: str, strict: bool):
    rule.showInputMessage = bool(prompt)
    rule.promptTitle = title[:32] if prompt else None
    rule.prompt = prompt[:255] if prompt else None
    rule.showErrorMessage = True
    rule.errorStyle = "stop" if strict else "warning"
    rule.errorTitle = title[:32]
    rule.error = error[:255]
    return rule


# ---------------------------------------------------------------- sgov.toml


# Values shown for settings with no default, so that every commented line is valid TOML once its
# leading "# " is removed (notes start with "## ": uncommented they are still comments).
_EXAMPLES: dict[str, Any] = {
    "group_weights": {"专家": 70, "居民": 30},
    "pool": 500000,
    "neighborhood_allowance": 20000,
}
_TYPE_EXAMPLES: dict[str, Any] = {
    "amount": 100000,
    "rate": Decimal("0.50"),
    "date": date(2023, 6, 30),  # moved into the program's year (config_text)
    "int": 1,
    "number": 1,
    "bool": False,
    "str": "",
    "list": [],
    "map": {},
}


def config_text(program: Program, program_ref: str, year: int | None = None) -> str:
    """sgov.toml naming the program, with every setting listed (commented) at its default.

    Each line starting with a single "# " is a setting: removing the "# " gives valid TOML.
    year: the program year, written as a setting (not commented); date defaults and examples move
    into it, as the program's date settings do (workbooks.md "The program year")."""
    own_year = program_id_year(program)
    lines = [
        f"## sgov 配置：{program_title(program, year) if year else program.name}",
        f"## 依据：{program.document}",
        f"program = {toml_value(program_ref)}",
        "",
        "## 以下各项按需去掉行首的 # 后填写",
        f"{'' if year else '# '}year = {year or own_year}    # 计划年度（默认为计划 id 中的年份）：各日期设置随之移到该年；"
        "填写其他年度的项目时改为该年",
        '# neighborhoods = ["一居", "二居"]   # 全部居民区名单（用于“未申报”提示）',
        '# office = "街道自治办"              # 公示中的联系部门',
        '# office_phone = "021-00000000"      # 公示中的联系电话',
        '# office_address = "某某路 1 号"      # 公示中的联系地址',
        '## 上年的记录（sgov run 写出的 record.json）或上年的项目文件夹，如 ["../2022/sgov-output/2022-12-31/record.json"]',
        "# history = []",
        "",
        "[settings]",
        "## 本计划的设置与默认值；要改动时去掉行首的 #",
    ]
    own = {s.name for s in program.settings}
    for spec in (*program.settings, *(s for s in COMMON_SETTINGS if s.name not in own)):
        if spec.default is None or spec.default == {} or spec.default == ():
            example = _EXAMPLES.get(spec.name, _TYPE_EXAMPLES.get(spec.type, ""))
            if isinstance(example, date):  # never outside the program year (SG022)
                example = example.replace(year=year or own_year)
            lines.append(
                f"# {spec.name} = {toml_value(example)}    # {spec.doc}（默认：不设；此为示例）"
            )
        else:
            default = spec.default
            if year and isinstance(default, date):  # the built-in date as the year moves it
                default = shift_year(default, year - own_year)
            lines.append(f"# {spec.name} = {toml_value(default)}    # {spec.doc}")
    return "\n".join(lines) + "\n"


def toml_value(value: Any) -> str:
    """A Python value as TOML text (strings, numbers, dates, lists, inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items())
            + "}"
        )
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


# ---------------------------------------------------------------- writing


def _save(wb, path: Path) -> Path:
    """Atomic and deterministic: the same program gives the same bytes."""

    wb.properties.creator = "sgov"
    wb.properties.lastModifiedBy = "sgov"
    return save_workbook(wb, path, _FIXED_DAY)


def _write_text(path: Path, text: str) -> Path:

    return atomic_write(path, text)


__all__ = ["InitError", "TEMPLATE_FILES", "config_text", "form_fields", "init_folder", "toml_value"]
