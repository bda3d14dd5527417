"""The guide page in a real browser: headless Chromium (Debian's chromium + chromium-driver) via selenium.

* ``window.crossroads.evaluate`` equals the Python engine on every combination
  of the bundled table's inputs (boundary values included), in one script call;
* the JS evaluator equals the Python engine on hypothesis-generated tables, and
  its ``possible`` is exact (checked against a brute force over completions);
  tables with outputs too (values, output-order, exact aggregates, agreement by values);
* a scripted walk clicks through scenarios and reads the visible text;
* the zh page shows the notice and the zh interface; a screenshot of each
  language is saved (pytest's tmp dir, and ``$CROSSROADS_ARTIFACTS`` if set).

No browser here: the module skips with the reason; under ``CI=true`` it fails.
"""

from __future__ import annotations

import base64
import functools
import itertools
import json
import math
import os
import random
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, compile_yaml
from crossroads.engine.table import pipeline as tables
from crossroads.engine.table.answers import parse_answers
from crossroads.engine.errors import AnswerError, HitPolicyViolation
from crossroads.engine.decision.evaluate import evaluate
from crossroads.engine.outputs.page import evaluator_data, render_page
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CROSSROADS_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CROSSROADS_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,1400",
]
FIELDS = ("status", "outcome", "outcomes", "values", "rule", "because", "possible", "missing")
NOTICE_ZH = "本页面尚未完全翻译为您的语言——正在显示英文版本。"


def _missing_browser() -> str | None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package (pip install '.[browser]')")
    if not missing:
        return None
    hint = " (apt-get install chromium chromium-driver)" if any(p in missing for p in (CHROMIUM, CHROMEDRIVER)) else ""
    return "no browser for the page tests: missing " + ", ".join(missing) + hint


@pytest.fixture(scope="module")
def driver():
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run them")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="crossroads-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield d
    finally:
        d.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    table = tables.compiled(tables.find(None), use_cache=False)
    out = {}
    for lang in ("en", "zh"):
        out[lang] = folder / f"guide.{lang}.html"
        out[lang].write_text(render_page(table, lang, generator_version="test"), encoding="utf-8")
    return out


def open_page(driver: Any, path: Path, fragment: str = "") -> None:
    driver.get("about:blank")  # a fragment-only change would not reload
    driver.get(path.as_uri() + fragment)
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors  # a CSP violation or script error shows up here


# -- Python's side ------------------------------------------------------------------


def python_result(table: Any, raw: dict[str, Any]) -> dict[str, Any]:
    try:
        result = evaluate(table, parse_answers(table.input_index, raw))
    except (AnswerError, HitPolicyViolation) as exc:
        return {"error": str(exc)}
    as_json = result.to_json()
    return {k: as_json[k] for k in (*FIELDS, "exact") if k in as_json}  # "exact": once evaluate.py has it


@functools.lru_cache(maxsize=1)
def python_is_exact() -> bool:
    """Whether engine/decision/evaluate.py has the exact ``possible`` yet: rows that decide only jointly."""
    t = compile_yaml(
        """
format: crossroads/1
id: joint
version: 1.0.0
title: J
hit_policy: first
inputs: [{id: a, prompt: A?, type: boolean}]
outcomes: [{id: x, title: X}]
rules: [{id: r1, when: {a: true}, then: x}, {id: r2, when: {a: false}, then: x}]
"""
    )
    return evaluate(t, {}).status == "decided"


def js_results(driver: Any, data: dict[str, Any] | None, answer_sets_json: str) -> list[dict[str, Any]]:
    """Evaluate every answer set in one script call: the page's table, or ``data`` (evaluator_data)."""
    script = """
        const engine = arguments[0] ? window.crossroads.engine(JSON.parse(arguments[0])) : window.crossroads;
        return JSON.parse(arguments[1]).map(a => engine.evaluate(a));
    """
    return driver.execute_script(script, json.dumps(data) if data else None, answer_sets_json)


def check_against_python(py: dict[str, Any], js: dict[str, Any], raw: Any, exact: bool) -> None:
    if "exact" not in py:
        js = {k: v for k, v in js.items() if k != "exact"}
    if "error" in py or "error" in js or exact or not py["missing"] or py["status"] == "decided":
        assert js == py, raw
        return
    # Python's sound over-approximation (until it is exact): the JS answer must fit inside it.
    assert js["missing"] == py["missing"], raw
    assert set(js["possible"]) <= set(py["possible"]) or (py["status"] == "no-match" and js["status"] == "no-match"), (
        raw
    )
    if js["status"] == "decided" and js["outcome"] is not None:
        assert js["outcome"] in py["possible"], raw


# -- the bundled table, every combination ---------------------------------------------

BUNDLED_VALUES = {
    "change": ["knowledge", "behaviour", "both"],
    "freshness": ["static", "occasional", "frequent"],
    "citations": [True, False],
    "examples": [0, 1, 299, 300, 301, 999, 1000, 1001, 5000, "300", " 999 "],
    "budget": ["tight", "moderate", "relaxed"],
}
BAD_ANSWERS = [
    {"change": "nope"},
    {"change": None},
    {"change": 3},
    {"citations": "yes"},
    {"citations": "TRUE"},
    {"examples": -1},
    {"examples": 3.5},
    {"examples": "3.5"},
    {"examples": "1e3"},
    {"examples": True},
    {"examples": "it's many"},
    {"examples": [1]},
    {"examples": {"n": 1}},
    {"examples": "12345678901234567890123456789012345"},  # beyond 2**53: exact only as a string in JS
    {"examples": 1e35},  # a JSON float: an exact Decimal that is no integer answer, on both sides
    {"examples": 2**53},
    {"examples": 0.0},
    {"budget": "x" * 80},
    {"mood": "sad"},
    [],
    "change=knowledge",
]


def test_bundled_table_every_combination(driver: Any, pages: dict[str, Path]) -> None:
    table = tables.compiled(tables.find(None), use_cache=False)
    columns = [[None, *values] for values in BUNDLED_VALUES.values()]
    answer_sets: list[Any] = [
        {k: v for k, v in zip(BUNDLED_VALUES, combo) if v is not None} for combo in itertools.product(*columns)
    ] + BAD_ANSWERS
    assert len(answer_sets) > 2000
    open_page(driver, pages["en"])
    got = js_results(driver, None, json.dumps(answer_sets))
    exact = python_is_exact()
    for raw, js in zip(answer_sets, got):
        if not isinstance(raw, dict):
            assert js == {"error": "expected a JSON object of input id to answer"}
            continue
        check_against_python(python_result(table, raw), js, raw, exact)
    complete = [
        js for raw, js in zip(answer_sets, got) if isinstance(raw, dict) and len(raw) == 5 and "error" not in js
    ]
    assert len(complete) == 3 * 3 * 2 * 11 * 3 and all(r["status"] == "decided" for r in complete)


@pytest.mark.parametrize(
    "answers, expected",
    [
        # decided before the last answer, because the rest cannot change it
        ({"change": "knowledge"}, ("decided", "rag", "knowledge-needs-retrieval")),
        ({"change": "behaviour", "examples": 10}, ("decided", "rag", "too-few-examples")),
        ({"change": "both", "examples": 300}, ("decided", "rag-plus-fine-tune", "both-with-data")),
        (
            {"change": "behaviour", "freshness": "static", "citations": False, "examples": 500},
            ("undecided", None, None),
        ),
        (
            {"change": "behaviour", "freshness": "static", "citations": False, "examples": 1000},
            ("decided", "fine-tune", "behaviour-static-enough-data"),
        ),
        ({"change": "behaviour", "freshness": "static", "examples": 1000}, ("undecided", None, None)),
    ],
)
def test_early_decisions(driver: Any, pages: dict[str, Path], answers: dict[str, Any], expected: tuple) -> None:
    open_page(driver, pages["en"])
    got = driver.execute_script("return window.crossroads.evaluate(arguments[0])", answers)
    assert (got["status"], got["outcome"], got["rule"]) == expected


def _wide_table(policy: str, n: int = 16) -> str:
    """n booleans, one row each: 2**n regions unless the hit policy cuts the search short.

    Outcome ``q`` is never the result, so a search cannot stop early on having seen every outcome."""
    inputs = "\n".join(f"  - {{id: b{i}, prompt: B{i}?, type: boolean}}" for i in range(n))
    rows = "\n".join(f"  - {{id: r{i}, when: {{b{i}: true}}, then: {'o' if i % 2 else 'p'}}}" for i in range(n))
    return (
        f"format: crossroads/1\nid: wide\nversion: 1.0.0\ntitle: Wide\nhit_policy: {policy}\ndefault: o\n"
        f"inputs:\n{inputs}\noutcomes: [{{id: o, title: O}}, {{id: p, title: P}}, {{id: q, title: Q}}]\nrules:\n{rows}\n"
    )


@pytest.mark.parametrize("policy, exact", [("first", True), ("unique", True), ("collect", False)])
def test_wide_tables_stay_fast_and_agree(driver: Any, pages: dict[str, Path], policy: str, exact: bool) -> None:
    # first/unique: the hit policy fixes regions early; collect cannot, runs past the search
    # budget and falls back to the sound bounds (exact: false), as the Python engine does.
    table = compile_yaml(_wide_table(policy))
    answer_sets = [{}, {"b0": True}, {"b1": True, "b0": False}, {f"b{i}": False for i in range(16)}]
    open_page(driver, pages["en"])
    got = js_results(driver, evaluator_data(table), json.dumps(answer_sets))
    assert [r["exact"] for r in got[:3]] == [exact] * 3 and got[3]["exact"] is True
    for raw, js in zip(answer_sets, got):
        check_against_python(python_result(table, raw), js, raw, python_is_exact())


# -- generated tables ---------------------------------------------------------------

try:
    from strategies import tables as generated_tables
except ImportError:  # pragma: no cover - tests/strategies.py is shared; keep this module usable without it
    generated_tables = None


def _candidates(spec: Any, column: Any) -> tuple[list[Any], list[Any]]:
    """(valid, invalid) answers to try for one input: each class of the domain and its edges."""
    if spec.type == "choice":
        return list(spec.option_ids), ["no-such-option", 1]
    if spec.type == "boolean":
        return [True, False, "false"], ["maybe", None]
    if spec.type == "string":  # every named string, a case/space variant of one, and strings nobody names
        named = list(column.table)
        variants = [v.lower() if v != v.lower() else v.upper() for v in named[:1]] + [" " + v for v in named[:1]]
        return [*named, *variants, "", "unnamed ✓", 'q"uote\\'], [12, True, None]
    if spec.type == "date":  # the days at and next to every point and bound, as YYYY-MM-DD texts
        from datetime import date

        lo, hi = spec.minimum or 1, spec.maximum or date.max.toordinal()
        days = {date(2000, 1, 1).toordinal()}
        for p in (*column.points, *(b for b in (spec.minimum, spec.maximum) if b is not None)):
            days |= {p - 1, p, p + 1}
        valid = [date.fromordinal(d).isoformat() for d in sorted(days) if lo <= d <= hi]
        outside = [date.fromordinal(d).isoformat() for d in sorted(days) if 1 <= d <= date.max.toordinal()]
        invalid = [d for d in outside if d not in valid]
        return valid, invalid + ["2025-1-5", "2025-02-30", "2025-01-05T00:00", 20250105, True]
    near: set[Decimal] = {Decimal(0)}
    for p in (*column.points, *(b for b in (spec.minimum, spec.maximum) if b is not None)):
        d = Decimal(p)
        near |= {d, d - 1, d + 1, d - Decimal("0.5"), d + Decimal("0.25")}
    valid, invalid = [], []
    for d in sorted(near):
        as_json = (
            int(d) if d == d.to_integral_value() else format(d.normalize(), "f")
        )  # a JSON number or a decimal string
        inside = (spec.minimum is None or d >= spec.minimum) and (spec.maximum is None or d <= spec.maximum)
        (valid if inside and (spec.type == "number" or isinstance(as_json, int)) else invalid).append(as_json)
    return valid, invalid + [True, "ten"]


def _leaf(table: Any, answers: dict[str, Any]) -> tuple:
    """One complete answer set's result, for the brute force."""
    try:
        r = evaluate(table, answers)
    except HitPolicyViolation:
        return ("violation",)
    if r.status == "no-match":
        return ("no-match",)
    return ("outcome", r.outcomes, r.rule)


def brute_force(table: Any, oracle_reps: list[list[Any]], answers: dict[str, Any]) -> dict[str, Any] | None:
    """The exact status/outcome/rule/possible of partial ``answers`` over every completion (None: too many)."""
    missing = [k for k, spec in enumerate(table.inputs) if spec.id not in answers]
    if math.prod(len(oracle_reps[k]) for k in missing) > 400:
        return None
    leaves = set()
    for combo in itertools.product(*(oracle_reps[k] for k in missing)):
        full = dict(answers)
        full.update({table.inputs[k].id: v for k, v in zip(missing, combo)})
        leaves.add(_leaf(table, full))
    outcomes = [leaf for leaf in leaves if leaf[0] == "outcome"]
    order = [o.id for o in table.outcomes]
    possible = sorted({o for leaf in outcomes for o in leaf[1]}, key=order.index)
    if all(leaf[0] == "no-match" for leaf in leaves):
        return {"status": "no-match", "possible": []}
    if len(outcomes) == len(leaves) and len({leaf[1] for leaf in outcomes}) == 1:
        rules = {leaf[2] for leaf in outcomes}
        return {
            "status": "decided",
            "outcomes": list(outcomes[0][1]),
            "rule": rules.pop() if len(rules) == 1 else None,
            "possible": possible,
        }
    return {"status": "undecided", "possible": possible}


def _answer_sets(table: Any, rng: random.Random) -> list[dict[str, Any]]:
    """Up to 250 answer sets of valid answers (inputs left out too), then 20 with one bad answer."""
    tried = [_candidates(spec, column) for spec, column in zip(table.inputs, table.columns)]
    product = list(itertools.product(*([_LEFT_OUT, *valid] for valid, _ in tried)))
    chosen = product if len(product) <= 250 else rng.sample(product, 250)
    sets = [{spec.id: v for spec, v in zip(table.inputs, combo) if v is not _LEFT_OUT} for combo in chosen]
    for _ in range(20):
        k = rng.randrange(len(table.inputs))
        bad = dict(rng.choice(sets))
        bad[table.inputs[k].id] = rng.choice(tried[k][1])
        sets.append(bad)
    return sets


_LEFT_OUT = object()


@pytest.mark.skipif(generated_tables is None, reason="tests/strategies.py (random valid tables) is not there")
@given(generated=st.deferred(lambda: generated_tables()), seed=st.integers(0, 2**16))
def test_generated_tables_evaluate_as_python(driver: Any, pages: dict[str, Path], generated: Any, seed: int) -> None:
    from oracle import Oracle

    table = compile_yaml(generated.text)
    oracle = Oracle(generated.data)
    reps = [list(oracle.representatives(i)) for i in oracle.inputs]
    answer_sets = _answer_sets(table, random.Random(seed))
    if not driver.execute_script("return !!(window.crossroads && window.crossroads.engine)"):
        open_page(driver, pages["en"])
    got = js_results(driver, evaluator_data(table), json.dumps(answer_sets, default=str))
    exact = python_is_exact()
    for raw, js in zip(answer_sets, got):
        py = python_result(table, json.loads(json.dumps(raw, default=str), parse_float=Decimal))
        check_against_python(py, js, raw, exact)
        if "error" in js or js["status"] not in ("decided", "undecided", "no-match"):
            continue
        truth = brute_force(
            table, reps, parse_answers(table.input_index, json.loads(json.dumps(raw), parse_float=Decimal))
        )
        if truth is None:
            continue
        assert (js["status"], js["possible"]) == (truth["status"], truth["possible"]), (raw, generated.text)
        if truth["status"] == "decided":
            assert (js["outcomes"], js["rule"]) == (truth["outcomes"], truth["rule"]), (raw, generated.text)


# -- the page, clicked ----------------------------------------------------------------


def _click(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()


def _type(driver: Any, name: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    field = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"]')
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)
    if text:
        field.send_keys(text)


def _result(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "result").text


def _recommendation(driver: Any) -> str:
    """The result without its "What would change this" section."""
    return _result(driver).split("\nWhat would change this\n")[0].split("\n什么会改变这个结果\n")[0]


def _recommended(driver: Any) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.option.recommended')].filter(e => !e.querySelector('.badge').hidden).map(e => e.dataset.outcome)"
    )


def test_walk_early_decision(driver: Any, pages: dict[str, Path]) -> None:
    open_page(driver, pages["en"])
    assert _result(driver) == "Answer all questions to see the recommendation."
    assert _recommended(driver) == []
    _click(driver, "change", "knowledge")  # one answer of five is enough here
    text = _result(driver)
    assert text.startswith("RECOMMENDATION\nStart with RAG\nRetrieval is the right first move here.")
    assert "Why\nYou want the model to know things it doesn't" in text
    assert "Choose it when\nYou're adding knowledge the model doesn't have" in text
    assert "Trade-offs\nLonger prompts mean higher per-call cost and latency" in text
    assert _recommended(driver) == ["rag"]
    assert driver.current_url.endswith("#change=knowledge")


def test_walk_undecided_then_decided(driver: Any, pages: dict[str, Path]) -> None:
    open_page(driver, pages["en"])
    _click(driver, "change", "behaviour")
    _click(driver, "freshness", "static")
    _click(driver, "citations", "false")
    _type(driver, "examples", "500")
    # rag or fine-tune still depends on the budget: no recommendation yet
    assert _result(driver) == "Answer all questions to see the recommendation."
    assert _recommended(driver) == []
    _click(driver, "budget", "tight")
    assert "Fine-tune\n" in _result(driver)
    assert "A few hundred examples is enough for a light fine-tune" in _result(driver)
    assert _recommended(driver) == ["fine-tune"]
    _click(driver, "budget", "relaxed")  # every change updates it
    assert _result(driver).startswith("RECOMMENDATION\nStart with RAG")
    _type(driver, "examples", "1000")  # now the budget no longer matters
    assert "Fine-tune\n" in _result(driver)
    assert driver.current_url.endswith(
        "#change=behaviour&freshness=static&citations=false&examples=1000&budget=relaxed"
    )


def test_walk_bad_number_and_start_over(driver: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, pages["en"])
    _click(driver, "change", "both")
    _type(driver, "examples", "300")
    assert "RAG + light fine-tuning" in _result(driver)
    _type(driver, "examples", "-5")
    error = driver.find_element(By.ID, "q-examples-error")
    assert error.is_displayed() and error.text == "Expected a whole number ≥ 0."
    assert driver.find_element(By.ID, "q-examples").get_attribute("aria-invalid") == "true"
    assert _result(driver) == "Answer all questions to see the recommendation."
    _type(driver, "examples", "299")
    assert not error.is_displayed()
    assert _result(driver).startswith("RECOMMENDATION\nStart with RAG")
    driver.find_element(By.CSS_SELECTOR, 'button[type="reset"]').click()
    assert _result(driver) == "Answer all questions to see the recommendation."
    assert "#" not in driver.current_url


def test_fragment_restores_answers(driver: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, pages["en"], "#change=behaviour&freshness=frequent&examples=300&bogus=1&budget=nope")
    assert driver.find_element(By.CSS_SELECTOR, 'input[name="change"][value="behaviour"]').is_selected()
    assert driver.find_element(By.ID, "q-examples").get_attribute("value") == "300"
    assert "RAG + light fine-tuning" in _result(driver)
    assert "Fine-tune the behaviour you have data for" in _result(driver)
    driver.execute_script("location.hash = 'change=knowledge'")  # a pasted link
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: _result(d).startswith("RECOMMENDATION\nStart with RAG"))
    assert not driver.find_element(By.CSS_SELECTOR, 'input[name="examples"]').get_attribute("value")


def test_keyboard_only(driver: Any, pages: dict[str, Path]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    open_page(driver, pages["en"])
    keys = ActionChains(driver)
    keys.send_keys(Keys.TAB).perform()  # the first control: the first question's first option
    assert driver.execute_script("return [document.activeElement.name, document.activeElement.value]") == [
        "change",
        "knowledge",
    ]
    keys.send_keys(Keys.ARROW_DOWN).perform()  # arrows move and select within a radio group
    assert driver.execute_script("return document.querySelector('input[name=change]:checked').value") == "behaviour"
    ActionChains(driver).send_keys(Keys.TAB).send_keys(Keys.SPACE).perform()
    ActionChains(driver).send_keys(Keys.TAB).send_keys(Keys.ARROW_DOWN).perform()
    assert driver.execute_script("return document.querySelector('input[name=freshness]:checked').value") == "static"
    assert driver.execute_script("return document.querySelector('input[name=citations]:checked').value") == "false"
    ActionChains(driver).send_keys(Keys.TAB).send_keys("2000").perform()
    assert driver.execute_script("return document.activeElement.name") == "examples"
    assert "Fine-tune\n" in _result(driver)


def test_no_requests_and_accessible_names(driver: Any, pages: dict[str, Path]) -> None:
    open_page(driver, pages["en"], "#change=knowledge")
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    unlabelled = driver.execute_script(
        """return [...document.querySelectorAll('input, button')].filter(e =>
             !(e.labels && e.labels.length) && !e.getAttribute('aria-labelledby') && !e.textContent.trim()).map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    assert driver.execute_script("return document.getElementById('result').getAttribute('aria-live')") == "polite"
    assert driver.execute_script("return document.querySelector('#result h2').textContent") == "Start with RAG"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_follows_prefers_color_scheme(driver: Any, pages: dict[str, Path], scheme: str) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    try:
        open_page(driver, pages["en"])
        rgb = driver.execute_script("return getComputedStyle(document.body).backgroundColor")
        channels = [int(c) for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
        assert (sum(channels) / 3 < 128) == (scheme == "dark"), rgb
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


# -- languages and screenshots ---------------------------------------------------------


def _screenshot(driver: Any, name: str, folder: Path) -> Path:
    """A full-page PNG (CDP: beyond the viewport)."""
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path = folder / name
    path.write_bytes(base64.b64decode(shot["data"]))
    artifacts = os.environ.get("CROSSROADS_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(artifacts) / name)
    return path


@pytest.mark.parametrize(
    "lang, words",
    [
        ("en", ["Decision guide", "All options at a glance", "Choose it when", "Trade-offs", "Why"]),
        ("zh", ["决策指南", NOTICE_ZH, "所有选项一览", "在以下情况选择它", "权衡", "原因", "是", "否", "重新开始"]),
    ],
)
def test_language_and_screenshot(
    driver: Any, pages: dict[str, Path], tmp_path: Path, lang: str, words: list[str]
) -> None:
    from selenium.webdriver.common.by import By

    open_page(driver, pages[lang])
    placeholder = {"en": "Answer all questions to see the recommendation.", "zh": "回答所有问题以查看建议。"}[lang]
    assert _result(driver) == placeholder
    _click(driver, "change", "behaviour")
    _click(driver, "freshness", "static")
    _click(driver, "citations", "false")
    _type(driver, "examples", "1200")
    body = driver.find_element(By.TAG_NAME, "body").text.casefold()  # visible text; the label is styled upper case
    for w in words:
        assert w.casefold() in body, w
    assert "Fine-tune" in _result(driver)  # the content stays English: the table has no translation
    notice = driver.find_elements(By.CSS_SELECTOR, ".notice")
    assert [n.text for n in notice] == ([NOTICE_ZH] if lang == "zh" else [])
    path = _screenshot(driver, f"guide.{lang}.png", tmp_path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_translated_table_in_zh(driver: Any, tmp_path: Path) -> None:
    table = tables.compiled(tables.find(str(FIXTURES / "page" / "translated.yaml")), use_cache=False)
    page = tmp_path / "tea.zh.html"
    page.write_text(render_page(table, "zh"), encoding="utf-8")
    open_page(driver, page)
    _click(driver, "time", "morning")
    _type(driver, "cups", "1")
    assert _result(driver).split("\n")[:4] == ["建议", "咖啡", "醒醒神。", "原因"]
    _type(driver, "cups", "7")
    assert "四杯已经够多了。" in _result(driver)
    assert driver.execute_script("return document.querySelectorAll('.notice').length") == 0


# -- hardening (issue 17) ---------------------------------------------------------------

SHADOWING = """
format: crossroads/1
id: shadow
version: 1.0.0
title: Shadow
hit_policy: first
inputs:
  - {id: elements, prompt: Elements?, type: choice, options: [{id: few}, {id: many}]}
  - {id: reset, prompt: Reset?, type: integer, minimum: 0}
outcomes: [{id: small, title: Small}, {id: large, title: Large}]
rules:
  - {id: r1, when: {elements: few, reset: "< 10"}, then: small}
  - {id: r2, then: large}
"""


def test_input_ids_that_name_form_properties_work(driver: Any, tmp_path: Path) -> None:
    """Ids ``elements`` and ``reset`` shadow form.elements / form.reset: the page must not use them."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "shadow.html"
    page.write_text(render_page(compile_yaml(SHADOWING), generator_version="test"), encoding="utf-8")
    open_page(driver, page, "#elements=few&reset=3")  # no script error on load (asserted there)
    assert driver.find_element(By.CSS_SELECTOR, 'input[name="elements"][value="few"]').is_selected()
    assert _result(driver).startswith("RECOMMENDATION\nSmall")
    _type(driver, "reset", "12")
    assert _result(driver).startswith("RECOMMENDATION\nLarge")
    _click(driver, "elements", "many")
    assert driver.current_url.endswith("#elements=many&reset=12")
    driver.find_element(By.CSS_SELECTOR, 'button[type="reset"]').click()
    assert _result(driver) == "Answer all questions to see the recommendation."
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_a_hostile_outcome_id_cannot_navigate_the_page(driver: Any, tmp_path: Path) -> None:
    """An id reaching the page unvalidated (a crafted compiled table) is text, never markup."""
    import dataclasses

    table = compile_yaml(SHADOWING)
    evil = 'small"><meta http-equiv="refresh" content="0;url=about:blank#navigated">'
    table = dataclasses.replace(table, outcomes=(dataclasses.replace(table.outcomes[0], id=evil), *table.outcomes[1:]))
    page = tmp_path / "evil.html"
    page.write_text(render_page(table, generator_version="test"), encoding="utf-8")
    driver.get("about:blank")
    driver.get(page.as_uri())
    import time

    time.sleep(1.5)
    assert driver.current_url.startswith("file:"), driver.current_url
    assert driver.execute_script("return document.querySelectorAll('meta[http-equiv=refresh]').length") == 0


EQUALITY = "\n".join(
    [
        "format: crossroads/1\nid: eq\nversion: 1.0.0\ntitle: Eq\nhit_policy: first\ndefault: other",
        "inputs: [{id: x, prompt: X?, type: integer}, {id: y, prompt: Y?, type: number, maximum: 50}]",
        "outcomes: [{id: even, title: Even}, {id: odd, title: Odd}, {id: other, title: Other}]",
        "rules:",
    ]
    + [f"  - {{id: r{i}, when: {{x: {i}, y: '< {i}'}}, then: {'odd' if i % 2 else 'even'}}}" for i in range(40)]
    + [f"  - {{id: s{i}, when: {{x: '[{i}, {i + 7})'}}, then: odd}}" for i in range(0, 40, 5)]
)


@pytest.mark.parametrize(
    "checkpoints", [None, [1, 0], [600, 0]], ids=["every-segment", "one-checkpoint", "some-checkpoints"]
)
@pytest.mark.parametrize("piece_bits", [None, 100], ids=["exact", "too-big-for-the-search"])
def test_checkpoints_and_events_agree_with_python(
    driver: Any, pages: dict[str, Path], monkeypatch: pytest.MonkeyPatch, checkpoints: Any, piece_bits: Any
) -> None:
    """page.js rebuilds masks from checkpoints and events (linear); the same answers as Python at any step."""
    from crossroads.engine.search import space

    table = compile_yaml(EQUALITY)
    data = evaluator_data(table)
    if checkpoints:
        data["checkpointBits"] = checkpoints
    if piece_bits:
        data["maxPieceBits"] = piece_bits
        monkeypatch.setattr(space, "MAX_PIECE_BITS", piece_bits)
    answer_sets = [{}, {"x": 3}, {"y": 2}, {"y": "51"}] + [
        {"x": x, "y": y} for x in (-1, 0, 1, 7, 20, 39, 40) for y in (-3, 0, 5, 38, 50)
    ]
    answer_sets += [{"x": x} for x in range(-2, 45, 3)]
    open_page(driver, pages["en"])
    got = js_results(driver, data, json.dumps(answer_sets))
    for raw, js in zip(answer_sets, got):
        py = python_result(table, raw)
        assert js == py, raw
    if piece_bits:
        assert got[0]["exact"] is False  # past the limit, both give the sound bound


UNIONS = "\n".join(
    [
        "format: crossroads/1\nid: un\nversion: 1.0.0\ntitle: Un\nhit_policy: first\ndefault: other",
        "inputs: [{id: x, prompt: X?, type: integer}, {id: d, prompt: D?, type: date}]",
        "outcomes: [{id: even, title: Even}, {id: odd, title: Odd}, {id: other, title: Other}]",
        "rules:",
    ]
    # rows of several runs each, stopping and starting again between checkpoints
    + [
        f"  - {{id: r{i}, when: {{x: [{i}, {i + 3}, '({i + 5}, {i + 8}]']}}, then: {'odd' if i % 2 else 'even'}}}"
        for i in range(0, 30, 2)
    ]
    + [
        f"  - {{id: n{i}, when: {{x: {{not: '[{i}, {i + 20}]'}}, d: '!= 2025-01-0{i % 9 + 1}'}}, then: odd}}"
        for i in range(0, 30, 7)
    ]
    + ["  - {id: e, when: {x: '!= 3', d: [2025-01-05, '>= 2025-02-01']}, then: even}"]
)


@pytest.mark.parametrize(
    "checkpoints", [None, [1, 0], [40, 0]], ids=["every-segment", "one-checkpoint", "some-checkpoints"]
)
def test_union_rows_agree_with_python(driver: Any, pages: dict[str, Path], checkpoints: Any) -> None:
    """``!=``, lists and ``{not: ...}``: a row of several runs (``runs``) stops and starts again; page.js
    applies its events in order at any checkpoint step, and decides as Python does."""
    table = compile_yaml(UNIONS)
    data = evaluator_data(table)
    assert data["inputs"][0]["runs"]
    if checkpoints:
        data["checkpointBits"] = checkpoints
    answer_sets = [{}, {"x": 3}, {"d": "2025-01-05"}] + [
        {"x": x, "d": d} for x in range(-2, 55, 1) for d in ("2025-01-01", "2025-01-05", "2025-02-01")
    ]
    open_page(driver, pages["en"])
    got = js_results(driver, data, json.dumps(answer_sets))
    for raw, js in zip(answer_sets, got):
        assert js == python_result(table, raw), raw


# -- the number grammar (engine/table/numbers.py), as Python reads it ------------------------


DATE_TABLE = """
format: crossroads/1
id: dates
version: 1.0.0
title: Dates
hit_policy: first
inputs:
  - {id: d, prompt: D?, type: date}
  - {id: m, prompt: M?, type: date, minimum: 2024-02-29, maximum: "2025-12-31"}
outcomes: [{id: early, title: Early}, {id: late, title: Late}]
rules:
  - {id: r1, when: {d: "< 2024-02-29"}, then: early}
  - {id: r2, when: {d: "[2024-02-29, 2024-03-01]", m: "> 2025-01-31"}, then: late}
  - {id: r3, when: {d: 9999-12-31}, then: late}
  - {id: r4, then: early}
"""


def test_date_grammar_as_python(driver: Any, pages: dict[str, Path]) -> None:
    """The page's date grammar and bounds (page.js) agree with dates.py on every string of test_dates.GRAMMAR."""
    from test_dates import GRAMMAR

    table = compile_yaml(DATE_TABLE)
    if not driver.execute_script("return !!(window.crossroads && window.crossroads.engine)"):
        open_page(driver, pages["en"])
    answer_sets: list[Any] = [{"d": text} for text, _ in GRAMMAR] + [{"m": text} for text, _ in GRAMMAR]
    answer_sets += [{"d": v} for v in (20240229, True, 2.5, ["2024-02-29"])]
    answer_sets += [{"m": v} for v in ("2024-02-28", "2024-02-29", "2025-12-31", "2026-01-01")]
    answer_sets += [
        {"d": d, "m": m}
        for d in ("2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02", "9999-12-31")
        for m in ("2025-01-31", "2025-02-01")
    ]
    got = js_results(driver, evaluator_data(table), json.dumps(answer_sets))
    for raw, js in zip(answer_sets, got):
        assert js == python_result(table, json.loads(json.dumps(raw), parse_float=Decimal)), raw  # as JSON reads it


def test_walk_date_picker(driver: Any, tmp_path: Path) -> None:
    """A date input is the browser's own date picker (min/max from the input), and drives the result."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "dates.html"
    page.write_text(render_page(compile_yaml(DATE_TABLE), "en", generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    field = driver.find_element(By.ID, "q-m")
    assert (field.get_attribute("type"), field.get_attribute("min"), field.get_attribute("max")) == (
        "date",
        "2024-02-29",
        "2025-12-31",
    )
    for name, value in (("d", "2024-03-01"), ("m", "2025-02-01")):
        driver.execute_script(
            "const f = document.getElementById(arguments[0]); f.value = arguments[1];"
            "f.dispatchEvent(new Event('input', {bubbles: true})); f.dispatchEvent(new Event('change', {bubbles: true}));",
            f"q-{name}",
            value,
        )
    assert _recommended(driver) == ["late"]


def test_number_grammar_as_python(driver: Any, pages: dict[str, Path]) -> None:
    from test_numbers import GRAMMAR, NUMBER_TABLE

    table = compile_yaml(NUMBER_TABLE)
    if not driver.execute_script("return !!(window.crossroads && window.crossroads.engine)"):
        open_page(driver, pages["en"])
    answer_sets = [{"n": text} for text, _, _ in GRAMMAR] + [{"i": text, "n": 0} for text, _, _ in GRAMMAR]
    answer_sets += [{"b": word} for word in (" true ", "TRUE", "\ttrue", "true\n", "\u00a0false", "\ufefffalse")]
    got = js_results(driver, evaluator_data(table), json.dumps(answer_sets))
    for raw, js in zip(answer_sets, got):
        py = python_result(table, raw)
        assert ("error" in js) == ("error" in py), raw
        if "error" not in py:
            assert js == py, raw


def test_a_free_text_question_is_a_text_field_compared_exactly(driver: Any, tmp_path: Path) -> None:
    """``type: string``: a native text field; case and spaces count; the fragment restores the text."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "country.html"
    source = (FIXTURES / "strings" / "country.yaml").read_text()
    page.write_text(render_page(compile_yaml(source), generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    field = driver.find_element(By.CSS_SELECTOR, 'input[name="country"]')
    assert field.get_attribute("type") == "text"
    _type(driver, "country", "NL")
    assert _result(driver).startswith("RECOMMENDATION\nDomestic")  # decided before the weight
    _type(driver, "country", "nl")
    _type(driver, "weight", "30")
    assert _result(driver).startswith("RECOMMENDATION\nHeavy freight")
    _type(driver, "country", "BE")
    assert _result(driver).startswith("RECOMMENDATION\nBenelux")
    assert driver.current_url.endswith("#country=BE&weight=30")
    open_page(driver, page, "#country=it%27s+%22x%22&weight=1")
    assert driver.find_element(By.CSS_SELECTOR, 'input[name="country"]').get_attribute("value") == 'it\'s "x"'
    assert _result(driver).startswith("RECOMMENDATION\nRest of the world")
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# -- tables with outputs (issue 19) ------------------------------------------------------------

try:
    from strategies import output_tables
except ImportError:  # pragma: no cover - tests/strategies.py is shared
    output_tables = None

OUTPUT_FIXTURES = FIXTURES / "outputs"


def _fixture(name: str) -> Any:
    return tables.compiled(tables.find(str(OUTPUT_FIXTURES / f"{name}.yaml")), use_cache=False)


def _ensure_engine(driver: Any, pages: dict[str, Path]) -> None:
    if not driver.execute_script("return !!(window.crossroads && window.crossroads.engine)"):
        open_page(driver, pages["en"])


def _as_python_reads(raw: Any) -> Any:
    return json.loads(json.dumps(raw, default=str), parse_float=Decimal)


def _value_leaf(table: Any, answers: dict[str, Any]) -> tuple:
    """One complete answer set's result as JSON shows it: values (outcome ids without outputs), rule."""
    try:
        r = evaluate(table, answers).to_json()
    except HitPolicyViolation:
        return ("violation",)
    if r["status"] == "no-match":
        return ("no-match",)
    # a result is its values and its outcomes: equal values from another outcome (or inline) differ
    return ("result", json.dumps({"values": r["values"], "outcomes": r["outcomes"]}, sort_keys=True), r["rule"])


def _possible_keys(table: Any, shown: Any) -> set[str]:
    """The results a ``values`` (or, without outputs, an ``outcomes``) shows, each as a key."""
    if not table.outputs:
        return {json.dumps(o) for o in shown}
    items = shown if isinstance(shown, list) else [shown]
    return {json.dumps(m, sort_keys=True) for m in items}


def brute_force_values(table: Any, reps: list[list[Any]], answers: dict[str, Any]) -> dict[str, Any] | None:
    """Status, the set of possible results and (decided) values and rule of partial ``answers``, over
    every completion by the oracle's representatives (None: too many)."""
    missing = [k for k, spec in enumerate(table.inputs) if spec.id not in answers]
    if math.prod(len(reps[k]) for k in missing) > 400:
        return None
    leaves = set()
    for combo in itertools.product(*(reps[k] for k in missing)):
        full = dict(answers)
        full.update({table.inputs[k].id: v for k, v in zip(missing, combo)})
        leaves.add(_value_leaf(table, full))
    results = [leaf for leaf in leaves if leaf[0] == "result"]
    shown = [json.loads(leaf[1]) for leaf in results]
    possible = set().union(*(_possible_keys(table, r["values"] if table.outputs else r["outcomes"]) for r in shown))
    if all(leaf[0] == "no-match" for leaf in leaves):
        return {"status": "no-match", "possible": set()}
    if len(results) == len(leaves) and len({leaf[1] for leaf in results}) == 1:
        rules = {leaf[2] for leaf in results}
        return {
            "status": "decided",
            "shown": shown[0],
            "rule": rules.pop() if len(rules) == 1 else None,
            "possible": possible,
        }
    return {"status": "undecided", "possible": possible}


@pytest.mark.skipif(output_tables is None, reason="tests/strategies.py (random valid tables) is not there")
@given(
    generated=st.deferred(lambda: st.one_of(output_tables(), generated_tables(hit_policy="output-order"))),
    seed=st.integers(0, 2**16),
    tight=st.booleans(),
)
def test_generated_value_tables_evaluate_as_python(
    driver: Any, pages: dict[str, Path], generated: Any, seed: int, tight: bool
) -> None:
    """Every output type and policy (output-order and the aggregates included, output-order on a table
    without outputs too), string and date inputs, partial answers: the page's JS returns exactly what
    ``Result.to_json`` does, and its ``possible`` is exact. ``tight``: a piece budget of 0 sends every
    partial answer set with a pending number past the exact search, to the sound bounds, on both sides."""
    from unittest import mock

    from crossroads.engine.search import space
    from oracle import Oracle

    table = compile_yaml(generated.text)
    data = evaluator_data(table)
    if tight:
        data["maxPieceBits"] = 0
    answer_sets = _answer_sets(table, random.Random(seed))
    _ensure_engine(driver, pages)
    got = js_results(driver, data, json.dumps(answer_sets, default=str))
    with mock.patch.object(space, "MAX_PIECE_BITS", 0 if tight else space.MAX_PIECE_BITS):
        expected = [python_result(table, _as_python_reads(raw)) for raw in answer_sets]
    for raw, js, py in zip(answer_sets, got, expected):
        assert js == py, (raw, generated.text)
    if tight:
        return
    reps = [list(Oracle(generated.data).representatives(i)) for i in Oracle(generated.data).inputs]
    for raw, js in zip(answer_sets, got):
        if "error" in js:
            continue
        truth = brute_force_values(table, reps, parse_answers(table.input_index, _as_python_reads(raw)))
        if truth is None:
            continue
        assert (js["status"], _possible_keys(table, js["possible"])) == (truth["status"], truth["possible"]), (
            raw,
            generated.text,
        )
        if truth["status"] == "decided":
            shown = {"values": js["values"], "outcomes": js["outcomes"]}
            assert (shown, js["rule"]) == (truth["shown"], truth["rule"]), (raw, generated.text)


@pytest.mark.parametrize("name", ["shipping", "fees-sum", "routes-order"])
def test_value_fixtures_evaluate_as_python(driver: Any, pages: dict[str, Path], tmp_path: Path, name: str) -> None:
    """The issue's three tables, on their own page: every combination of each input's classes and
    edges (left out too) and bad answers, exactly as the engine."""
    table = _fixture(name)
    page = tmp_path / f"{name}.html"
    page.write_text(render_page(table, generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    answer_sets = _answer_sets(table, random.Random(0))
    got = js_results(driver, None, json.dumps(answer_sets, default=str))
    for raw, js in zip(answer_sets, got):
        assert js == python_result(table, _as_python_reads(raw)), raw
    assert any(js.get("status") == "decided" for js in got) and any(js.get("status") == "undecided" for js in got)


ROUTES = [{"route": "air", "days": 1}, {"route": "road", "days": 4}, {"route": "sea", "days": 30}]


@pytest.mark.parametrize(
    "name, answers, outcome, values, rule",
    [
        ("shipping", {"weight": 30, "destination": "eu"}, None, {"fee": 49.5, "carrier": "express"}, "heavy-abroad"),
        ("shipping", {"weight": 3}, "standard-delivery", {"fee": 4.9, "carrier": "standard"}, "light"),
        ("shipping", {"weight": "30", "destination": "domestic"}, None, {"fee": 0, "carrier": "economy"}, None),
        ("fees-sum", {"weight": 30, "express": True}, None, {"fee": 22.4}, None),
        ("fees-sum", {"weight": "20", "express": "no"}, None, {"fee": 4.9}, None),
        ("routes-order", {"weight": 10, "ship_by": "2026-03-01"}, None, ROUTES, None),
        ("routes-order", {"weight": 40, "ship_by": "2025-12-31"}, None, ROUTES[1:], None),
        ("routes-order", {"weight": 1}, None, None, None),  # air depends on the day: undecided
    ],
)
def test_value_fixtures_decide(
    driver: Any, tmp_path: Path, name: str, answers: dict[str, Any], outcome: Any, values: Any, rule: Any
) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(render_page(_fixture(name), generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    got = driver.execute_script("return window.crossroads.evaluate(arguments[0])", answers)
    assert (got["outcome"], got["values"], got["rule"]) == (outcome, values, rule)
    assert got["status"] == ("undecided" if values is None else "decided")


AGGREGATE = """
format: crossroads/1
id: agg
version: 1.0.0
title: Agg
hit_policy: collect
aggregate: {how}
{default}
inputs:
  - {{id: a, prompt: A?, type: boolean}}
  - {{id: b, prompt: B?, type: boolean}}
  - {{id: c, prompt: C?, type: boolean}}
outputs: [{{id: total, type: number, title: Total}}]
rules:
  - {{id: r1, when: {{a: true}}, then: {{total: 0.1}}}}
  - {{id: r2, when: {{b: true}}, then: {{total: 0.20}}}}
  - {{id: r3, when: {{c: true}}, then: {{total: 0.12345678901234567891}}}}
  - {{id: r4, when: {{a: true, b: true}}, then: {{total: -0.42345678901234567891}}}}
"""


@pytest.mark.parametrize("how", ["sum", "min", "max", "count"])
@pytest.mark.parametrize("default", ["", "default: {total: 2.50}"])
def test_aggregates_are_exact_as_python(driver: Any, pages: dict[str, Path], how: str, default: str) -> None:
    """Sums of decimals a double cannot hold stay exact decimal strings, as the engine writes them;
    0.1 + 0.2 is 0.3 and a sum to zero is the integer 0; min/max keep the value; count counts."""
    table = compile_yaml(AGGREGATE.format(how=how, default=default))
    combos = [dict(zip("abc", bits)) for bits in itertools.product([True, False], repeat=3)]
    answer_sets = combos + [{}, {"a": True}, {"a": True, "b": True}, {"c": False}]
    _ensure_engine(driver, pages)
    got = js_results(driver, evaluator_data(table), json.dumps(answer_sets))
    for raw, js in zip(answer_sets, got):
        assert js == python_result(table, raw), raw
    decided = {
        "sum": [0, "-0.12345678901234567891", "0.22345678901234567891", 0.1],
        "min": ["-0.42345678901234567891", "-0.42345678901234567891", 0.1, 0.1],
        "max": [0.2, 0.2, "0.12345678901234567891", 0.1],
        "count": [4, 3, 2, 1],
    }[how]
    assert [js["values"] for js in got[:4]] == [{"total": v} for v in decided]  # a true, then b, c as product
    no_match = got[7]  # a, b, c all false
    if how == "count":
        assert (no_match["status"], no_match["values"]) == ("decided", {"total": 0})
    elif default:
        assert (no_match["status"], no_match["values"]) == ("decided", {"total": 2.5})
    else:
        assert (no_match["status"], no_match["values"]) == ("no-match", None)


def _recommended_results(driver: Any) -> list[int]:
    return driver.execute_script(
        "return [...document.querySelectorAll('.option.recommended')].filter(e => !e.querySelector('.badge').hidden).map(e => +e.dataset.result)"
    )


def test_walk_values_with_titles(driver: Any, tmp_path: Path) -> None:
    """A decided result shows each output's title and value; a named outcome keeps its block; the card
    of the deciding result is marked."""
    page = tmp_path / "shipping.html"
    page.write_text(render_page(_fixture("shipping"), generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    assert _result(driver) == "Answer all questions to see the recommendation."
    _type(driver, "weight", "30")
    _click(driver, "destination", "eu")
    assert _recommendation(driver) == (
        "RECOMMENDATION\nDelivery fee\n49.5\nCarrier\nexpress\nWhy\nHeavy parcels abroad go express."
    )
    assert _recommended_results(driver) == [1]
    _type(driver, "weight", "3")
    assert _recommendation(driver) == "RECOMMENDATION\nStandard delivery\nDelivery fee\n4.9\nCarrier\nstandard"
    assert _recommended_results(driver) == [0]
    _type(driver, "weight", "30")
    _click(driver, "destination", "domestic")  # no row: the default's values
    assert _recommendation(driver) == "RECOMMENDATION\nDelivery fee\n0\nCarrier\neconomy"
    assert _result(driver).endswith(  # a values result is named as the JSON `values` writes it
        "\nWhat would change this\n"
        '{"fee": 4.9, "carrier": "standard"} if weight <= 20\n'
        '{"fee": 49.5, "carrier": "express"} if destination in [eu, world]'
    )
    assert driver.current_url.endswith("#weight=30&destination=domestic")
    assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_walk_output_order_and_sum(driver: Any, tmp_path: Path) -> None:
    """output-order lists every match by the options' order, with option labels; a sum is one exact value."""
    routes, fees = tmp_path / "routes.html", tmp_path / "fees.html"
    routes.write_text(render_page(_fixture("routes-order"), generator_version="test"), encoding="utf-8")
    fees.write_text(render_page(_fixture("fees-sum"), generator_version="test"), encoding="utf-8")
    open_page(driver, routes, "#weight=10&ship_by=2026-03-01")
    assert _recommendation(driver) == (
        "RECOMMENDATION\nEvery matching row's outcome:\nRoute: By air, Days on the way: 1\n"
        "Route: By road, Days on the way: 4\nRoute: By sea, Days on the way: 30"
    )
    assert sorted(_recommended_results(driver)) == [0, 1, 2]
    open_page(driver, fees, "#weight=30&express=true")
    assert _recommendation(driver) == "RECOMMENDATION\nFee\n22.4"
    _click(driver, "express", "false")
    assert _recommendation(driver) == "RECOMMENDATION\nFee\n14.9"


def test_translated_output_titles_in_zh(driver: Any, tmp_path: Path) -> None:
    """``translations.zh.outputs``: the titles and a choice output's option labels; yes/no in the interface."""
    table = tables.compiled(tables.find(str(FIXTURES / "page" / "translated-outputs.yaml")), use_cache=False)
    page = tmp_path / "parcel.zh.html"
    page.write_text(render_page(table, "zh"), encoding="utf-8")
    open_page(driver, page, "#weight=30")
    assert _recommendation(driver) == "建议\n运费\n49.5\n承运方式\n快递\n保险\n是\n原因\n重包裹走快递。"
    _type(driver, "weight", "3")
    assert _recommendation(driver) == "建议\n运费\n4.9\n承运方式\n标准\n保险\n否"
    assert driver.execute_script("return document.querySelectorAll('.notice').length") == 0


# -- the outputs issue's walk: the page decides as the engine does ---------------------------


@pytest.mark.parametrize("name", ["shipping", "fees", "routes", "zones", "reminders"])
def test_walk_tables_evaluate_as_python(driver: Any, tmp_path: Path, name: str) -> None:
    from test_walk import TABLES

    table = tables.compiled(tables.find(str(FIXTURES / "walk" / f"{name}.yaml")), use_cache=False)
    page = tmp_path / f"{name}.html"
    page.write_text(render_page(table, "en", generator_version="test"), encoding="utf-8")
    open_page(driver, page)
    answer_sets = TABLES[name][0]
    for raw, js in zip(answer_sets, js_results(driver, None, json.dumps(answer_sets))):
        check_against_python(python_result(table, raw), js, raw, python_is_exact())


# -- what would change this (issue 23) -------------------------------------------------

ALTERNATIVE_VALUES = {**BUNDLED_VALUES, "examples": [0, 299, 300, 301, 999, 1000, 1001, "300"]}


def js_alternatives(
    driver: Any, table: Any, answer_sets: list[dict[str, Any]], lang: str = "en"
) -> list[list[str] | None]:
    """The page script's lines for every answer set in one call: ``data`` the table's evaluator data."""
    from crossroads.engine.outputs.i18n import messages
    from crossroads.engine.outputs.page import WHY_NOT_UI_KEYS

    catalog = messages(lang)
    words = {"ui": {k: catalog[k] for k in WHY_NOT_UI_KEYS}, "titles": {o.id: o.title for o in table.outcomes}}
    script = """
        const engine = window.crossroads.engine(JSON.parse(arguments[0]));
        const w = JSON.parse(arguments[1]);
        const words = {ui: w.ui, title: id => w.titles[id]};
        return JSON.parse(arguments[2]).map(a => engine.alternatives(a, words));
    """
    return driver.execute_script(
        script, json.dumps(evaluator_data(table)), json.dumps(words), json.dumps(answer_sets, default=str)
    )


def python_lines(table: Any, raw: dict[str, Any], lang: str = "en") -> list[str]:
    from crossroads.engine.analysis.alternatives import alternatives
    from crossroads.engine.outputs.i18n import alternative_lines, messages

    alts = alternatives(table, parse_answers(table.input_index, _as_python_reads(raw)))
    assert all(a.exact for a in alts)
    return list(alternative_lines(table, alts, messages(lang)))


def test_bundled_table_alternatives_every_combination(driver: Any, pages: dict[str, Path]) -> None:
    """The lines of the page's script equal ``evaluate --why-not``'s for every combination of the
    advisor's answers (each input also left out), undecided ones included."""
    table = tables.compiled(tables.find(None), use_cache=False)
    columns = [[None, *values] for values in ALTERNATIVE_VALUES.values()]
    answer_sets = [
        {k: v for k, v in zip(ALTERNATIVE_VALUES, combo) if v is not None} for combo in itertools.product(*columns)
    ]
    _ensure_engine(driver, pages)
    got = js_alternatives(driver, table, answer_sets)
    assert len(got) == 4 * 4 * 3 * 9 * 4
    for raw, js in zip(answer_sets, got):
        assert js == python_lines(table, raw), raw
    moderate = {"change": "behaviour", "freshness": "static", "citations": False, "examples": 301, "budget": "moderate"}
    assert got[answer_sets.index(moderate)] == [
        "RAG + light fine-tuning (rag-plus-fine-tune) if change=both, or if freshness in [occasional, frequent], "
        "or if citations=true",
        "Fine-tune (fine-tune) if examples >= 1000, or if budget=tight",
    ]


@pytest.mark.skipif(output_tables is None, reason="tests/strategies.py (random valid tables) is not there")
@given(
    generated=st.deferred(lambda: st.one_of(generated_tables(), output_tables())),
    seed=st.integers(0, 2**16),
)
def test_generated_tables_alternatives_as_python(
    driver: Any, pages: dict[str, Path], generated: Any, seed: int
) -> None:
    """Every input type and hit policy, with and without outputs, partial answers: where the page
    computes the lines (tables of at most ``CANONICAL_CELLS`` cells: all of these), they are the CLI's."""
    table = compile_yaml(generated.text)
    rng = random.Random(seed)
    answer_sets = [a for a in _answer_sets(table, rng)[:-20] if _valid(table, a)][:40]
    _ensure_engine(driver, pages)
    got = js_alternatives(driver, table, answer_sets)
    for raw, js in zip(answer_sets, got):
        assert js is not None, (raw, generated.text)
        assert js == python_lines(table, raw), (raw, generated.text)


def _valid(table: Any, raw: dict[str, Any]) -> bool:
    try:
        parse_answers(table.input_index, _as_python_reads(raw))
    except AnswerError:
        return False
    return True


def test_walk_what_would_change_this(driver: Any, pages: dict[str, Path]) -> None:
    """Under the recommendation, the lines follow every answer."""
    open_page(driver, pages["en"])
    for name, value in [
        ("change", "behaviour"),
        ("freshness", "static"),
        ("citations", "false"),
        ("budget", "moderate"),
    ]:
        _click(driver, name, value)
    _type(driver, "examples", "500")
    text = _result(driver)
    assert (
        "What would change this\nRAG + light fine-tuning (rag-plus-fine-tune) if change=both, or if freshness in "
        "[occasional, frequent], or if citations=true\nFine-tune (fine-tune) if examples >= 1000, or if budget=tight"
    ) in text
    _type(driver, "examples", "1000")  # now fine-tune: what would take it back
    text = _result(driver)
    assert "Start with RAG (rag) if change=knowledge, or if examples < 1000" in text
    _click(driver, "change", "knowledge")
    assert "What would change this" in _result(driver)
    driver.find_element("css selector", 'input[name="examples"]').clear()
    _click(driver, "change", "behaviour")  # undecided: no lines
    assert "What would change this" not in _result(driver)


def test_what_would_change_this_in_zh(driver: Any, pages: dict[str, Path]) -> None:
    open_page(driver, pages["zh"], "#change=knowledge")
    assert "什么会改变这个结果" in _result(driver)
