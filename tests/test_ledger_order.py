"""The money and the running-total rules walk each project's ledger in ledger_order; the quick
sort (dates only, when the dataset is already in place order) must give exactly that order."""

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.model import (
    Expense,
    FileResult,
    Location,
    in_ledger_order,
    ledger_order,
    ledger_placed,
)

days = st.none() | st.dates(min_value=date(2023, 1, 1), max_value=date(2023, 1, 20))


@st.composite
def files(draw):
    """Files in path order, each with sheets in name order and rows ascending: placed."""
    out = []
    for f in range(draw(st.integers(1, 3))):
        path = f"ledgers/{f:02d}.xlsx"
        rows = []
        for sheet in sorted(
            draw(st.sets(st.sampled_from(["台账", "经费台账", "2023"]), min_size=1))
        ):
            n = draw(st.integers(0, 8))
            for r in range(2, 2 + n):
                rows.append(
                    Expense(loc=Location(path, sheet, None, r), date=draw(days), project_id="P")
                )
        out.append(FileResult(path=path, ledger=tuple(rows)))
    return out


@settings(max_examples=300, deadline=None)
@given(files())
def test_quick_order_is_ledger_order(results):
    rows = [e for r in results for e in r.ledger]
    assert ledger_placed(results)
    assert in_ledger_order(rows, placed=True) == sorted(rows, key=ledger_order)
    assert [id(e) for e in in_ledger_order(rows, True)] == [
        id(e) for e in sorted(rows, key=ledger_order)
    ]


def test_not_placed_when_sheets_or_rows_are_out_of_order():
    a = Expense(loc=Location("x.xlsx", "经费台账", None, 3), date=date(2023, 1, 1))
    b = Expense(loc=Location("x.xlsx", "经费台账", None, 2), date=date(2023, 1, 1))
    c = Expense(loc=Location("x.xlsx", "2023", None, 9), date=date(2023, 1, 1))
    assert not ledger_placed([FileResult("x.xlsx", ledger=(a, b))])
    assert not ledger_placed([FileResult("x.xlsx", ledger=(a, c))])  # "经费台账" before "2023"
    assert not ledger_placed([FileResult("y.xlsx", ledger=(a,))])  # a row of another file
    assert ledger_placed([FileResult("x.xlsx", ledger=(c, b, a))])
    # out of place order, the full sort decides: same date, so by sheet then row
    assert in_ledger_order([a, c, b], placed=False) == [c, b, a]
