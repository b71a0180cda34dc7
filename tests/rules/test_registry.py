"""The rule registry as a whole: ids, severities, clauses with their texts, Chinese docs, and a test each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from selfgov_cli.programs import builtin
from selfgov_cli.rules.clauses import CLAUSES
from selfgov_cli.rules.registry import REGISTRY

TESTS = Path(__file__).resolve().parents[1]
POLICIES = TESTS.parent.parent / "shared" / "policies"
CJK = re.compile(r"[\u4e00-\u9fff]")

# shared/spec/rules.md, program tables: id -> severity.
E, W, N = "error", "warning", "info"  # N: notice (info)
PROGRAM_RULES = {
    "puxing-2023": {
        "PX001": E, "PX002": E, "PX003": E, "PX004": E, "PX005": E, "PX006": E, "PX007": E, "PX008": E,
        "PX009": E, "PX010": E, "PX011": E, "PX012": W, "PX013": W, "PX014": W, "PX015": N,
    },
    "xinjing-2021": {
        "XJ001": E, "XJ002": N, "XJ003": W, "XJ004": E, "XJ005": E, "XJ006": E, "XJ007": E, "XJ008": W, "XJ009": N,
    },
    "chengdu-2023": {f"CD{n:03d}": E for n in range(1, 11)},
    "gonghexinlu-2023": {"GH001": E, "GH002": E, "GH003": E, "GH004": W},
}  # fmt: skip
PREFIX = {"puxing-2023": "PX", "xinjing-2021": "XJ", "chengdu-2023": "CD", "gonghexinlu-2023": "GH"}


def test_every_rule_has_an_id_of_the_right_shape_and_chinese_docs():
    assert REGISTRY
    for rule_id, item in REGISTRY.items():
        assert re.fullmatch(r"(SG|PX|XJ|CD|GH)\d{3}", rule_id), rule_id
        assert item.id == rule_id
        assert item.clause.strip(), rule_id
        assert CJK.search(item.title) and CJK.search(item.fix), rule_id
        assert item.doc.strip(), f"{rule_id} has no docstring"
        if rule_id.startswith("SG"):
            assert item.program is None, rule_id
        else:
            assert PREFIX[item.program] == rule_id[:2], rule_id


@pytest.mark.parametrize("program_id", sorted(PROGRAM_RULES))
def test_program_rules_are_exactly_those_of_the_catalog(program_id):
    mine = {r.id: r.severity.value for r in REGISTRY.values() if r.program == program_id}
    assert mine == PROGRAM_RULES[program_id]


def test_program_rules_cite_their_document_and_the_clause_text_is_carried():
    for program_id in PROGRAM_RULES:
        short = builtin()[program_id].short
        for item in (r for r in REGISTRY.values() if r.program == program_id):
            assert item.clause.startswith(short + " "), item.id
            assert CLAUSES.get(item.clause), f"{item.id}: no text for clause {item.clause!r}"


def test_every_clause_named_by_a_program_has_its_text():
    """Tranche clauses and setting sources that cite a document have its words in CLAUSES."""
    for program in builtin().values():
        cited = [t.clause for t in program.tranches] + [s.source for s in program.all_settings()]
        for clause in cited:
            if clause.split(" ")[0] in ("浦兴", "新泾", "成都", "共和新路"):
                assert CLAUSES.get(clause), f"{program.id}: no text for {clause!r}"
    for item in REGISTRY.values():  # a common rule that cites a program clause (SG012) has it too
        if item.clause.split(" ")[0] in ("浦兴", "新泾", "成都", "共和新路"):
            assert CLAUSES.get(item.clause), item.id


def _test_sources() -> str:
    own = Path(__file__).resolve()
    files = [p for p in TESTS.rglob("*.py") if p.resolve() != own]
    files += list(TESTS.rglob("golden/**/*.json"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def test_every_rule_appears_in_a_test():
    text = _test_sources()
    missing = sorted(rule_id for rule_id in REGISTRY if not re.search(rf"\b{rule_id}\b", text))
    assert missing == []


@pytest.mark.skipif(not POLICIES.is_dir(), reason="policy documents not next to the repository")
def test_clause_quotes_are_verbatim_from_the_policy_documents():
    files = {"浦兴": "001_8e4a80ce8f1a9cd7.txt", "新泾": "000_1c8cad1f040ec020.txt",
             "成都": "003_86626505077b2c3f.txt", "共和新路": "004_999129188b99a200.txt"}  # fmt: skip
    fold = str.maketrans("（），：；", "(),:;")

    def norm(text: str) -> str:
        return re.sub(r"\s+", "", text).translate(fold)

    docs = {k: norm((POLICIES / v).read_text(encoding="utf-8")) for k, v in files.items()}
    for key, text in CLAUSES.items():
        if text.startswith("【摘要】") or "\n" in text:  # summaries, and rules citing two places
            continue
        for part in text.split("……"):
            assert norm(part) in docs[key.split(" ")[0]], f"{key}: {part[:30]}…"


def test_sgov_rules_id_prints_the_rule_and_its_clause_text():
    result = CliRunner().invoke(app, ["rules", "px006"])
    assert result.exit_code == 0
    assert "PX006" in result.output and "浦兴 四.4(1)" in result.output
    assert "上一年获“十佳优秀项目”的前五个项目" in result.output.replace("\n", "")


def test_sgov_rules_json_and_unknown_id():
    result = CliRunner().invoke(app, ["rules", "CD005", "--format", "json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert (info["id"], info["severity"], info["program"], info["clause"]) == (
        "CD005",
        "error",
        "chengdu-2023",
        "成都 三.(六)",
    )
    assert info["clause_text"] == CLAUSES["成都 三.(六)"]
    assert CliRunner().invoke(app, ["rules", "PX999"]).exit_code == 2


def test_the_stored_catalog_is_the_registry():
    """`sgov rules` reads rules/catalog.json (quick start-up); it must say what the registry says.
    After adding or changing a rule: `python -m selfgov_cli.rules.catalog` (or `make catalog`)."""
    import json

    from selfgov_cli.rules.catalog import CATALOG, live_catalog

    assert json.loads(CATALOG.read_text(encoding="utf-8")) == live_catalog()
