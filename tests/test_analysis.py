"""Row findings: golden text per code, and every printed example re-checked with `crossroads evaluate`.

The exactness of the analysis is proven against the brute-force oracle in
``test_analysis_oracle.py``; here the contract of the output is pinned: codes,
positions, wording, JSON fields, SARIF, the caps, and the time budget.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from crossroads.cli.main import cli
from crossroads.engine.findings import MAX_LISTED

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def lint(*args: str):
    return CliRunner().invoke(cli, ["lint", *args], catch_exceptions=False)


GOLDEN = {
    "unreachable.yaml": [
        "25:5: error unreachable: row heavy-express is never reached: every answer it matches is decided earlier by heavy",
        '28:5: error unreachable: row negative matches no answer: no weight satisfies weight: "< 0" (weight takes a number ≥ 0)',
    ],
    "conflict.yaml": [
        "28:5: error conflict: rows basic and big-order both match tier=basic, total=500 (basic → none, big-order → some)",
        "28:5: error conflict: rows gold-large and big-order both match tier=gold, total=500 (gold-large → some, big-order → some)",
    ],
    "gap.yaml": [
        '18:1: error gap: no row matches severity: high, customers: ">= 10" (e.g. severity=high, customers=10)',
        '18:1: error gap: no row matches severity: critical, customers: "< 1" (e.g. severity=critical, customers=0)',
    ],
    "redundant.yaml": [
        "21:5: warning mergeable: rows guest-no-mfa, guest (→ deny) differ only in mfa and can be one row with no condition on mfa",
        "21:5: warning redundant: row guest-no-mfa (→ deny) is redundant: removing it changes no result (guest gives the same result)",
        "24:5: warning redundant: row guest (→ deny) is redundant: removing it changes no result (guest-no-mfa, otherwise give the same result)",
    ],
    "mergeable.yaml": [
        '22:5: warning mergeable: rows fair-employed, good-employed (→ approve) differ only in score and can be one row with score: ">= 600"',
    ],
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_text(name: str) -> None:
    path = FIXTURES / name
    r = lint(str(path))
    assert r.stdout.splitlines() == [f"{path}:{line}" for line in GOLDEN[name]]
    assert r.exit_code == (1 if any(" error " in line for line in GOLDEN[name]) else 0)
    assert lint("--strict", str(path)).exit_code == 1


def _evaluate(table: Path, example: dict):
    args = ["evaluate", str(table), "--format", "json"]
    for key, value in example.items():
        args += ["-a", f"{key}={json.dumps(value) if isinstance(value, bool) else value}"]
    return CliRunner().invoke(cli, args)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_example_shows_what_its_finding_says(name: str) -> None:
    path = FIXTURES / name
    findings = json.loads(lint(str(path), "--format", "json").stdout)["findings"]
    assert findings and all(
        set(f) == {"code", "severity", "message", "file", "line", "column", "rules", "example"} for f in findings
    )
    for f in findings:
        if f["code"] == "conflict":
            r = _evaluate(path, f["example"])
            assert r.exit_code == 1 and all(rule in r.stderr for rule in f["rules"]), r.output
        elif f["code"] == "gap":
            r = _evaluate(path, f["example"])
            assert r.exit_code == 3 and json.loads(r.stdout)["status"] == "no-match"
        else:
            assert f["example"] is None
        if f["example"] is not None:  # complete: every input answered
            assert json.loads(_evaluate(path, f["example"]).stdout or "{}").get("missing", []) == []


def test_json_and_sarif_carry_rules_and_examples() -> None:
    path = FIXTURES / "conflict.yaml"
    data = json.loads(lint(str(path), "--format", "json").stdout)
    assert data["findings"][0] == {
        "code": "conflict",
        "severity": "error",
        "message": "rows basic and big-order both match tier=basic, total=500 (basic → none, big-order → some)",
        "file": str(path),
        "line": 28,
        "column": 5,
        "rules": ["basic", "big-order"],
        "example": {"tier": "basic", "total": 500},
    }
    sarif = json.loads(lint(str(path), "--format", "sarif").stdout)
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "conflict" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 28, "startColumn": 5}
    assert result["properties"] == {"rules": ["basic", "big-order"], "example": {"tier": "basic", "total": 500}}
    gh = lint(str(path), "--format", "github").stdout.splitlines()[0]
    assert gh.startswith(f"::error file={path},line=28,col=5,title=conflict::rows basic and big-order")


def test_the_bundled_table_has_no_row_findings() -> None:
    r = lint(str(Path(__file__).resolve().parent.parent / "rules"))
    assert r.exit_code == 0 and r.stdout == ""


def _synthetic(kind: str) -> str:
    sys.path.insert(0, str(BENCHMARKS))
    import synthetic  # noqa: E402  (benchmarks/ is not a package)

    return synthetic.render(synthetic.table(kind))


@pytest.mark.slow
def test_the_7776_row_table_reports_exactly_one_gap_and_one_conflict(tmp_path: Path) -> None:
    table = tmp_path / "broken.yaml"
    table.write_text(_synthetic("analysis-broken"))
    findings = json.loads(lint(str(table), "--format", "json").stdout)["findings"]
    by_code: dict[str, list] = {}
    for f in findings:
        by_code.setdefault(f["code"], []).append(f)
    assert len(by_code["gap"]) == 1 and len(by_code["conflict"]) == 1
    assert "unreachable" not in by_code and "redundant" not in by_code
    merges = by_code["mergeable"]
    assert len(merges) == MAX_LISTED and "more groups not listed" in merges[-1]["message"]


def test_a_too_hard_analysis_ends_with_a_warning_not_a_hang(tmp_path: Path) -> None:
    table = tmp_path / "wide.yaml"
    table.write_text(_synthetic("wide"))
    r = lint(str(table), "--max-seconds", "0.5", "--format", "json")
    findings = json.loads(r.stdout)["findings"]
    incomplete = [f for f in findings if f["code"] == "analysis-incomplete"]
    assert len(incomplete) == 1 and incomplete[0]["severity"] == "warning"
    assert "--max-seconds" in incomplete[0]["message"]
    assert not any(f["code"] == "redundant" for f in findings)  # needs the full search: not claimed


def test_out_of_time_for_covers_names_every_overlapping_earlier_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unreachability is proven by the main search; when the cover search runs out, the cover is
    every earlier row overlapping the row (still a cover), and the analysis stays complete."""
    from conftest import compile_yaml
    from crossroads.engine.analysis import rows as analysis
    from crossroads.engine.search.space import Exhausted

    def out_of_time(*args: object, **kwargs: object) -> int:
        raise Exhausted

    monkeypatch.setattr(analysis, "_cover", out_of_time)
    table = compile_yaml(
        (FIXTURES / "redundant.yaml")
        .read_text()
        .replace(
            "  - id: staff\n",
            "  - id: guest-again\n    when: {role: guest, mfa: true}\n    then: allow\n  - id: staff\n",
        )
    )
    report = analysis.run(table)
    assert report.complete
    unreachable = [f for f in report.findings if f.code == "unreachable"]
    assert [f.rules for f in unreachable] == [("guest-again", "guest")]  # guest-no-mfa does not overlap it


def test_a_table_past_the_search_memory_limit_is_reported_not_searched(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # 100,000 equality rows of one integer would need 2e10 bits of masks: a limit, not gigabytes.
    from crossroads.engine.search import space

    rows = "".join(f"  - {{id: r{i}, when: {{n: {i}}}, then: a}}\n" for i in range(40))
    path = tmp_path / "t.yaml"
    path.write_text(
        "format: crossroads/1\nid: t\nversion: 1.0.0\ntitle: T\nhit_policy: first\n"
        "inputs: [{id: n, prompt: N?, type: integer}]\noutcomes: [{id: a, title: A}]\nrules:\n" + rows,
        encoding="utf-8",
    )
    monkeypatch.setattr(space, "MAX_PIECE_BITS", 40 * 81 - 1)  # one bit short of this table's 81 segments × 40 rows
    result = CliRunner().invoke(cli, ["lint", str(path), "--format", "json"])
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "analysis-incomplete" and "row analysis not run" in finding["message"]
    assert result.exit_code == 0
    monkeypatch.setattr(space, "MAX_PIECE_BITS", 40 * 81)
    codes = {
        f["code"]
        for f in json.loads(CliRunner().invoke(cli, ["lint", str(path), "--format", "json"]).stdout)["findings"]
    }
    assert "gap" in codes and "analysis-incomplete" not in codes
