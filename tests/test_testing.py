"""``engine/authoring/testing.py``: one table file run as tests, as data (``crossroads test`` renders it)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES

from crossroads.engine.authoring.testing import FileReport, run_file
from crossroads.engine.table.loader import load_bytes

EXAMPLES = FIXTURES / "examples"


@pytest.mark.parametrize(
    "name, valid, passed, failed, skipped, codes",
    [
        ("partial.yaml", True, 2, 0, 0, []),
        ("failing.yaml", True, 1, 4, 0, []),
        ("bad-examples.yaml", True, 1, 2, 0, []),  # a bad example is a failing run, not an invalid table
        ("invalid.yaml", False, 0, 0, 2, ["unknown-outcome"]),
        ("no-such-file.yaml", False, 0, 0, 0, ["unreadable"]),
    ],
)
def test_run_file_counts(
    name: str, valid: bool, passed: int, failed: int, skipped: int, codes: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_file(str(EXAMPLES / name))
    assert (report.compiled is not None, report.passed, report.failed, report.skipped) == (
        valid,
        passed,
        failed,
        skipped,
    )
    assert [f.code for f in report.findings][: len(codes)] == codes and bool(report.findings) is not valid
    assert report.coverage is None and report.notes == () and report.added == 0
    assert capsys.readouterr() == ("", "")  # data only: the CLI prints


@pytest.mark.parametrize(
    "name, covered, uncovered, lines",
    [
        ("partial.yaml", ("tiny", "big-red"), ("big-blue",), {"tiny": 24, "big-red": 27, "big-blue": 30}),
        ("failing.yaml", None, (), None),
    ],
)
def test_coverage_and_row_lines(
    name: str, covered: tuple[str, ...] | None, uncovered: tuple[str, ...], lines: dict[str, int] | None
) -> None:
    report = run_file(str(EXAMPLES / name), coverage=True)
    assert report.coverage is not None and report.coverage.uncovered == uncovered
    if covered is not None:
        assert report.coverage.covered == covered
    if lines is not None:
        assert dict(report.row_lines) == lines


def test_generate_writes_the_missing_example_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "partial.yaml"
    shutil.copy(EXAMPLES / "partial.yaml", target)
    report = run_file(str(target), generate=True)
    assert report.notes == (f"{target}: added 1 example for uncovered rows",) and report.added == 1
    assert (report.passed, report.failed, report.coverage) == (3, 0, None)  # the new example runs too
    assert target.read_text(encoding="utf-8").endswith("    expect: {outcome: small, rule: big-blue}\n")
    again = run_file(str(target), generate=True, coverage=True)
    assert again.notes == () and again.added == 0 and again.coverage is not None and again.coverage.uncovered == ()


def test_a_json_table_is_never_rewritten(tmp_path: Path) -> None:
    source = EXAMPLES / "partial.yaml"
    target = tmp_path / "partial.json"
    target.write_text(json.dumps(load_bytes(source.read_bytes(), str(source)).data, default=str), encoding="utf-8")
    before = target.read_bytes()
    report = run_file(str(target), generate=True, coverage=True)
    assert report.notes == (f"{target}: not generating examples: a JSON table stays JSON (add them by hand)",)
    assert report.added == 0 and target.read_bytes() == before
    assert report.coverage is not None and report.coverage.uncovered == ("big-blue",)


def test_a_report_is_immutable() -> None:
    report = run_file(str(EXAMPLES / "partial.yaml"))
    assert isinstance(report, FileReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.notes = ("x",)  # type: ignore[misc]
