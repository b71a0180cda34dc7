"""Test-session defaults: the parsed-workbook cache goes to a temporary folder, never ~/.cache."""

import os
import tempfile

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir():
    """Commands run by the tests (in-process or as subprocesses) cache into a throwaway folder."""
    if os.environ.get("SGOV_CACHE_DIR"):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="sgov-test-cache-") as folder:
        os.environ["SGOV_CACHE_DIR"] = folder
        try:
            yield
        finally:
            os.environ.pop("SGOV_CACHE_DIR", None)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        'rule(rule_id, side): the test checks that rule_id "fires" or stays "quiet" '
        "(tests/test_outcome.py asserts every registered rule has both)",
    )


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A cache folder of the test's own (tests that look into the cache use it)."""
    where = tmp_path / "cache"
    monkeypatch.setenv("SGOV_CACHE_DIR", str(where))
    return where
