"""SG014: spending beyond the funds released to the project so far.

A catalogued rule of the money stage: the money step (disburse.py), which decides what is released,
emits its findings in the same pass; the engine does not run it. In date order, the part of a
ledger row that takes the project's eligible spending past what is released as of `--as-of` is
flagged at its amount cell, and only that part is ineligible (rules.md Money).
"""

from __future__ import annotations

from collections.abc import Iterator

from selfgov_cli.rules.engine import Context, Hit, rule


@rule(
    "SG014",
    "error",
    "通用规则",
    "支出超过截至核算日已拨付给项目的资金",
    "超出部分暂不报销：待下一笔资金拨付后再报销，或退回超支部分；核对拨付情况可运行 sgov disburse",
    stage="money",
)
def overspent(ctx: Context) -> Iterator[Hit]:
    """按日期顺序，使项目合规支出累计超过截至核算日已拨付资金的那部分支出（由拨付核算同时得出）。申报材料有错误、第一笔资金暂缓拨付的项目只报告一次原因，不逐笔报告。"""
    return iter(())
