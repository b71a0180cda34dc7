"""Every sample folder through every command, compared whole with tests/golden/<program-id>/.

Regenerate with `make goldens` only after reading the diff: the goldens are the contract.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("make_goldens", ROOT / "scripts" / "make_goldens.py")
goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(goldens)

SAMPLES = goldens.samples()
CASES = goldens.cases()


def golden(sample: str, name: str):
    return json.loads((goldens.GOLDEN / sample / f"{name}.json").read_text(encoding="utf-8"))


def test_four_samples_each_with_goldens():
    assert SAMPLES == ["chengdu-2023", "gonghexinlu-2023", "puxing-2023", "xinjing-2021"]
    for sample in SAMPLES:
        assert set(golden(sample, "_commands")) == set(CASES)


def test_every_command_has_a_golden_case():
    covered = {command for command, _, _ in goldens.CASES.values()}
    assert set(goldens.command_names()) <= covered


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("sample", SAMPLES)
def test_command_matches_golden(sample, case):
    code, payload, text = goldens.produce(sample, case)
    assert "Traceback" not in text
    expected = golden(sample, "_commands")[case]
    assert expected["argv"] == goldens.argv_shown(sample, case)
    assert code == expected["exit"], text
    assert payload == golden(sample, case)


def _findings(sample: str) -> list[dict]:
    return golden(sample, "validate")["findings"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_finding_points_at_a_real_place(sample):
    code, payload, _ = goldens.produce(sample, "validate")
    assert payload == golden(sample, "validate")
    folder = goldens.SAMPLES / sample
    books: dict[str, object] = {}
    checked = 0
    for finding in payload["findings"]:
        if finding["file"] is None:
            assert finding["sheet"] is None and finding["cell"] is None
            continue
        path = folder / finding["file"]
        assert path.is_file(), finding
        if finding["sheet"] is None:
            continue
        if finding["file"] not in books:
            books[finding["file"]] = load_workbook(path)
        wb = books[finding["file"]]
        assert finding["sheet"] in wb.sheetnames, finding
        ws = wb[finding["sheet"]]
        min_col, min_row, max_col, max_row = range_boundaries(ws.calculate_dimension())
        if finding["row"] is not None:
            assert min_row <= finding["row"] <= max_row, finding
        if finding["cell"] is not None:
            col, row, _, _ = range_boundaries(finding["cell"])
            assert min_col <= col <= max_col and min_row <= row <= max_row, finding
            checked += 1
    assert checked > 0


def test_row_agrees_with_cell():
    wrong = []
    for sample in SAMPLES:
        for f in _findings(sample):
            if f["cell"] and f["row"] != range_boundaries(f["cell"])[1]:
                wrong.append((sample, f["rule"], f["sheet"], f["cell"], f["row"]))
    assert wrong == []


EXPECTED_RULES = (
    [f"SG{n:03d}" for n in range(1, 22)]
    + [f"PX{n:03d}" for n in range(1, 16)]
    + [f"XJ{n:03d}" for n in range(1, 10)]
    + [f"CD{n:03d}" for n in range(1, 11)]
    + [f"GH{n:03d}" for n in range(1, 5)]
)


def test_samples_trip_every_rule():
    fired = {f["rule"] for sample in SAMPLES for f in _findings(sample)}
    assert sorted(set(EXPECTED_RULES) - fired) == []
    for sample, prefix in (
        ("puxing-2023", "PX"),
        ("xinjing-2021", "XJ"),
        ("chengdu-2023", "CD"),
        ("gonghexinlu-2023", "GH"),
    ):
        own = {f["rule"] for f in _findings(sample) if f["rule"][:2] in ("PX", "XJ", "CD", "GH")}
        assert {r[:2] for r in own} == {prefix}, sample


def test_samples_are_mostly_clean():
    for sample in SAMPLES:
        projects = golden(sample, "validate")["summary"]["projects"]
        flagged = {
            f["project_id"]
            for f in _findings(sample)
            if f["severity"] == "error" and f["project_id"]
        }
        assert len(flagged) * 2 <= projects + 4, sample  # a handful of bad projects, not most


def test_money_and_ranking_are_exercised():
    for sample in ("puxing-2023", "chengdu-2023"):
        statuses = {
            t["status"] for p in golden(sample, "disburse")["projects"] for t in p["tranches"]
        }
        assert statuses == {"released", "withheld", "pending"}, sample
    flags = {s: {f for e in golden(s, "rank")["ranking"] for f in e["flags"]} for s in SAMPLES}
    # 成都: 锦江区's clean A projects fill its places and one is over the quota; 待改正 ones take none
    assert flags["chengdu-2023"] == {"needs_fix", "below_line", "over_quota"}
    # 共和新路: the pool tops up 一居一品 overruns first, so its line falls among 七彩微创投 projects
    assert flags["gonghexinlu-2023"] == {"funded", "unfunded", "needs_fix"}
    assert "below_line" in flags["puxing-2023"]


def test_public_outputs_never_show_phone_numbers():
    phone = re.compile(r"1[3-9]\d{9}")
    for sample in SAMPLES:
        forms = [
            f for f in (goldens.SAMPLES / sample).rglob("*.xlsx") if not f.name.startswith("~$")
        ]
        assert forms  # the samples do hold 联系电话 (see make_samples.phone)
        for case in ("report-publicity", "report-summary"):
            text = json.dumps(golden(sample, case), ensure_ascii=False)
            assert not phone.search(text), (sample, case)


def test_injection_name_stays_text():
    wb = load_workbook(
        goldens.SAMPLES / "gonghexinlu-2023" / "申报/七彩微创投/2023年七彩微创投项目汇总.xlsx"
    )
    names = [c for c in wb["项目汇总"]["B"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert [(c.data_type, c.coordinate) for c in names] == [("s", "B19")]


def test_committed_samples_are_what_the_script_makes(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_samples", ROOT / "scripts" / "make_samples.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.main(["--out", str(tmp_path)])
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(goldens.SAMPLES)
        for p in goldens.SAMPLES.rglob("*")
        if p.is_file() and p.name != "README.md"
    )
    assert made == committed
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (goldens.SAMPLES / rel).read_bytes(), rel
