"""SG014: spending beyond the funds released to the project so far (a late rule).

It runs after the other rules and reads their findings (`ctx.prior`): ledger rows with an error of
their own are not eligible and do not count. In date order, a row that would take the project's
eligible spending past what is released as of `--as-of` is flagged at its amount cell; flagged rows
are left out of the running total. `sgov disburse` calls the same function, so the two agree.
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
    late=True,
)
def overspent(ctx: Context) -> Iterator[Hit]:
    """In date order, each ledger row whose amount takes the eligible spending past the released funds."""
    from selfgov_cli.disburse import overdraw_hits

    yield from overdraw_hits(ctx, ctx.prior)
