"""All terminal rendering of findings, rules and programs (rich), in one place."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape

from selfgov_cli.cli.tables import Col, print_table
from selfgov_cli.model import natural_key

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
FINDING_COLUMNS = [
    Col("项目编号"),
    Col("位置", text=True, min_width=10),
    Col("级别"),
    Col("规则"),
    Col("问题与改正方法", text=True, min_width=20),
    Col("依据", text=True, min_width=8),
]


def render_findings(out: Console, result) -> None:
    """Findings grouped by file and project, then the totals."""
    data = result.to_dict(lazy=True)
    findings = result.findings
    out.print(escape(f"项目计划：{result.config.title}（{result.config.program.id}）"))
    if not findings:
        out.print(
            f"未发现问题。共读取 {data['summary']['files']} 个文件、{data['summary']['projects']} 个项目。"
        )
        return
    if not out.is_terminal:
        _plain_findings(out, findings)
        _totals(out, data)
        return
    for file, group in groupby(findings, key=lambda f: f.file or "（整个文件夹）"):
        rows = [
            [
                escape(finding.project_id or ""),
                escape(_place(finding)),
                f"[{_SEVERITY_STYLE[finding.severity.value]}]{finding.severity.label}[/]",
                finding.rule,
                escape(finding.message),
                escape(finding.clause),
            ]
            for finding in sorted(group, key=_by_project)
        ]
        print_table(out, escape(file), FINDING_COLUMNS, rows)
    _totals(out, data)


def _by_project(finding) -> tuple:
    """A file's findings project by project (PX-9 before PX-10, as everywhere), then by place."""
    return (natural_key(finding.project_id or ""), finding.sort_key())


def _place(finding) -> str:
    cell = finding.cell or (f"第{finding.row}行" if finding.row else "")
    return " ".join(x for x in (finding.sheet or "", cell) if x)


def _plain_findings(out: Console, findings) -> None:
    """Piped output: one line per finding, grouped by file then project; grep-friendly."""
    lines: list[str] = []
    for file, group in groupby(findings, key=lambda f: f.file or "（整个文件夹）"):
        lines.append(escape(f"== {file}"))
        for f in sorted(group, key=_by_project):
            parts = [
                f.project_id or "-",
                _place(f) or "-",
                f.severity.label,
                f.rule,
                f.message,
                f"[依据 {f.clause}]",
            ]
            lines.append(escape("  " + "  ".join(parts)))
    # one print of many lines: rich wraps each line as before, without a render per finding
    for start in range(0, len(lines), 2000):
        out.print("\n".join(lines[start : start + 2000]))


def _totals(out: Console, data) -> None:
    s = data["summary"]
    out.print(
        f"共读取 {s['files']} 个文件、{s['projects']} 个项目：错误 {s['errors']} 个，警告 {s['warnings']} 个，提示 {s['infos']} 个。"
    )
