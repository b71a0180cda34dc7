"""Findings are put in place order once per run; `in_order` (one integer key a finding, rule and
message compared only at the same cell) must give exactly the plain sort, each finding once."""

from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.rules import engine
from selfgov_cli.rules.engine import Finding, Severity, in_order

texts = st.sampled_from(["", "a", "台账.xlsx", "b.xlsx"])
cells = st.none() | st.sampled_from(["", "A1", "B2", "Z9", "AA1", "AB10", "B10", "12", "A1:B2"])

findings = st.builds(
    Finding,
    rule=st.sampled_from(["SG005", "SG010", "PX012"]),
    severity=st.sampled_from(list(Severity)),
    project_id=st.none() | st.sampled_from(["", "P-1", "P-2"]),
    file=st.none() | texts,
    sheet=st.none() | texts,
    cell=cells,
    row=st.none() | st.integers(0, 3) | st.sampled_from([1_048_576, 2**40]),
    message=st.sampled_from(["甲", "乙", "丙"]),
    clause=st.sampled_from(["x", "y"]),
    fix=st.just("改"),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(findings, max_size=40))
def test_in_order_is_the_plain_sort_each_once(items):
    expected = sorted(dict.fromkeys(items), key=Finding.sort_key)
    merged = engine._MERGED_STRETCHES
    try:
        for limit in (merged, 1):  # stretches in order merged; and one sort of everything
            engine._MERGED_STRETCHES = limit
            assert in_order(items) == expected
            # copies at the same place are dropped: the first one found is kept
            assert in_order(items + items) == expected
    finally:
        engine._MERGED_STRETCHES = merged


def test_in_order_sorts_a_million_row_ledger_in_bounded_time():
    """Two findings a row over 50,000 rows, given in reverse: exact order, each once."""
    items = []
    for r in range(50_001, 1, -1):
        for col, rule in (("J", "PX012"), ("B", "SG005")):
            items.append(
                Finding(
                    rule, Severity.ERROR, "P", "台账.xlsx", "经费台账", f"{col}{r}", r, "m", "", ""
                )
            )
    got = in_order(items + items[:10])
    assert len(got) == 100_000
    assert [(f.row, f.cell) for f in got[:3]] == [(2, "B2"), (2, "J2"), (3, "B3")]
    assert got == sorted(items, key=Finding.sort_key)
