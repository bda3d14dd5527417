"""Render ``crossroads test`` results: text for people, JSON for programs, JUnit XML for CI.

Text: each failure with its answers, what was expected and what came (naming
the deciding row), a line per file, the coverage table when asked, and last
exactly ``N passed, N failed`` (``, N skipped`` when some were skipped). JSON
and JUnit are whole documents on stdout; the closing line then goes to stderr.
JUnit follows the common schema CI systems read (``testsuites`` >
``testsuite`` per table file > ``testcase`` per example > ``failure`` /
``error`` / ``skipped``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from crossroads.engine.authoring.examples import (
    ExampleRun,
    coverage_json,
    describe_answers,
    describe_expect,
    describe_result,
    run_json,
)
from crossroads.engine.authoring.testing import FileReport

from .formats import text_line
from .terminal import counted

FORMATS = ("text", "json", "junit")


def totals(reports: Sequence[FileReport]) -> tuple[int, int, int]:
    return sum(r.passed for r in reports), sum(r.failed for r in reports), sum(r.skipped for r in reports)


def closing_line(reports: Sequence[FileReport]) -> str:
    passed, failed, skipped = totals(reports)
    return f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")


def total_percent(reports: Sequence[FileReport]) -> float | None:
    """Covered of reachable rows over every file with coverage (None when none has it)."""
    covs = [r.coverage for r in reports if r.coverage is not None]
    if not covs:
        return None
    reachable = sum(len(c.reachable) for c in covs)
    return 100.0 * sum(len(c.covered) for c in covs) / reachable if reachable else 100.0


# ---------------------------------------------------------------- text


def render_text(reports: Sequence[FileReport], show_coverage: bool) -> str:
    lines: list[str] = []
    for report in reports:
        if report.findings:
            lines.append(
                f"{report.file}: invalid table, {counted(report.skipped, 'example')} skipped (errors on stderr; run crossroads lint)"
            )
            continue
        for run in report.runs:
            if not run.passed:
                lines += _failure(report, run)
        counts = f"{report.passed} passed, {report.failed} failed"
        lines.append(f"{report.file}: {counted(len(report.runs), 'example')}: {counts}")
    if show_coverage:
        lines += [""] + coverage_table(reports)
    lines.append(closing_line(reports))
    return "\n".join(lines) + "\n"


def _failure(report: FileReport, run: ExampleRun) -> list[str]:
    assert report.compiled is not None
    return [
        f"{report.file}:{run.line or 1}: FAIL {run.label}",
        f"  answers:  {describe_answers(run.answers)}",
        f"  expected: {describe_expect(run.expect)}",
        f"  got:      {describe_result(run, report.compiled)}",
    ]


def coverage_table(reports: Sequence[FileReport]) -> list[str]:
    """Per file: reachable rows, rows covered, the percentage, and the rows no example exercises."""
    rows = [("file", "reachable", "covered", "%", "not covered")]
    for report in reports:
        cov = report.coverage
        if cov is None:
            continue
        lines_of = report.row_lines
        missing = [f"{r} (line {lines_of[r]})" if r in lines_of else r for r in cov.uncovered]
        missing += [f"{r} (unreachable)" for r in cov.unreachable]
        missing += [f"{r} (always conflicts: see lint)" for r in cov.conflicting]
        if not cov.complete:
            missing.append("(analysis incomplete: every row counted as reachable)")
        rows.append(
            (report.file, str(len(cov.reachable)), str(len(cov.covered)), f"{cov.percent:.1f}%", ", ".join(missing))
        )
    percent = total_percent(reports)
    if percent is not None and len(rows) > 2:
        covs = [r.coverage for r in reports if r.coverage is not None]
        rows.append(
            (
                "total",
                str(sum(len(c.reachable) for c in covs)),
                str(sum(len(c.covered) for c in covs)),
                f"{percent:.1f}%",
                "",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = ["Coverage: reachable rows an example exercises"]
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].rjust(widths[2]), r[3].rjust(widths[3]), r[4]]
        out.append(("  " + "  ".join(cells)).rstrip())
    return out


# ---------------------------------------------------------------- JSON


def render_json(reports: Sequence[FileReport]) -> str:
    passed, failed, skipped = totals(reports)
    files = []
    for report in reports:
        files.append(
            {
                "file": report.file,
                "table": None
                if report.compiled is None
                else {"id": report.compiled.id, "version": report.compiled.version},
                "passed": report.passed,
                "failed": report.failed,
                "skipped": report.skipped,
                "errors": [f.to_json() for f in report.findings],
                "examples": [run_json(run, report.compiled) for run in report.runs if report.compiled is not None],
                "coverage": coverage_json(report.coverage) if report.coverage is not None else None,
            }
        )
    percent = total_percent(reports)
    doc: dict[str, Any] = {
        "files": files,
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
        "coverage": None if percent is None else round(percent, 2),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"


# ---------------------------------------------------------------- JUnit XML


def render_junit(reports: Sequence[FileReport]) -> str:
    passed, failed, skipped = totals(reports)
    errors = sum(1 for r in reports if r.findings)
    root = ET.Element(
        "testsuites",
        name="crossroads test",
        tests=str(passed + failed + skipped + errors),
        failures=str(failed),
        errors=str(errors),
        time=f"{sum(r.seconds for r in reports):.3f}",
    )  # no `skipped` here: the common schema (Jenkins' junit-10.xsd) has it on testsuite only
    for report in reports:
        suite = ET.SubElement(
            root,
            "testsuite",
            name=report.file,
            tests=str(len(report.runs) + report.skipped + (1 if report.findings else 0)),
            failures=str(report.failed),
            errors=str(1 if report.findings else 0),
            skipped=str(report.skipped),
            time=f"{report.seconds:.3f}",
        )
        classname = report.compiled.id if report.compiled is not None else report.file
        if report.coverage is not None:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="coverage", value=f"{report.coverage.percent:.1f}")
        if report.findings:
            case = ET.SubElement(suite, "testcase", name="table is valid", classname=classname, time="0")
            error = ET.SubElement(case, "error", message="invalid table: its examples were not run", type="TableError")
            error.text = "".join(text_line(f) + "\n" for f in report.findings)
            for n in range(report.skipped):
                skip = ET.SubElement(
                    ET.SubElement(suite, "testcase", name=f"examples[{n}]", classname=classname, time="0"), "skipped"
                )
                skip.set("message", "the table is invalid")
        for run in report.runs:
            case = ET.SubElement(suite, "testcase", name=run.label, classname=classname, time="0")
            if not run.passed:
                assert report.compiled is not None
                got = describe_result(run, report.compiled)
                failure = ET.SubElement(
                    case, "failure", message=f"expected {describe_expect(run.expect)}, got {got}", type="ExampleFailed"
                )
                failure.text = f"{report.file}:{run.line or 1}\nanswers:  {describe_answers(run.answers)}\nexpected: {describe_expect(run.expect)}\ngot:      {got}\n"
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
