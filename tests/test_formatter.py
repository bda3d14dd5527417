"""``fmt``: golden fixtures, idempotence, comments kept, meaning kept, hostile input refused first."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from crossroads.cli.main import cli
from crossroads.engine.authoring import yamlsource
from crossroads.engine.errors import TableError
from crossroads.engine.authoring.formatter import format_table, format_text
from crossroads.engine.table.yamlscalar import plain_ok, quote
from crossroads.engine.table.loader import load_text

from conftest import FIXTURES, REPO

FMT = FIXTURES / "fmt"
GOLDEN = sorted(p.name[: -len(".expected.yaml")] for p in FMT.glob("*.expected.yaml"))
BUNDLED = REPO / "rules" / "rag-or-fine-tune.yaml"


def comment_texts(text: str) -> Counter:
    return Counter(c.text for c in yamlsource.parse(text).comments if c.text)


def comment_words(text: str) -> Counter:
    """The comments' content, whatever lines they share: when fmt joins two lines into one (a
    flow collection that now fits), their end-of-line comments are joined as ``# a # b``."""
    return Counter(
        part.strip() for c in yamlsource.parse(text).comments if c.text for part in c.text.split("#") if part.strip()
    )


def test_every_fixture_has_a_golden_output() -> None:
    assert set(GOLDEN) == {"blocks", "comments", "flowcomments", "quoting", "styles"}
    assert {p.name for p in FMT.glob("*.yaml")} == {f"{n}.yaml" for n in GOLDEN} | {
        f"{n}.expected.yaml" for n in GOLDEN
    }


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_output(name: str) -> None:
    source = (FMT / f"{name}.yaml").read_text(encoding="utf-8")
    expected = (FMT / f"{name}.expected.yaml").read_text(encoding="utf-8")
    assert format_text(source) == expected
    assert comment_texts(expected) == comment_texts(source), "every comment is kept"
    assert load_text(expected, "x").data == load_text(source, "x").data, "the data is unchanged"


@pytest.mark.parametrize("name", GOLDEN)
def test_formatting_is_idempotent(name: str) -> None:
    expected = (FMT / f"{name}.expected.yaml").read_text(encoding="utf-8")
    assert format_text(expected) == expected


def test_the_bundled_table_is_formatted() -> None:
    data = BUNDLED.read_bytes()
    assert format_table(data, str(BUNDLED)).encode() == data


@pytest.mark.parametrize(
    ("text", "flow", "plain"),
    [
        ("rag", True, True),
        ("Start with RAG", False, True),
        ("it's fine", False, True),
        ("a: b", False, False),  # would be a mapping
        ("a #b", False, False),  # would start a comment
        ("1.0", False, False),  # a number
        ("1.0.0", False, True),  # a version is a string
        ("yes", False, False),  # a boolean to YAML 1.1 readers
        ("null", False, False),
        ("", False, False),
        (" padded", False, False),
        ("a, b", False, True),
        ("a, b", True, False),  # a flow separator
        ("[300, 1000)", False, False),
        ("tab\there", False, False),
        ("line\u2028break", False, False),
        ("-1", False, False),
        ("2024-01-01", False, False),  # a date to YAML 1.1 readers
    ],
)
def test_quoting_only_where_yaml_needs_it(text: str, flow: bool, plain: bool) -> None:
    assert plain_ok(text, flow) is plain
    written = quote(text, flow)
    assert (written == text) is plain
    assert load_text(f"k: {written}\n" if not flow else f"k: [{written}]\n", "x").data["k"] == (
        text if not flow else [text]
    )


def test_numeric_conditions_are_always_quoted() -> None:
    text = "format: crossroads/1\nrules:\n  - id: r\n    when: {n: < 3, m: 2}\n    then: x\n"
    assert 'when: {n: "< 3", m: 2}' in format_text(text)


_HEAD = "format: crossroads/1\nid: t\ninputs:\n  - id: n\n    type: integer\noutcomes:\n  - id: o\n"


@pytest.mark.parametrize(
    ("source", "kept"),
    [
        # inside a multi-line flow mapping that prints on one line: it is spread, the comment stays after its entry
        (
            "rules:\n  - id: r\n    when: {n: 1,  # why\n      }\n    then: o\n",
            ["    when: {", "      n: 1  # why", "    }"],
        ),
        # inside a multi-line flow sequence that prints block: at the end of its item's line
        (
            "rules:\n  - id: r\n    then: o\n    tags: [\n      x,  # note\n      y]\n",
            ["    tags: [", "      x,  # note", "      y", "    ]"],
        ),
        (
            "inputs:\n  - id: n\n    type: choice\n    options: [\n      x,  # note\n      y]\n",
            ["      - x  # note", "      - y"],
        ),
        # after a bare dash: on the item's first line, not on the row above
        ("rules:\n  - id: a\n    then: o\n  - # note\n    id: b\n    then: o\n", ["    then: o", "  - id: b  # note"]),
        # after a flow collection that ends on its line: at the end of the collection's (last) line
        ("rules:\n  - id: r\n    when: {n: 1}  # why\n    then: o\n", ["    when: {n: 1}  # why"]),
    ],
    ids=["flow-mapping", "flow-sequence", "flow-to-block", "bare-dash", "one-line-flow"],
)
def test_end_of_line_comments_stay_after_the_entry_they_follow(source: str, kept: list[str]) -> None:
    text = (
        _HEAD + source
        if not source.startswith("inputs:")
        else _HEAD.replace("inputs:\n  - id: n\n    type: integer\n", source)
    )
    out = format_text(text)
    lines = out.splitlines()
    start = lines.index(kept[0])
    assert lines[start : start + len(kept)] == kept, out
    assert format_text(out) == out
    assert comment_texts(out) == comment_texts(text)
    assert load_text(out, "x").data == load_text(text, "x").data


def test_crlf_and_a_missing_final_newline_become_lf() -> None:
    out = format_table(b"format: crossroads/1\r\nid: x  # c\r\ntitle: T", "t.yaml")
    assert out == "format: crossroads/1\nid: x  # c\ntitle: T\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            b"id: x  # c\rtitle: T\r\r# above\rrules: [a?, b]  # d\r",
            "id: x  # c\ntitle: T\n\n# above\nrules:  # d\n  - a?\n  - b\n",
        ),
        (
            b"title: T\r\nid: x  # c\r\nsummary: |\r\n  one\r\n  two\r\n# end\r\n",
            "id: x  # c\ntitle: T\nsummary: |\n  one\n  two\n# end\n",
        ),
    ],
)
def test_lone_cr_and_crlf_line_breaks_keep_comments_and_blocks(source: bytes, expected: str) -> None:
    # the source pass reads the loader's own parse of the text as written: its lines end where the parser's do
    assert format_table(source, "t.yaml") == expected


def test_the_libyaml_quirk_falls_back_to_the_pure_parser_for_the_source_too() -> None:
    out = format_table(b"title: T  # t\nid: x\noptions: [a?, b]  # d\n", "t.yaml")
    assert out == 'id: x\ntitle: T  # t\noptions: ["a?", b]  # d\n'


def test_the_input_is_parsed_once_and_the_result_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from ruamel.yaml.main import YAML

    parsed: list[str] = []
    parse = YAML.parse
    monkeypatch.setattr(YAML, "parse", lambda self, text: parsed.append(text) or parse(self, text))
    source = "title: T  # t\nid: x\nrules:\n  - when:\n      n: 1  # n\n    id: r\n    then: a\n"
    out = format_text(source)
    assert parsed == [source, out]  # the loader with the source pass riding on it, then the check
    parsed.clear()
    assert format_text(out) == out and parsed == [out]  # already formatted: nothing to check


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: *x\n", "anchor"),
        ("a: !!python/object:os.system 1\n", "tag"),
        ("a: 1\na: 2\n", "duplicate-key"),
        ("- 1\n", "not-a-mapping"),
        ("a: [\n", "syntax"),
    ],
)
def test_the_hardened_loader_runs_first(text: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def never(*_: object) -> None:
        raise AssertionError("the source parser must not see text the loader refused")

    monkeypatch.setattr(yamlsource, "parse", never)
    with pytest.raises(TableError) as exc:
        format_text(text)
    assert exc.value.findings[0].code == code


# ---------------------------------------------------------------- any document: data and comments kept, idempotent

_KEYS = st.sampled_from(["id", "when", "rules", "then", "n", "a b", "yes", "x:y", "é", "1x", "answers", "expect"])
# control characters (but line breaks and tabs) are left out: ruamel's emitter, which writes the generated
# document, cannot fold them (the formatter's own handling of them is covered by the fixtures)
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters="\n\t"), max_size=12)
_SCALARS = st.one_of(
    _TEXT, st.integers(-(10**6), 10**6), st.booleans(), st.floats(allow_nan=False, allow_infinity=False, width=32)
)
_VALUES = st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3), max_leaves=10
)


def _restyle(value: object, rnd: object, flow: bool | None) -> object:
    """Some strings as literal/folded blocks, collections flow or block: the styles authors use."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if isinstance(value, dict):
        out: object = CommentedMap((k, _restyle(v, rnd, flow)) for k, v in value.items())
    elif isinstance(value, list):
        out = CommentedSeq(_restyle(v, rnd, flow) for v in value)
    elif isinstance(value, str) and value and "\r" not in value:
        pick = rnd.random()  # type: ignore[attr-defined]
        return LiteralScalarString(value) if pick < 0.2 else FoldedScalarString(value) if pick < 0.4 else value
    else:
        return value
    if flow is not None:
        out.fa.set_flow_style() if flow else out.fa.set_block_style()  # type: ignore[attr-defined]
    return out


@given(
    data=st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5),
    flow=st.sampled_from([None, True, False]),
    rnd=st.randoms(use_true_random=False),
    comments=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 6), st.sampled_from(["# one", "#two", "# - id: x", ""])),
        max_size=4,
    ),
)
def test_any_document_keeps_its_data_and_comments(data: dict, flow: bool | None, rnd: object, comments: list) -> None:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.allow_unicode = True
    buffer = io.StringIO()
    yaml.dump(_restyle(data, rnd, flow), buffer)
    lines = buffer.getvalue().splitlines()
    for line, indent, text in comments:
        lines.insert(min(line, len(lines)), " " * indent + text)
    source = "\n".join(lines) + "\n"
    try:
        load_text(source, "x")
    except TableError:
        assume(False)  # e.g. a comment line cut a block scalar short
    out = format_text(source)  # raises FormatError if the meaning changed
    assert format_text(out) == out
    assert comment_texts(out) == comment_texts(source)


@given(
    data=st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=5),
    flow=st.sampled_from([None, True, False]),
    rnd=st.randoms(use_true_random=False),
    width=st.sampled_from([20, 40, 80]),  # narrow: flow collections over several lines
    eols=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["# e1", "#e2", "# - x"])), max_size=3),
)
def test_end_of_line_comments_anywhere_are_kept_and_idempotent(
    data: dict, flow: bool | None, rnd: object, width: int, eols: list
) -> None:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = width
    buffer = io.StringIO()
    yaml.dump(_restyle(data, rnd, flow), buffer)
    lines = buffer.getvalue().splitlines()
    for line, text in eols:
        n = min(line, len(lines) - 1)
        lines[n] += "  " + text
    source = "\n".join(lines) + "\n"
    try:
        load_text(source, "x")
    except TableError:
        assume(False)
    out = format_text(source)  # raises FormatError if the meaning changed
    assert format_text(out) == out
    assert comment_words(out) == comment_words(source)


# ---------------------------------------------------------------- the command


def write(path: Path, name: str) -> Path:
    target = path / f"{name}.yaml"
    target.write_bytes((FMT / f"{name}.yaml").read_bytes())
    return target


def test_fmt_writes_the_canonical_form(tmp_path: Path) -> None:
    target = write(tmp_path, "comments")
    os.chmod(target, 0o640)
    result = CliRunner().invoke(cli, ["fmt", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == (FMT / "comments.expected.yaml").read_text(encoding="utf-8")
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert f"formatted {target}" in result.stderr
    again = CliRunner().invoke(cli, ["fmt", "--check", str(target)])
    assert again.exit_code == 0 and again.stdout == ""


def test_check_lists_files_that_would_change_and_writes_nothing(tmp_path: Path) -> None:
    changed = write(tmp_path, "quoting")
    clean = tmp_path / "clean.yaml"
    clean.write_bytes((FMT / "quoting.expected.yaml").read_bytes())
    before = changed.read_bytes()
    result = CliRunner().invoke(cli, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [str(changed)]
    assert changed.read_bytes() == before


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    target = write(tmp_path, "styles")
    before = target.read_bytes()
    result = CliRunner().invoke(cli, ["fmt", "--diff", str(target)])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"--- {target}\t(original)\n+++ {target}\t(formatted)\n@@ ")
    assert "+  - id: fast\n" in result.stdout
    assert target.read_bytes() == before
    checked = CliRunner().invoke(cli, ["fmt", "--check", "--diff", str(target)])
    assert checked.exit_code == 1 and checked.stdout == result.stdout


def test_a_file_that_does_not_load_is_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: x\nwhen: &a {n: 1}\n")
    good = write(tmp_path, "blocks")
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}:2:7: error anchor:" in result.stderr
    assert bad.read_bytes() == b"id: x\nwhen: &a {n: 1}\n"
    assert good.read_text(encoding="utf-8") == (FMT / "blocks.expected.yaml").read_text(encoding="utf-8")


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["fmt", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr
