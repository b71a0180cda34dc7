"""A Finding holds its rule, severity, clause and fix as one shared Kind (memory on a million-row
ledger) but behaves as the frozen dataclass it was: built by keyword or position, compared and
hashed on every field, immutable, copied with changes."""

import pickle
from decimal import Decimal

import pytest

import selfgov_cli.rules.registry  # noqa: F401 - fills the registry
from selfgov_cli.model import Location
from selfgov_cli.rules.engine import REGISTRY, Finding, Severity, findings_of


def test_a_finding_compares_hashes_and_copies_on_every_field():
    a = Finding("SG005", Severity.ERROR, "P-1", "台账.xlsx", "经费台账", "B2", 2, "m", "c", "f")
    b = Finding(
        rule="SG005",
        severity="error",
        project_id="P-1",
        file="台账.xlsx",
        sheet="经费台账",
        cell="B2",
        row=2,
        message="m",
        clause="c",
        fix="f",
    )
    assert a == b and hash(a) == hash(b) and a.kind is b.kind
    assert a.severity is Severity.ERROR and (a.rule, a.clause, a.fix) == ("SG005", "c", "f")
    for change in (
        {"clause": "d"},
        {"fix": "g"},
        {"severity": Severity.INFO},
        {"excess": Decimal("1.00")},
        {"row": 3},
        {"message": "n"},
    ):
        other = a.replace(**change)
        assert other != a and len({a, other}) == 2
        assert {name: getattr(other, name) for name in change} == change
    assert a.replace(message="m") == a
    with pytest.raises(AttributeError):
        a.row = 5  # type: ignore[misc]
    assert repr(a).startswith("Finding(rule='SG005', severity=<Severity.ERROR: 'error'>")
    # findings go to worker processes (annotated copies): pickled and back, equal, Kind shared
    back = pickle.loads(pickle.dumps(a.replace(excess=Decimal("2.50"))))
    assert back == a.replace(excess=Decimal("2.50")) and back.kind is a.kind


def test_findings_of_a_rule_equal_those_built_by_hand():
    rule = REGISTRY["SG005"]
    loc = Location("台账.xlsx", "经费台账", "B2", 2)
    hits = [(loc, "P-1", "没有申报"), (loc, "P-1", "没有申报", Severity.WARNING)]
    got = list(findings_of(rule, hits))
    assert got == [
        Finding(
            "SG005",
            severity,
            "P-1",
            "台账.xlsx",
            "经费台账",
            "B2",
            2,
            "没有申报",
            rule.clause,
            rule.fix,
        )
        for severity in (rule.severity, Severity.WARNING)
    ]
    assert got[0].to_dict() == {
        "rule": "SG005",
        "severity": rule.severity.value,
        "project_id": "P-1",
        "file": "台账.xlsx",
        "sheet": "经费台账",
        "cell": "B2",
        "row": 2,
        "message": "没有申报",
        "clause": rule.clause,
        "fix": rule.fix,
    }
