"""Findings are data: every check yields them, every formatter renders them.

One type serves the loader, the schema, the reference checks and (later) the
row analysis, so that text, JSON, GitHub and SARIF output never disagree about
what was found or where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in one file.

    ``line``/``column`` are 1-based and point at the offending node (the value
    that is wrong; for an unknown or duplicate key, the key). ``rules`` names
    the rows involved; ``example`` is a complete answer set that shows the
    problem, where there is one.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    rules: tuple[str, ...] = ()
    example: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rules": list(self.rules),
            "example": dict(self.example) if self.example is not None else None,
        }


MAX_LISTED = 20
"""Findings listed per table for the kinds that can be countless (gap, mergeable); the last says how many more."""


def has_errors(findings: "list[Finding] | tuple[Finding, ...]") -> bool:
    return any(f.severity == "error" for f in findings)


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file or "", f.line or 0, f.column or 0, f.code)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """What a finding code means, for ``crossroads explain``, SARIF rules and the README.

    ``summary`` is one line; ``why`` says why it matters, ``fix`` how to fix
    it, and ``example`` is a minimal table excerpt that produces it.
    """

    severity: Severity
    summary: str
    why: str
    fix: str
    example: str

    def __str__(self) -> str:
        return self.summary


def _code(severity: Severity, summary: str, why: str, fix: str, example: str) -> CodeInfo:
    return CodeInfo(severity, summary, " ".join(why.split()), " ".join(fix.split()), example.strip("\n"))


CODES: dict[str, CodeInfo] = {
    # loader: the file is not a loadable YAML mapping
    "unreadable": _code(
        "error",
        "The file cannot be read.",
        "Nothing can be checked or answered from a file crossroads cannot open.",
        "Check the path and the file's permissions; pass a file, not a directory.",
        "$ crossroads lint rules/missing.yaml   # no such file",
    ),
    "too-large": _code(
        "error",
        "The file is larger than the size cap.",
        """Tables arrive in pull requests: a size cap turns a huge (or hostile) file into a
        clear error instead of a minutes-long load.""",
        "Split the table, or raise the cap with --max-bytes if the size is intended.",
        "$ crossroads lint --max-bytes 1000 rules/big.yaml",
    ),
    "encoding": _code(
        "error",
        "The file is not valid UTF-8, or holds a NUL byte or a hidden line break (U+0085, U+2028, U+2029).",
        """Tables are UTF-8 text; other encodings would be misread, and NUL bytes hide content from
        reviewers. YAML parsers read U+0085, U+2028 and U+2029 as line breaks while editors, grep
        and git diff show one line: a rule written after one inside a comment would be live but
        invisible.""",
        """Save the file as UTF-8 (without NUL bytes); a UTF-8 byte order mark is accepted. Write a
        line-break character as an escape in a double-quoted string ("\\u2028").""",
        "title: caf\\xe9   # Latin-1 bytes, not UTF-8",
    ),
    "number-range": _code(
        "error",
        "A number is beyond what crossroads compares exactly.",
        """Numbers are exact decimals; one with more than 100 significant digits or a magnitude
        of 1e1000 or more (or, unless zero, below 1e-999) would cost unbounded time and memory to
        compare, so none is accepted anywhere in a table, an answer or a data file.""",
        "Write the number within those limits, or quote it if it is text (a title that looks like a number).",
        "when: {amount: 1e99999999999999999999}",
    ),
    "syntax": _code(
        "error",
        "YAML syntax error.",
        "The file is not YAML, so it has no meaning to check.",
        "Fix the YAML at the position given (indentation, an unclosed quote or bracket, a stray colon).",
        'title: "unclosed',
    ),
    "anchor": _code(
        "error",
        "YAML anchors are not allowed.",
        """Anchors and aliases make one value appear in many places (and can blow up to billions of
        nodes); a decision table should say everything where it is read.""",
        "Remove the &anchor and write the value out wherever it is used.",
        "when: &common {change: knowledge}",
    ),
    "alias": _code(
        "error",
        "YAML aliases are not allowed.",
        "An alias repeats a value defined elsewhere, so a row cannot be read on its own (and aliases are the billion-laughs attack).",
        "Replace *alias with the value itself.",
        "when: *common",
    ),
    "merge-key": _code(
        "error",
        "YAML merge keys (<<) are not allowed.",
        "A merge key hides a row's conditions in another node; reviewers would miss them.",
        "Write the merged entries out in the mapping.",
        "when: {<<: *common, budget: tight}",
    ),
    "tag": _code(
        "error",
        "Explicit YAML tags are not allowed.",
        "Tags ask a YAML library to construct objects; crossroads never constructs anything from a table.",
        "Remove the tag (!!str, !python/..., !custom); quote the value if it must be a string.",
        "version: !!str 1.0",
    ),
    "duplicate-key": _code(
        "error",
        "A mapping repeats a key.",
        "Most YAML readers silently keep the last value, so one of the two is ignored without a word.",
        "Remove one of the keys, or merge their values.",
        "when: {change: knowledge, change: both}",
    ),
    "key-type": _code(
        "error",
        "A mapping key is not a string.",
        "Keys are ids; a number or boolean key (1, true) would be read differently by different YAML readers.",
        'Quote the key ("1": ...) or use a slug id.',
        "when: {true: knowledge}",
    ),
    "too-deep": _code(
        "error",
        "Nesting deeper than the limit.",
        "A table needs fewer than ten levels; deeper nesting only serves to exhaust a parser.",
        "Flatten the structure; a table's format never nests that deep.",
        "title: [[[[[[[[ ... ]]]]]]]]   # more than 64 levels",
    ),
    "empty": _code(
        "error",
        "The file holds no document.",
        "An empty file is no table; it is usually a save gone wrong.",
        "Write a table, e.g. start from `crossroads init`.",
        "# (nothing but comments)",
    ),
    "not-a-mapping": _code(
        "error",
        "The top level is not a mapping.",
        "A table is a mapping of format, id, version, inputs, outcomes and rules.",
        "Make the top level a mapping (key: value lines), not a list or a scalar.",
        "- format: crossroads/1   # a list, not a mapping",
    ),
    "multiple-documents": _code(
        "error",
        "The file holds more than one YAML document.",
        "One file is one table; a second document after --- would be silently ignored by some readers.",
        "Split the documents into separate files.",
        "format: crossroads/1\n---\nformat: crossroads/1",
    ),
    # validation
    "schema": _code(
        "error",
        "The table does not match the crossroads/1 schema.",
        "The schema is the published contract: a missing or unknown key, a wrong type or a malformed id means the table says something other than its author thinks.",
        "Fix the key or value named in the message; optional keys are left out, never set to null. Editors show these errors as you type with the schema modeline (see the README).",
        "hit_policy: unique\ninputs: []   # inputs must not be empty",
    ),
    "duplicate-id": _code(
        "error",
        "Two inputs, options, outcomes or rules share an id.",
        "Ids are how rows, answers, examples and diffs refer to things; a repeated id makes them ambiguous.",
        "Rename one of them (and every reference to it).",
        "rules:\n  - {id: r1, then: rag}\n  - {id: r1, then: fine-tune}",
    ),
    "bad-bounds": _code(
        "error",
        "An input's minimum/maximum are not finite (not dates, for a date input) or are reversed.",
        "Reversed or infinite bounds leave an input with no valid answer, or an unbounded one in disguise.",
        "Make minimum <= maximum, both finite numbers (integers for an integer input, days YYYY-MM-DD for a date input), or leave one out.",
        "- {id: examples, prompt: How many?, type: integer, minimum: 10, maximum: 1}",
    ),
    "unknown-outcome": _code(
        "error",
        "A then, default or expect names no outcome.",
        "A row (or default, or example) that leads to an outcome the table does not define would answer with nothing.",
        "Use one of the ids under `outcomes`, or add the outcome.",
        "- {id: r1, when: {change: knowledge}, then: rga}   # typo for rag",
    ),
    "unknown-input": _code(
        "error",
        "A when key names no input.",
        "A condition on an input the table never asks can never be checked: the row is not what it says.",
        "Use one of the ids under `inputs`, or add the input.",
        "- {id: r1, when: {chnage: knowledge}, then: rag}",
    ),
    "unknown-option": _code(
        "error",
        "A condition names no option of its input.",
        "An option that does not exist never matches, so the row silently decides less than it says.",
        "Use one of the input's option ids (not its label), or add the option.",
        "- {id: r1, when: {change: knowlege}, then: rag}",
    ),
    "bad-condition": _code(
        "error",
        "A condition does not fit its input's type or grammar.",
        "A condition that cannot be read has no meaning; guessing one would make rows decide what nobody wrote.",
        'Write the condition form of the input\'s type: an option id, a list or {not: ...} for a choice; true/false; a number, "< N", ">= N" or an interval such as "[1, 5)"; a string, a list of strings or {not: ...} for a string input, quoted where YAML would read a number or a boolean (country: "12", not country: 12); the same forms as a number over days YYYY-MM-DD for a date (no times).',
        'when: {examples: "between 3 and 5"}',
    ),
    "bad-example": _code(
        "error",
        "An example's answers or expectation are invalid.",
        "An example that cannot run is a test that never fails: it protects nothing.",
        "Give answers the inputs accept and an expect the table can produce (an outcome id, {outcome, rule}, undecided, or a list for collect; "
        "with outputs, {values: {...}} with every output, a list of values mappings for collect and output-order, "
        "or {values: {<output>: <number>}} for an aggregate).",
        "examples:\n  - answers: {examples: -5}   # minimum is 0\n    expect: rag",
    ),
    "unused-input": _code(
        "warning",
        "No rule conditions on this input.",
        "People are asked a question whose answer never changes the recommendation.",
        "Remove the input, or add the rows that depend on it.",
        "inputs:\n  - {id: team-size, prompt: How big is your team?, type: integer}   # in no when",
    ),
    "two-value-list": _code(
        "warning",
        "A number, integer or date condition is a list of exactly two values, such as [1, 2].",
        'A list means any of its values (1 or 2), but [1, 2] reads like the interval "[1, 2]" (every value from 1 to 2): one quote apart, and the row decides far less, or more, than its author meant.',
        'For the interval, quote it: "[1, 2]". For the two values, write them as conditions: ["== 1", "== 2"] (the same set, and no warning).',
        'when: {age: [18, 65]}   # 18 or 65; "[18, 65]" is every age from 18 to 65',
    ),
    "unused-outcome": _code(
        "warning",
        "No rule or default yields this outcome.",
        "An outcome nobody can reach is dead text, and often a sign of a row pointing at the wrong outcome.",
        "Remove the outcome, or point the row that should lead to it there.",
        "outcomes:\n  - {id: prompt-engineering, title: Just prompt}   # no rule's then",
    ),
    # outputs
    "unknown-output": _code(
        "error",
        "A values mapping names no output, or the table declares no outputs.",
        "A value for an output the table does not return is never seen: the row says more than it decides.",
        "Use one of the ids under `outputs`, or add the output.",
        "outputs: [{id: fee, type: number}]\nrules:\n  - {id: r1, then: {fees: 4.9}}   # typo for fee",
    ),
    "missing-value": _code(
        "error",
        "A values mapping (a then, an outcome's values, a default) leaves an output out.",
        "Every result gives every output a value: a missing one would make the result's shape depend on the row.",
        "Give the output a value in that mapping.",
        "outputs: [{id: fee, type: number}, {id: carrier, type: choice}]\nrules:\n  - {id: r1, then: {fee: 4.9}}",
    ),
    "bad-value": _code(
        "error",
        "A value does not fit its output's type.",
        "A fee of 'cheap' or a date of 2025-02-30 cannot be summed, compared or stored in its column.",
        "Write a value of the output's type: an exact number (integer: whole), true/false, text, a YYYY-MM-DD date, or one of a choice output's option ids.",
        'outputs: [{id: fee, type: number}]\nrules:\n  - {id: r1, then: {fee: "4,90"}}',
    ),
    "missing-values": _code(
        "error",
        "An outcome has no values in a table with outputs.",
        "Rows that name the outcome would return no values where every other row returns them.",
        "Give the outcome `values:` with every output, or write the row's values inline.",
        "outputs: [{id: fee, type: number}]\noutcomes:\n  - {id: standard, title: Standard}   # no values",
    ),
    "bad-output-id": _code(
        "error",
        "An output id equals an input id, or is outcome, rule or error.",
        "Outputs become columns beside the inputs and the result's outcome, rule and error (SQL, file batch): one name would mean two things.",
        "Rename the output.",
        "inputs: [{id: fee, prompt: Fee?, type: number}]\noutputs: [{id: fee, type: number}]",
    ),
    "no-priority-output": _code(
        "error",
        "priority or output-order in a table with outputs, and no choice output with options.",
        "With outputs, priority is the order of the choice outputs' options (as in DMN): without one there is no order to rank by.",
        "Give a choice output `options` in priority order, or use another hit policy.",
        "hit_policy: priority\noutputs: [{id: fee, type: number}]",
    ),
    "bad-aggregate": _code(
        "error",
        "aggregate without hit_policy collect, or on a table without exactly one output (numeric for sum, min, max).",
        "An aggregate folds the matches' one output into a number: it needs every match (collect) and one number to fold.",
        "Use hit_policy: collect with exactly one number or integer output (count: any one output).",
        "hit_policy: collect\naggregate: sum\noutputs: [{id: carrier, type: choice}]",
    ),
    # translations
    "unknown-translation": _code(
        "error",
        "A translation names an input, option, outcome or rule the table does not have.",
        "A translation keyed by an id that does not exist is never shown; it is usually a renamed id.",
        "Use the table's ids under translations.<lang>, or remove the entry.",
        "translations:\n  zh:\n    outcomes: {rga: {title: 从 RAG 开始}}   # no outcome rga",
    ),
    "partial-translation": _code(
        "warning",
        "A translation leaves texts out, so the English content is shown with a notice.",
        "A translation is used only when complete; until then readers in that language see English.",
        "Translate the texts the message lists (every title, prompt, option label, summary, because...).",
        "translations:\n  zh:\n    title: RAG 还是微调？   # but no prompts or outcomes",
    ),
    "unsupported-language": _code(
        "warning",
        "Translations in a language crossroads has no interface for are never shown.",
        "Content is shown in a language only together with crossroads' own interface words in it.",
        "Use a language crossroads ships (see --lang), or contribute its interface catalog.",
        "translations:\n  de: {title: RAG oder Fine-Tuning?}",
    ),
    # interop: a DMN model imported in memory (lint model.dmn)
    "dmn-refused": _code(
        "error",
        "A DMN decision table (or model) that crossroads does not import exactly.",
        """The table uses a form a crossroads table cannot say without approximating it (a reference
        to another input, a function other than date, arithmetic, an output expression, a time or
        duration type, another expression language), so nothing about it could be checked or answered.
        The message quotes the entry and says why.""",
        """Rewrite the entry with literals, comparisons, ranges, lists or not(...), or keep the table in
        DMN; the other tables of the model are still checked.""",
        "<inputEntry><text>&lt; otherInput</text></inputEntry>   <!-- a reference to another input -->",
    ),
    # row analysis
    "unreachable": _code(
        "error",
        "A row that can never decide any answer set.",
        """Under unique, any and collect the row matches nothing (e.g. "< 0" with minimum 0); under
        first every answer it matches is taken by earlier rows together; under priority by rows
        whose outcome ranks higher. Either way the row is dead, and what its author meant does
        not happen.""",
        "Fix the row's conditions (the message names the rows that cover it), move it before them (first), or delete it.",
        'hit_policy: first\nrules:\n  - {id: small, when: {examples: "< 300"}, then: rag}\n  - {id: tiny, when: {examples: "< 100"}, then: fine-tune}   # never decides',
    ),
    "conflict": _code(
        "error",
        "Two rows both match some answer set, where the hit policy forbids it.",
        """Under unique no two rows may match the same answers; under any they may only if they
        agree. For the answer set in the message the table has no single answer, and evaluate
        fails for it.""",
        "Narrow one of the rows so they no longer overlap (the example shows where), or make them agree; use first or priority if overlap is intended.",
        'hit_policy: unique\nrules:\n  - {id: a, when: {examples: ">= 300"}, then: fine-tune}\n  - {id: b, when: {examples: ">= 1000"}, then: rag}',
    ),
    "gap": _code(
        "error",
        "Answer sets that no row matches, and there is no default.",
        "For these answers the table has no recommendation: evaluate reports no-match, ask ends without an answer.",
        "Add a row for the region in the message (it is written in condition syntax), or a default outcome.",
        'rules:\n  - {id: few, when: {examples: "< 300"}, then: rag}\n  - {id: many, when: {examples: ">= 1000"}, then: fine-tune}   # 300..999 missing',
    ),
    "redundant": _code(
        "warning",
        "A row whose removal changes no answer set's result.",
        "It adds length and review cost without changing a single recommendation, and often hides a mistake.",
        "Delete the row, or change it so it decides something (the message names what makes it redundant).",
        "hit_policy: any\nrules:\n  - {id: knowledge, when: {change: knowledge}, then: rag}\n  - {id: knowledge-static, when: {change: knowledge, freshness: static}, then: rag}",
    ),
    "mergeable": _code(
        "warning",
        "Rows with the same outcome that one row could say.",
        "They differ on one input only and their conditions there join into one; one row is shorter to read and to keep right.",
        "Replace the group with one row using the merged condition given in the message.",
        "rules:\n  - {id: a, when: {budget: tight, change: both}, then: rag}\n  - {id: b, when: {budget: moderate, change: both}, then: rag}   # budget: [tight, moderate]",
    ),
    "analysis-incomplete": _code(
        "warning",
        "The row analysis ran out of its time budget.",
        "What was proven is reported, but rows, conflicts or gaps past the budget were not checked: absence of findings proves nothing.",
        "Raise --max-seconds, or split the table into smaller ones.",
        "$ crossroads lint --max-seconds 300 rules/huge.yaml",
    ),
}
"""Every finding code: severity, one-line summary, why it matters, how to fix it, an example."""
