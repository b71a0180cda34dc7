"""SG022: dates outside the program year (workbooks.md "The program year")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from selfgov_cli.model import Location
from selfgov_cli.rules.engine import Context, Hit, rule

CONFIG_FILE = "sgov.toml"


@rule(
    "SG022",
    "warning",
    "通用规则",
    "项目的开始日期、结束日期或日期设置不在本计划年度内",
    "核对年份是否填错（常见：沿用上一年的模板）；跨年度的项目请确认是否属于本年度计划",
)
def outside_year(ctx: Context) -> Iterator[Hit]:
    """项目的开始日期或结束日期不在计划年度（sgov.toml 的 year，默认计划编号中的年份）内；sgov.toml [settings] 中的日期设置不在该年度内也提示。"""
    year = ctx.year
    if not year:
        return
    for project in ctx.data.projects:
        for key, label in (("start_date", "开始日期"), ("end_date", "结束日期")):
            day = project.get(key)
            if isinstance(day, date) and day.year != year:
                yield (
                    project.cell(key),
                    project.project_id,
                    f"{label} {day.isoformat()} 不在 {year} 年度内：请核对年份是否填错",
                )
    for name, value in sorted(ctx.settings.items()):
        if isinstance(value, date) and value.year != year:
            yield (
                Location(CONFIG_FILE, "[settings]"),
                None,
                f"sgov.toml 中的设置 {name} = {value.isoformat()} 不在 {year} 年度内：请核对年份",
            )
