"""``crossroads batch`` over CSV and Parquet files (DuckDB), and ``crossroads sql``, from the command line."""

from __future__ import annotations

import csv
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES
from crossroads.cli.main import cli
from sqlparity import require

duckdb = require("duckdb", "the data extra: pip install '.[data]'")
require("sqlglot", "the data extra: pip install '.[data]'")

HEADER = "id,change,freshness,citations,examples,budget"
ROWS = [
    "1,behaviour,static,false,1000,tight",
    "2,knowledge,,true,5,tight",  # empty cell: null, an error even though 'knowledge' alone decides
    "3,both,static,TRUE,299, relaxed",  # ' relaxed' is no option
    '4,"behaviour",static, False ,300,tight',
    "5,both,occasional,true,300,moderate",
]
COLLECT = FIXTURES / "examples" / "collect.yaml"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def answers_csv(tmp_path: Path) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def test_csv_to_csv_keeps_every_column_and_adds_the_results(answers_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke("batch", "--input", str(answers_csv), "--output", str(out))
    assert result.exit_code == 1, result.output  # rows 2 and 3 have errors
    assert "5 rows → " in result.stderr and "(2 with an error)" in result.stderr
    got = read_csv(out)
    assert list(got[0]) == [*HEADER.split(","), "outcome", "rule", "error"]
    assert [r["id"] for r in got] == ["1", "2", "3", "4", "5"]  # order kept
    assert got[3]["citations"] == " False "  # input cells as they were
    assert [(r["outcome"], r["rule"]) for r in got] == [
        ("fine-tune", "behaviour-static-enough-data"),
        ("", ""),
        ("", ""),
        ("fine-tune", "behaviour-static-tight-budget"),
        ("rag-plus-fine-tune", "both-with-data"),
    ]
    assert got[1]["error"].startswith("freshness: null is not an answer")
    assert got[2]["error"].startswith("budget: unknown option")
    assert got[0]["error"] == ""


def test_columns_named_like_the_querys_own_are_data(tmp_path: Path) -> None:
    """The query's shared intermediate columns (``sql.staged_trees``) take a prefix no column of the
    file begins with: columns called ``_crossroads_e`` or ``_crossroads_m0`` pass through untouched."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    extra = "_crossroads_e,_crossroads_m0,_crossroads__m0"
    source.write_text(f"{HEADER},{extra}\n{ROWS[0]},x,y,z\n{ROWS[2]},x,y,z\n", encoding="utf-8")
    result = invoke("batch", "--input", str(source), "--output", str(out))
    assert result.exit_code == 1, result.output
    got = read_csv(out)
    assert list(got[0]) == [*HEADER.split(","), *extra.split(","), "outcome", "rule", "error"]
    assert [(r["_crossroads_e"], r["_crossroads_m0"], r["_crossroads__m0"]) for r in got] == [("x", "y", "z")] * 2
    assert [(r["outcome"], r["rule"]) for r in got] == [("fine-tune", "behaviour-static-enough-data"), ("", "")]
    assert got[1]["error"].startswith("budget: unknown option")


def test_parquet_in_and_out_with_typed_columns(tmp_path: Path) -> None:
    source, target = tmp_path / "in.parquet", tmp_path / "out.parquet"
    duckdb.execute(
        "COPY (SELECT * FROM (VALUES ('behaviour', 'static', false, 1000::BIGINT, 'tight'), ('knowledge', 'frequent', true, 0::BIGINT, 'tight'))"
        f" AS t(change, freshness, citations, examples, budget)) TO '{source}' (FORMAT parquet)"
    )
    result = invoke("batch", "--input", str(source), "--output", str(target))
    assert result.exit_code == 0, result.output
    got = duckdb.execute(f"SELECT citations, examples, outcome, rule, error FROM read_parquet('{target}')").fetchall()
    assert got == [
        (False, 1000, "fine-tune", "behaviour-static-enough-data", None),
        (True, 0, "rag", "knowledge-needs-retrieval", None),
    ]


def test_collect_lists_are_json_in_csv_and_lists_in_parquet(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("fast\ntrue\nfalse\n")
    for out in ("out.csv", "out.parquet"):
        assert (
            invoke(
                "batch", str(COLLECT), "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / out)
            ).exit_code
            == 0
        )
    assert [(json.loads(r["outcome"]), json.loads(r["rule"])) for r in read_csv(tmp_path / "out.csv")] == [
        (["a", "b"], ["always", "when-fast"]),
        (["a"], ["always"]),
    ]
    got = duckdb.execute(f"SELECT outcome, rule FROM read_parquet('{tmp_path / 'out.parquet'}')").fetchall()
    assert got == [(["a", "b"], ["always", "when-fast"]), (["a"], ["always"])]


@pytest.mark.parametrize(
    "content, message",
    [
        (
            "change,examples\nboth,3\n",
            "no column for input(s) freshness, citations, budget (columns: change, examples)",
        ),
        (HEADER + ",error\n1,behaviour,static,false,1000,tight,x\n", "already has column(s) error"),
    ],
)
def test_unusable_files_exit_2_and_leave_the_output_alone(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "in.csv").write_text(content)
    out = tmp_path / "out.csv"
    out.write_text("previous\n")
    result = invoke("batch", "--input", str(tmp_path / "in.csv"), "--output", str(out))
    assert result.exit_code == 2
    assert message in result.stderr
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temporary file left


@pytest.mark.parametrize(
    "output, message",
    [
        ("-", "--output: a .csv or .parquet file is required"),
        ("out.jsonl", "--output: a .csv or .parquet file is required"),
    ],
)
def test_file_input_needs_a_file_output(answers_csv: Path, output: str, message: str) -> None:
    result = invoke("batch", "--input", str(answers_csv), "--output", output)
    assert result.exit_code == 2 and message in result.stderr


def test_missing_input_file_exits_2(tmp_path: Path) -> None:
    result = invoke("batch", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "out.csv"))
    assert result.exit_code == 2 and "nope.csv: no such file" in result.stderr


def test_output_keeps_the_mode_of_the_file_it_replaces(answers_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    out.write_bytes(b"old")
    os.chmod(out, 0o640)
    invoke("batch", "--input", str(answers_csv), "--output", str(out))
    assert os.stat(out).st_mode & 0o777 == 0o640
    assert duckdb.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone() == (5,)


def test_any_order_gives_the_same_rows(answers_csv: Path, tmp_path: Path) -> None:
    invoke("batch", "--input", str(answers_csv), "--output", str(tmp_path / "a.csv"))
    invoke("batch", "--input", str(answers_csv), "--output", str(tmp_path / "b.csv"), "--any-order")
    key = lambda r: r["id"]
    assert sorted(read_csv(tmp_path / "a.csv"), key=key) == sorted(read_csv(tmp_path / "b.csv"), key=key)


def test_progress_is_reported_to_the_callback(answers_csv: Path, tmp_path: Path) -> None:
    from crossroads.engine.outputs import filebatch
    from crossroads.engine.table import pipeline as tables

    seen: list[float] = []
    table = tables.compiled(tables.find(None), use_cache=False)
    summary = filebatch.run(table, str(answers_csv), str(tmp_path / "out.csv"), progress=seen.append)
    assert summary.rows == 5 and seen and seen[-1] == 100.0


@pytest.mark.parametrize(
    "hidden, args, message",
    [
        ("duckdb", ["batch", "--input", "{csv}", "--output", "{out}"], "needs DuckDB: pip install 'crossroads[data]'"),
        ("sqlglot", ["sql"], "SQL needs sqlglot: pip install 'crossroads[data]'"),
    ],
)
def test_without_the_data_extra_the_message_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, answers_csv: Path, tmp_path: Path, hidden: str, args: list[str], message: str
) -> None:
    monkeypatch.setitem(sys.modules, hidden, None)  # import fails as if not installed
    monkeypatch.delitem(sys.modules, "crossroads.engine.outputs.sql", raising=False)
    result = invoke(*(a.format(csv=answers_csv, out=tmp_path / "out.csv") for a in args))
    assert result.exit_code == 2
    assert message in result.stderr


def test_json_lines_stay_on_the_python_engine(tmp_path: Path) -> None:
    lines = '{"change": "knowledge"}\n{"change": null}\n'
    (tmp_path / "in.jsonl").write_text(lines)
    to_stdout = CliRunner().invoke(cli, ["batch", "--input", str(tmp_path / "in.jsonl")])
    assert to_stdout.exit_code == 1
    first, second = (json.loads(x) for x in to_stdout.stdout.splitlines())
    assert first["status"] == "decided" and first["outcome"] == "rag"  # an absent key is unanswered
    assert second == {"line": 2, "error": "change: null is not an answer; leave the key out to leave it unanswered"}
    to_file = invoke("batch", "--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl"))
    assert to_file.exit_code == 1 and to_file.stdout == ""
    assert (tmp_path / "out.jsonl").read_text() == to_stdout.stdout


# -- crossroads sql ----------------------------------------------------------------


def test_sql_prints_a_select_list_duckdb_runs(answers_csv: Path) -> None:
    result = invoke("sql")
    assert result.exit_code == 0
    got = duckdb.execute(
        f"SELECT id, {result.stdout} FROM read_csv('{answers_csv}', all_varchar = true) ORDER BY id"
    ).fetchall()
    assert [g[:3] for g in got] == [
        ("1", "fine-tune", "behaviour-static-enough-data"),
        ("2", None, None),
        ("3", None, None),
        ("4", "fine-tune", "behaviour-static-tight-budget"),
        ("5", "rag-plus-fine-tune", "both-with-data"),
    ]


@pytest.mark.parametrize(
    "args, code, output",
    [
        (["--dialect", "spark"], 0, "`change`"),
        (["--dialect", "postgres", "--column", "examples=n_examples::int"], 0, "CAST(n_examples AS INT)"),
        (["--column", "nope=x"], 2, "unknown input(s) nope"),
        (["--column", "examples"], 2, "expected INPUT=EXPR"),
        (["--dialect", "oracle"], 2, "Invalid value for '--dialect'"),
    ],
)
def test_sql_options(args: list[str], code: int, output: str) -> None:
    result = invoke("sql", *args)
    assert result.exit_code == code
    assert output in (result.stdout if code == 0 else result.stderr)


def test_sql_refuses_numbers_beyond_decimal_38(tmp_path: Path) -> None:
    table = (FIXTURES / ".." / ".." / "rules" / "rag-or-fine-tune.yaml").read_text().replace('">= 1000"', '">= 1e40"')
    (tmp_path / "t.yaml").write_text(table)
    result = invoke("sql", str(tmp_path / "t.yaml"))
    assert result.exit_code == 1
    assert "DECIMAL(38)" in result.stderr


# --- issue 17: a path is a path (no DuckDB globbing), non-regular outputs, private temporaries ---


@pytest.mark.parametrize(
    "name, neighbours",
    [
        ("q[12].csv", ["q1.csv", "q2.csv"]),
        ("x*.csv", ["x1.csv", "x2.csv"]),
        ("x?.csv", ["x1.csv"]),
        ("dir[1]/a{b}.csv", ["dir1/ab.csv"]),
    ],
)
def test_input_glob_characters_name_exactly_that_file(tmp_path: Path, name: str, neighbours: list[str]) -> None:
    for other in neighbours:
        (tmp_path / other).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / other).write_text("\n".join([HEADER, ROWS[0]]) + "\n")
    named = tmp_path / name
    named.parent.mkdir(parents=True, exist_ok=True)
    named.write_text("\n".join([HEADER, ROWS[4]]) + "\n")
    out = tmp_path / "out.csv"
    result = invoke("batch", "--input", str(named), "--output", str(out))
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_csv(out)] == ["5"]  # that file's one row, nothing from its neighbours


@pytest.mark.parametrize("name", ["q[12].csv", "x*.csv"])
def test_input_that_exists_only_as_a_glob_is_missing(tmp_path: Path, name: str) -> None:
    from crossroads.engine.outputs import filebatch
    from crossroads.engine.table import pipeline as tables
    from crossroads.engine.errors import DataError

    for other in ("q1.csv", "x1.csv"):
        (tmp_path / other).write_text("\n".join([HEADER, ROWS[0]]) + "\n")
    result = invoke("batch", "--input", str(tmp_path / name), "--output", str(tmp_path / "out.csv"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    compiled = tables.compiled(tables.find(None), use_cache=False)
    with pytest.raises(DataError, match="no such file"):
        filebatch.run(compiled, str(tmp_path / name), str(tmp_path / "out.csv"))
    assert not (tmp_path / "out.csv").exists()


def test_output_glob_characters_are_written_and_read_back_literally(answers_csv: Path, tmp_path: Path) -> None:
    folder = tmp_path / "o[1]"
    folder.mkdir()
    (tmp_path / "o1").mkdir()
    out = folder / "r*.csv"
    result = invoke("batch", "--input", str(answers_csv), "--output", str(out))
    assert result.exit_code == 1 and "(2 with an error)" in result.stderr, result.output
    assert len(read_csv(out)) == 5 and os.listdir(folder) == ["r*.csv"]


def test_output_through_a_symlink_into_a_fifo_is_streamed_not_replaced(answers_csv: Path, tmp_path: Path) -> None:
    from test_atomic import _Drain

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.csv"
    link.symlink_to(fifo)
    reader = _Drain(fifo)
    result = invoke("batch", "--input", str(answers_csv), "--output", str(link))
    data = reader.stop().decode()
    assert result.exit_code == 1, result.output
    assert data.splitlines()[0] == HEADER + ",outcome,rule,error" and len(data.splitlines()) == 6
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_is_private_while_duckdb_writes_it(
    answers_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB creates the file itself (0644 by the umask): it does so inside a 0700 folder of the documented name."""
    from crossroads.engine.outputs import filebatch

    out = tmp_path / "out.csv"
    out.write_text("secret\n")
    os.chmod(out, 0o600)
    seen: list[tuple[str, int]] = []
    real = filebatch._execute

    def spy(*args: Any, **kw: Any) -> Any:
        rows = real(*args, **kw)
        for name in os.listdir(tmp_path):
            if name.startswith(".out.csv.crossroads-"):
                seen.append((name, os.stat(tmp_path / name).st_mode & 0o777))
        return rows

    monkeypatch.setattr(filebatch, "_execute", spy)
    invoke("batch", "--input", str(answers_csv), "--output", str(out))
    assert len(seen) == 1 and seen[0][1] == 0o700 and seen[0][0].endswith(".tmp"), seen
    assert out.stat().st_mode & 0o777 == 0o600 and len(read_csv(out)) == 5
    assert sorted(os.listdir(tmp_path)) == ["answers.csv", "out.csv"]


def test_a_string_input_reads_text_exactly_from_csv_and_parquet(tmp_path: Path) -> None:
    """Free text: case and spaces count; an empty CSV cell is NULL (an error); Parquet's "" is the empty string;
    an INTEGER column for a string input is an error."""
    country = Path(__file__).parent / "fixtures" / "strings" / "country.yaml"
    csv = tmp_path / "in.csv"
    csv.write_text('country,weight\nNL,1\nnl,30\n" BE",1\n,1\n"it\'s ""x""",25\n')
    result = invoke("batch", str(country), "--input", str(csv), "--output", str(tmp_path / "out.csv"))
    assert result.exit_code == 1 and "(1 with an error)" in result.output, result.output
    got = duckdb.execute(
        f"SELECT outcome, error FROM read_csv('{tmp_path / 'out.csv'}', all_varchar = true)"
    ).fetchall()
    assert [g[0] for g in got] == ["domestic", "heavy", "world", None, "heavy"]
    assert got[3][1].startswith("country: null is not an answer")
    parquet = tmp_path / "in.parquet"
    duckdb.execute(
        "COPY (SELECT * FROM (VALUES ('', 1), ('', 25), ('LU', 1)) AS t(country, weight))"
        f" TO '{parquet}' (FORMAT parquet)"
    )
    result = invoke("batch", str(country), "--input", str(parquet), "--output", str(tmp_path / "out.parquet"))
    assert result.exit_code == 0, result.output
    got = duckdb.execute(f"SELECT outcome, error FROM read_parquet('{tmp_path / 'out.parquet'}')").fetchall()
    assert got == [("world", None), ("heavy", None), ("benelux", None)]
    typed = tmp_path / "typed.parquet"
    duckdb.execute(f"COPY (SELECT 31::BIGINT AS country, 1 AS weight) TO '{typed}' (FORMAT parquet)")
    result = invoke("batch", str(country), "--input", str(typed), "--output", str(tmp_path / "typed-out.parquet"))
    got = duckdb.execute(f"SELECT outcome, error FROM read_parquet('{tmp_path / 'typed-out.parquet'}')").fetchall()
    assert got[0][0] is None and got[0][1].startswith("country: expected a string (any text), got an integer column")


# --- tables with outputs: one column per output, the values of `batch` over JSON Lines ---------

OUTPUTS = FIXTURES / "outputs"
VALUE_ROWS = {
    "shipping": ["weight,destination", "30,eu", "5,world", "5,domestic", "30,domestic", "20.5,world", "x,eu", ",eu"],
    "fees-sum": ["weight,express", "30,true", "5,false", "20,TRUE", "21,false", "-1,true"],
    "routes-order": ["weight,ship_by", "10,2026-03-01", "40,2025-12-31", "4,2026-01-01", "30,2026-01-01", "1,2026-1-1"],
}


def engine_lines(table: Path, header: str, rows: list[str]) -> list[dict[str, Any]]:
    """``batch`` over JSON Lines of the same cells (text answers, an empty cell null): one JSON object a row."""
    names = header.split(",")
    lines = "".join(
        json.dumps({n: (c if c != "" else None) for n, c in zip(names, row.split(","))}) + "\n" for row in rows
    )
    result = CliRunner().invoke(cli, ["batch", str(table)], input=lines, catch_exceptions=False)
    return [json.loads(line) for line in result.stdout.splitlines()]


def csv_value(cell: str, kind: str) -> Any:
    """A CSV cell of an output column as the JSON result holds it (numbers compared exactly)."""
    from decimal import Decimal

    if cell == "":
        return None
    if kind in ("number", "integer"):
        return Decimal(cell)
    return {"true": True, "false": False}[cell] if kind == "boolean" else cell


def exact(value: Any, kind: str) -> Any:
    """A value of the JSON result or of Parquet, numbers as exact decimals (the JSON writes an exact
    decimal a float cannot hold as text), dates as ``YYYY-MM-DD``."""
    from datetime import date
    from decimal import Decimal

    if value is not None and kind in ("number", "integer"):
        return Decimal(str(value))
    return value.isoformat() if isinstance(value, date) else value


@pytest.mark.parametrize("name", sorted(VALUE_ROWS))
def test_value_tables_in_csv_and_parquet_agree_with_json_lines(name: str, tmp_path: Path) -> None:
    from crossroads.engine.table import pipeline as tables
    from crossroads.engine.table.policies import policy_of

    path = OUTPUTS / f"{name}.yaml"
    table = tables.compiled(tables.find(str(path)), use_cache=False)
    header, *rows = VALUE_ROWS[name]
    (tmp_path / "in.csv").write_text("\n".join(VALUE_ROWS[name]) + "\n")
    for out in ("out.csv", "out.parquet"):
        result = invoke("batch", str(path), "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / out))
        assert result.exit_code in (0, 1), result.output
    engine = engine_lines(path, header, rows)
    kinds = {o.id: o.type for o in table.outputs}
    got = read_csv(tmp_path / "out.csv")
    assert list(got[0]) == [*header.split(","), "outcome", "rule", "error", *kinds]
    parquet = duckdb.execute(f"SELECT * FROM read_parquet('{tmp_path / 'out.parquet'}')").fetchall()
    policy = policy_of(table)
    for row, typed, line in zip(got, parquet, engine):
        typed_values = dict(zip(kinds, typed[len(header.split(",")) + 3 :]))
        if "error" in line:
            assert row["error"] and all(row[o] == "" for o in kinds) and all(v is None for v in typed_values.values())
            continue
        assert row["error"] == ""
        values = line["values"]
        matched = [m["rule"] for m in line["matches"]]
        if policy.folds:  # the aggregate: a number in its output's column
            ((output, total),) = values.items()
            assert csv_value(row[output], "number") == exact(total, "number") == typed_values[output]
            assert json.loads(row["rule"]) == matched and row["outcome"] == ""
        elif policy.collects:  # lists, parallel, in the policy's order (the engine's values are in it)
            for o, kind in kinds.items():
                listed = [exact(v, kind) for v in json.loads(row[o], parse_float=str)]
                assert listed == [exact(v[o], kind) for v in values] == [exact(v, kind) for v in typed_values[o]]
            assert sorted(json.loads(row["rule"])) == sorted(matched)
            assert len(json.loads(row["outcome"])) == len(values)
        else:
            assert (row["outcome"] or None, row["rule"] or None) == (line["outcome"], line["rule"])
            for o, kind in kinds.items():
                expected = exact(None if values is None else values[o], kind)
                assert csv_value(row[o], kind) == expected == exact(typed_values[o], kind)


def test_value_columns_are_typed_exact_and_in_the_policys_order(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("weight,destination\n30,eu\n5,world\n30,domestic\n")
    shipping = OUTPUTS / "shipping.yaml"
    assert invoke("batch", str(shipping), "--input", str(tmp_path / "in.csv"), "--output", str(tmp_path / "o.csv"))
    lines = (tmp_path / "o.csv").read_text().splitlines()
    assert lines == [
        "weight,destination,outcome,rule,error,fee,carrier",
        "30,eu,,heavy-abroad,,49.5,express",  # values inline: no outcome id
        "5,world,standard-delivery,light,,4.9,standard",
        "30,domestic,,,,0.0,economy",  # the default
    ]
    (tmp_path / "r.csv").write_text("weight,ship_by\n10,2026-03-01\n")
    routes = OUTPUTS / "routes-order.yaml"
    invoke("batch", str(routes), "--input", str(tmp_path / "r.csv"), "--output", str(tmp_path / "r.parquet"))
    got = duckdb.execute(f"SELECT outcome, rule, route, days FROM read_parquet('{tmp_path / 'r.parquet'}')").fetchall()
    assert got == [([None, None, None], ["air", "road", "sea"], ["air", "road", "sea"], [1, 4, 30])]
    kinds = duckdb.execute(f"DESCRIBE SELECT route, days FROM read_parquet('{tmp_path / 'r.parquet'}')").fetchall()
    assert [k[1] for k in kinds] == ["VARCHAR[]", "BIGINT[]"]


def test_a_column_named_like_an_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("weight,destination,Fee\n30,eu,1\n")
    result = invoke(
        "batch",
        str(OUTPUTS / "shipping.yaml"),
        "--input",
        str(tmp_path / "in.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert result.exit_code == 2 and "already has column(s) Fee" in result.stderr


@pytest.mark.parametrize("name", sorted(VALUE_ROWS))
def test_sql_of_a_value_table_runs_in_duckdb_over_a_csv(name: str, tmp_path: Path) -> None:
    path = OUTPUTS / f"{name}.yaml"
    (tmp_path / "in.csv").write_text("\n".join(VALUE_ROWS[name]) + "\n")
    result = invoke("sql", str(path))
    assert result.exit_code == 0, result.output
    got = duckdb.execute(f"SELECT {result.stdout} FROM read_csv('{tmp_path / 'in.csv'}', all_varchar = true)")
    header, *rows = VALUE_ROWS[name]
    engine = engine_lines(path, header, rows)
    for row, line in zip(got.fetchall(), engine):
        assert (row[2] is not None) == ("error" in line)
        if "error" not in line and line["values"] is not None:
            assert row[3:] and row[3:] != (None,) * len(row[3:])
