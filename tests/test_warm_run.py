"""A nightly `sgov run` over a folder that did not change reuses every rendered output: the same
bytes as a run that renders them, without importing openpyxl, numpy or jinja2 (issue 18)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_workbooks" / "puxing-2023"
DAY = "2023-12-31"
PROBE = """
import json, sys
from selfgov_cli.cli.app import main
sys.argv = ["sgov", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stderr.write(json.dumps(sorted(m for m in ("openpyxl", "numpy", "jinja2") if m in sys.modules)))
"""


def _run(folder: Path, out: Path, cache: Path) -> list[str]:
    args = ["run", str(folder), "-o", str(out), "--as-of", DAY, "-q"]
    env = {**os.environ, "SGOV_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=env,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "run.log"
    }


def test_a_warm_run_reuses_every_output_byte_for_byte_and_imports_no_writer(tmp_path):
    folder = tmp_path / "puxing"
    shutil.copytree(SAMPLE, folder)
    cache = tmp_path / "cache"
    assert _run(folder, tmp_path / "a", cache) == ["jinja2", "numpy", "openpyxl"]
    assert _run(folder, tmp_path / "b", cache) == []
    fresh = _files(tmp_path / "a" / DAY)
    assert _files(tmp_path / "b" / DAY) == fresh
    assert {"公示名单.md", "公示名单.html", "公示名单.xlsx", "汇总报告.xlsx"} <= set(fresh)


def test_a_clerks_edited_template_is_rendered_again_not_reused(tmp_path):
    folder = tmp_path / "puxing"
    shutil.copytree(SAMPLE, folder)
    cache = tmp_path / "cache"
    own = folder / "templates"
    own.mkdir()
    source = (REPO / "templates" / "publicity.md.j2").read_text(encoding="utf-8")
    (own / "publicity.md.j2").write_text(source, encoding="utf-8")
    _run(folder, tmp_path / "a", cache)
    (own / "publicity.md.j2").write_text("街道自用抬头\n" + source, encoding="utf-8")
    assert "jinja2" in _run(folder, tmp_path / "b", cache)
    before = (tmp_path / "a" / DAY / "公示名单.md").read_text(encoding="utf-8")
    after = (tmp_path / "b" / DAY / "公示名单.md").read_text(encoding="utf-8")
    assert after.startswith("街道自用抬头") and not before.startswith("街道自用抬头")
    assert after.removeprefix("街道自用抬头").lstrip("\n") == before.lstrip("\n")
    # the summary, whose templates did not change, is still reused as it was
    assert (tmp_path / "b" / DAY / "汇总报告.html").read_bytes() == (
        tmp_path / "a" / DAY / "汇总报告.html"
    ).read_bytes()
