"""Clerk audit (成都 2027): a publicity period in a year the holiday calendar does not know is counted
Monday–Friday, and only the html list said so (on screen). A clerk making the md (公众号) or xlsx
list, or running the batch, published the dates without ever being told to check them."""

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from selfgov_cli.batch import run_batch
from selfgov_cli.cli.app import app
from selfgov_cli.workdays import calendar_warning, calendar_years, working_days
from tests.test_rank import app as application
from tests.test_rank import folder

runner = CliRunner()


def _unknown_year_folder(tmp_path: Path) -> tuple[Path, date, str]:
    later = calendar_years()[1] + 1  # the first year the installed calendar does not know
    f = folder(tmp_path / "prog", "chengdu-2023")
    application(f, "CD-1", "chengdu-2023", 开始日期=f"{later}-07-01", 结束日期=f"{later}-12-31")
    as_of = date(later, 6, 1)
    warning = calendar_warning(*working_days(as_of, 5))
    return f, as_of, f"注意：{warning}"


def test_report_publicity_warns_on_stderr_in_every_format(tmp_path):
    f, as_of, expected = _unknown_year_folder(tmp_path)
    assert expected == (
        f"注意：sgov 的节假日日历不含{as_of.year}年的法定节假日和调休安排，公示期按周一至周五"
        "（除去元旦、劳动节、国庆的法定假日）计算："
        "请对照当年国务院办公厅的放假通知核对公示起止日期"
    )
    for fmt in ("md", "xlsx", "html"):
        out = tmp_path / fmt
        args = ["report", str(f), "--kind", "publicity", "-f", fmt, "-o", str(out)]
        result = runner.invoke(app, [*args, "--as-of", as_of.isoformat()])
        assert result.exit_code == 0
        assert result.stderr.splitlines() == [expected]
    published = (tmp_path / "md" / "公示名单.md").read_text(encoding="utf-8")
    assert "节假日日历" not in published  # the public list itself stays clean


def test_report_publicity_is_quiet_when_the_calendar_knows_the_period(tmp_path):
    f, _, _ = _unknown_year_folder(tmp_path)
    args = ["report", str(f), "--kind", "publicity", "-f", "md", "-o", str(tmp_path / "o")]
    result = runner.invoke(app, [*args, "--as-of", "2023-12-31"])
    assert result.exit_code == 0 and result.stderr == ""


def test_run_says_it_on_the_terminal_and_in_run_log(tmp_path):
    f, as_of, expected = _unknown_year_folder(tmp_path)
    result = run_batch(f, tmp_path / "out", as_of)
    assert result.notes == [expected]
    log = (result.out_dir / "run.log").read_text(encoding="utf-8").splitlines()
    assert expected in log
    shown = runner.invoke(app, ["run", str(f), "-o", str(tmp_path / "out2"), "--as-of", str(as_of)])
    lines = shown.stdout.splitlines()
    assert lines[-1] == expected
