"""Error findings by place (rules/faults.py): a ledger row's errors are looked up by its place;
SheetErrors keeps them as sorted rows and runs, and must answer as a plain dict of lists would."""

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from selfgov_cli.model import Expense, Location
from selfgov_cli.rules.engine import Finding, Severity
from selfgov_cli.rules.faults import Faults, SheetErrors, _errors_at, sort_faults

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


places = st.tuples(st.sampled_from(["台账.xlsx", "二.xlsx"]), st.sampled_from(["经费台账", "二"]))
records = st.builds(
    lambda place, row, pid: Expense(loc=Location(place[0], place[1], None, row), project_id=pid),
    places,
    st.none() | st.integers(1, 6),
    st.sampled_from(["P-1", "P-2", "P-3", None]),
)
placed_findings = st.builds(
    lambda place, row, pid: Finding(
        "SG010", Severity.ERROR, pid, place[0], place[1], None, row, "m", "", ""
    ),
    places,
    st.none() | st.integers(1, 6),
    st.sampled_from(["P-1", "P-2", None]),  # not always the row's own 项目编号
)


@settings(max_examples=300, deadline=None)
@given(st.lists(records, max_size=12), st.lists(placed_findings, max_size=12))
def test_a_project_said_clean_has_no_ledger_row_with_an_error(ledger, found):
    """Issue 18: the money step looks up no row of a project Faults.ledger_clean says has no
    ledger error; that must hold whatever 项目编号 a finding at the row carries."""
    data = SimpleNamespace(
        ledger=ledger, scores=[], evaluations=[], decisions=[], projects=[], duplicates=[]
    )
    faults = sort_faults(SimpleNamespace(data=data, projects={}), found)
    for record in ledger:
        if faults.ledger_clean(record.project_id):
            assert faults.ledger_errors(record) is None
    assert not Faults().ledger_clean("P-1")  # not sorted: nothing is known to be clean
