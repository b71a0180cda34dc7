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
