"""sgov explain on the command line: set-up errors are exit 2 with one Chinese sentence."""

from pathlib import Path

from typer.testing import CliRunner

from selfgov_cli.cli.app import app
from tests.test_decisions import folder

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_a_folder_given_where_the_project_id_goes_is_named_not_read_as_an_id(tmp_path, monkeypatch):
    """`sgov explain FOLDER` (the 项目编号 forgotten) or the two swapped: say so, and never read the
    current folder instead."""
    root = folder(tmp_path / "项目", [])
    monkeypatch.chdir(tmp_path)
    expected = (
        f"sgov：{root} 是文件夹，不是项目编号：请先写项目编号、再写文件夹，"
        f"如 sgov explain PX-2023-004 {root}\n"
    )
    for args in ((root,), (root, "PX-1")):
        result = _run("explain", *args)
        assert result.exit_code == 2, result.output
        assert result.output == expected


def test_an_unknown_project_id_is_exit_2_with_the_ids_there_are(tmp_path):
    root = folder(tmp_path, [])
    result = _run("explain", "PX-9", root, "--as-of", "2023-12-31")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "sgov：没有项目编号为 PX-9 的申报（已有：PX-1、PX-2）"
    assert _run("explain", "PX-1", Path(root) / "nowhere").output == (
        f"sgov：文件夹不存在：{Path(root) / 'nowhere'}\n"
    )


def test_explain_reads_through_the_cache_unless_no_cache(tmp_path, monkeypatch):
    """A clerk asks about one project after another: the second `explain` reads no workbook again
    (it read the whole folder afresh every time, as --no-cache does)."""
    from selfgov_cli.io import loader

    root = folder(tmp_path, [])
    parsed = []
    real = loader.parse_file
    monkeypatch.setattr(loader, "parse_file", lambda *a: parsed.append(a[1]) or real(*a))
    first = _run("explain", "PX-1", root, "--as-of", "2023-12-31")
    assert first.exit_code == 0, first.output
    assert parsed  # the first one reads the folder
    parsed.clear()
    again = _run("explain", "PX-2", root, "--as-of", "2023-12-31", "--workers", "1")
    assert again.exit_code == 0, again.output
    assert parsed == []
    fresh = _run("explain", "PX-2", root, "--as-of", "2023-12-31", "--no-cache")
    assert fresh.output == again.output
    assert sorted(parsed) == sorted(loader.discover(Path(root)))


def test_a_big_folder_shows_its_reading_progress_on_stderr_only_on_a_terminal(
    tmp_path, monkeypatch
):
    """Every command that reads the folder passes a progress bar drawn on stderr when stderr is a
    terminal (stdout may be JSON), and none with --quiet or in a pipe (the help's --quiet says
    无进度条; only sgov run had one)."""
    from selfgov_cli import pipeline
    from selfgov_cli.cli import common
    from selfgov_cli.cli.progress import ProgressBar

    root = folder(tmp_path, [])
    seen = []
    real = pipeline.load

    def load(*args, progress=None, **kwargs):
        seen.append(progress)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(pipeline, "load", load)

    commands = [
        # --no-cache: a second validate of the unchanged folder would read nothing (validation_memo)
        ("validate", root, "--format", "json", "--no-cache"),
        ("disburse", root, "--format", "json"),
        ("rank", root, "--format", "json"),
        ("explain", "PX-1", root),
    ]
    for argv in commands:
        seen.clear()
        monkeypatch.setattr(common, "_stderr_is_terminal", lambda: True)
        result = _run(*argv, "--as-of", "2023-12-31")
        assert result.exit_code in (0, 1), result.output
        assert len(seen) == 1 and isinstance(seen[0], ProgressBar), argv
        assert seen[0].console.stderr
        json_out = argv[0] != "explain"
        if json_out:
            assert result.output.lstrip().startswith("{")
        seen.clear()
        _run(*argv, "--as-of", "2023-12-31", "--quiet")
        assert seen == [None], argv
        monkeypatch.setattr(common, "_stderr_is_terminal", lambda: False)
        seen.clear()
        _run(*argv, "--as-of", "2023-12-31")
        assert seen == [None], argv
