"""Error findings by place (rules/faults.py): a ledger row's errors are looked up by its place;
SheetErrors keeps them as sorted rows and runs, and must answer as a plain dict of lists would."""

from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.model import Location
from selfgov_cli.rules.engine import Finding, Severity
from selfgov_cli.rules.faults import SheetErrors, _errors_at

findings = st.builds(
    Finding,
    rule=st.sampled_from(["SG005", "SG010", "PX011"]),
    severity=st.just(Severity.ERROR),
    project_id=st.none() | st.just("P-1"),
    file=st.just("台账.xlsx"),
    sheet=st.just("经费台账"),
    cell=st.none() | st.just("B2"),
    row=st.none() | st.integers(1, 6),
    message=st.sampled_from(["甲", "乙"]),
    clause=st.just(""),
    fix=st.just(""),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(findings, max_size=30))
def test_sheet_errors_answer_as_a_dict_of_lists_in_the_order_found(found):
    plain: dict[int | None, list[Finding]] = {}
    for f in found:
        plain.setdefault(f.row, []).append(f)
    errors = SheetErrors(list(found))
    for row in [None, 0, 1, 2, 3, 4, 5, 6, 7]:
        assert errors.at(row) == plain.get(row)
        assert (row in errors) == (row in plain)


def test_a_ledger_rows_errors_are_found_by_file_sheet_and_row():
    def error(row, rule, sheet="经费台账"):
        return Finding(rule, Severity.ERROR, "P", "台账.xlsx", sheet, None, row, "m", "", "")

    given_order = [error(5, "SG005"), error(2, "PX011"), error(5, "PX011"), error(2, "SG005", "二")]
    at = {
        "台账.xlsx": {
            "经费台账": SheetErrors(given_order[:3]),
            "二": SheetErrors(given_order[3:]),
        }
    }
    assert _errors_at(at, Location("台账.xlsx", "经费台账", None, 5)) == [
        given_order[0],
        given_order[2],
    ]
    assert _errors_at(at, Location("台账.xlsx", "二", None, 2)) == [given_order[3]]
    assert _errors_at(at, Location("台账.xlsx", "二", None, 5)) is None
    assert _errors_at(at, Location("别的.xlsx", "经费台账", None, 5)) is None
