"""Exact row analysis: unreachable, conflicting, missing, redundant and mergeable rows.

The definitions are the contract of the README ("Row analysis"); each finding
carries its proof: a conflict's or a gap's ``example`` is a complete answer set
that shows it, an unreachable row's ``rules`` name the rows that cover it.

How: one search of the answer space by regions (``space.walk``) per table.
At every region whose live rows are known, the hit policy says which row
decides and what the result would be without it; that yields the rows that
decide something (reachable), pairs that clash (conflicts), regions nobody
matches (gaps) and rows whose removal would change some result. The policy
``hook`` cuts the search wherever nothing more can be learnt: under ``first``,
once the first live row matches the whole remaining region and is already
known to matter; in general once no gap is possible below, every pair below is
already reported and every row below already known to be reachable and not
redundant. Under ``first`` and ``priority`` by outcomes, the rows that decide
nothing are found before that search, in the policy's order (table order, best
outcome first), each by a small search of its own region over the rows that win
over it and decide something (``_shadowed``), which also yields its cover; the
main search then lets them hold no region open, where otherwise it would have
to cut every region down until each such row was proven covered there again.
Under ``priority`` by outputs the covers come after the main search, by the same
kind of search over the rows that win over the row (``_cover``). Mergeable groups need no
search: rows are compared through the pieces they accept, per input.

The whole analysis runs under a time budget; when it runs out, what was proven
is kept (conflicts and gaps found so far, rows that match nothing), what needs
the complete search is dropped, and an ``analysis-incomplete`` warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any, Iterator

from crossroads.engine.search import space
from crossroads.engine.table.answers import accepts
from crossroads.engine.table.compiler import NUMERIC_TYPES, CompiledTable, or_all
from crossroads.engine.findings import MAX_LISTED, Finding
from crossroads.engine.analysis.mergeable import mergeable
from crossroads.engine.table.policies import ERROR, HitPolicy, bits, policy_of, result_label, result_of
from crossroads.engine.table.wording import describe_answers, describe_when
from crossroads.engine.search.space import Budget, Exhausted, Leaf

MAX_GAPS_KEPT = 100_000
"""Gap regions kept for merging; beyond this they are only counted (bounded memory)."""

DEFAULT_MAX_SECONDS = 60.0


def _popcount(mask: int) -> int:
    return mask.bit_count()


@dataclass
class _State:
    """What the search has proven so far (local to one ``analyse`` call)."""

    reached: int = 0  # rows that decide some answer set
    mattering: int = 0  # rows whose removal changes some result (not redundant)
    clash: dict[int, int] = field(default_factory=dict)  # row -> rows it is reported to conflict with
    conflicts: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    gaps: list[tuple[tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)  # (parts, example)
    gaps_dropped: int = 0  # gap regions found past MAX_GAPS_KEPT (counted, not kept)
    fallback: dict[int, int] = field(default_factory=dict)  # row -> rows that give its result without it
    fallback_default: int = 0  # rows whose result the default gives without them
    witnesses: dict[int, dict[str, Any]] = field(default_factory=dict)  # row -> answers it decides
    witnessed: int = 0  # the rows in ``witnesses``


class _Search:
    """The search's view of a region's live rows: the hit policy (``engine/table/policies.py``) says who
    decides, what results and what to prune; this records what that proves in the ``_State``."""

    def __init__(self, table: CompiledTable, state: _State, never_deciding: int = 0):
        self.t = table
        self.s = state
        self.policy: HitPolicy = policy_of(table)
        # rows already proven to decide nothing: they never become reached, witnessed or mattering,
        # so they must not hold a region open (see ``_shadowed``)
        self.never_deciding = never_deciding
        # None: answers no row matches are a gap (no default; ``count`` decides them with 0)
        self.default = table.default if table.aggregate != "count" else -1

    def result(self, live: int) -> Any:
        """The result for answers matched by exactly ``live`` (comparable values)."""
        return result_of(self.t, live)[0]

    # -- the search hook -----------------------------------------------------
    def hook(self, live: int, guaranteed: int) -> tuple[int, bool]:
        s = self.s
        policy, t = self.policy, self.t
        live = policy.prune(t, live, guaranteed, s.mattering)
        if not guaranteed and self.default is None:  # a gap may lie below
            return live, False
        cand = policy.could_decide(t, live, guaranteed) & ~self.never_deciding
        if cand & ~(s.mattering & s.reached & s.witnessed):
            return live, False
        if policy.conflicts and self._pairs_left(live):
            return live, False
        return live, True

    def _pairs_left(self, live: int) -> bool:
        if _popcount(live) < 2:
            return False
        for r in bits(live):
            if self.policy.clashing(self.t, r, live) & ~self.s.clash.get(r, 0):
                return True
        return False

    # -- leaves --------------------------------------------------------------
    def leaf(self, leaf: Leaf) -> None:
        s = self.s
        live = leaf.live
        if not live:
            if self.default is None and len(s.gaps) < MAX_GAPS_KEPT:
                s.gaps.append((space.parts(leaf.region), space.leaf_witness(self.t, leaf)))
            elif self.default is None:
                s.gaps_dropped += 1
            return
        if not leaf.constant:  # settled by the hook: nothing left to learn here
            return
        policy, t = self.policy, self.t
        deciders = policy.deciders(t, live)
        s.reached |= deciders
        missing_witness = [r for r in bits(policy.rule_rows(t, live)) if r not in s.witnesses]
        example = None
        if missing_witness or (policy.conflicts and _popcount(live) > 1):
            example = space.leaf_witness(t, leaf)
            for r in missing_witness:
                s.witnesses[r] = example
                s.witnessed |= 1 << r
        if policy.conflicts and _popcount(live) > 1:
            self._conflicts(live, example)  # type: ignore[arg-type]
        if policy.collects and not policy.folds and _popcount(live) > 1:
            s.mattering |= live  # removing any one shortens the list (an aggregate: checked below)
            return
        here = self.result(live)
        sensitive = policy.sensitive(t, live)
        for r in bits(sensitive & ~s.mattering):
            without = live & ~(1 << r)
            if self.result(without) != here:
                s.mattering |= 1 << r
            elif without:
                s.fallback[r] = s.fallback.get(r, 0) | policy.deciders(t, without)
            else:
                s.fallback_default |= 1 << r
        # rows that are not sensitive here keep their result trivially; record who carries it
        for r in bits(live & ~s.mattering & ~sensitive):
            if deciders & ~(1 << r):
                s.fallback[r] = s.fallback.get(r, 0) | (deciders & ~(1 << r))

    def _conflicts(self, live: int, example: dict[str, Any]) -> None:
        s = self.s
        rows = list(bits(live))
        for n, a in enumerate(rows):
            for b in rows[n + 1 :]:
                if not self.policy.clashing(self.t, a, 1 << b):  # any: rows that agree may overlap
                    continue
                if (s.clash.get(a, 0) >> b) & 1:
                    continue
                s.clash[a] = s.clash.get(a, 0) | (1 << b)
                s.clash[b] = s.clash.get(b, 0) | (1 << a)
                s.conflicts.append((a, b, example))


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one analysis proved; ``findings`` are unpositioned."""

    findings: tuple[Finding, ...]
    gap_regions: tuple[dict[str, Any], ...]
    witnesses: dict[str, dict[str, Any]]
    complete: bool


def analyse(table: CompiledTable, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> tuple[Finding, ...]:
    """Every row finding of ``table`` (file, line and column left for the caller)."""
    return run(table, max_seconds=max_seconds).findings


def gap_regions(table: CompiledTable, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> list[dict[str, Any]]:
    """All regions no row matches, uncapped, each a rule-style ``when`` (empty with a default)."""
    return list(run(table, max_seconds=max_seconds).gap_regions)


def gaps(table: CompiledTable, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> list[tuple[Finding, dict[str, Any]]]:
    """Each listed ``gap`` finding (unpositioned, as ``analyse`` gives it) with its region as data: a
    rule-style ``when`` (input order, unrestricted inputs left out) that a row covering exactly the
    gap would carry. For code that acts on a gap (``authoring/fixes.py``) without reading messages."""
    report = run(table, max_seconds=max_seconds)
    listed = [f for f in report.findings if f.code == "gap"]
    return list(zip(listed, report.gap_regions))  # the findings are the first regions, in order


def row_witnesses(table: CompiledTable, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> dict[str, dict[str, Any]]:
    """rule id -> a complete answer set that this row decides (reachable rows only)."""
    return run(table, max_seconds=max_seconds).witnesses


def run(table: CompiledTable, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> Report:
    """The analysis behind ``analyse``, with the uncapped gap regions and row witnesses."""
    if space.too_large(table):
        return _too_large(table)
    budget = Budget(max_seconds)
    state = _State()
    pieces = space.root_pieces(table)
    matchable = table.all_rows
    for ps in pieces:  # a row refusing every answer of some input matches nothing
        matchable &= or_all(p.mask for p in ps)
    policy = policy_of(table)
    covers: dict[int, int] = {}  # a row that never decides -> rows that cover it
    order = policy.shadow_order(table)
    if order is not None:  # half the budget at most: the main search keeps the rest
        covers = _shadowed(table, pieces, matchable, order, Budget(max_seconds / 2))
    shadowed = or_all(1 << r for r in covers)  # proven, whether the main search finishes or not
    search = _Search(table, state, shadowed)
    complete = True
    try:
        for leaf in space.walk(table, pieces, matchable, budget, search.hook):
            search.leaf(leaf)
    except Exhausted:
        complete = False
    findings: list[Finding] = []
    rules = table.rules
    shadows = policy.ranks_by is not None  # a row can match answers and never decide
    if shadows and complete:
        unreachable = table.all_rows & ~state.reached
    elif shadows:  # what is proven: rows matching nothing, and the shadowed rows found before the budget ran out
        unreachable = table.all_rows & ~matchable | shadowed
    else:
        unreachable = table.all_rows & ~matchable
    if complete:
        overlaps: _Overlaps | None = None
        for r in bits(unreachable & matchable & ~shadowed):
            if overlaps is None:
                try:
                    covers[r] = _cover(table, pieces, r, budget)
                    continue
                except Exhausted:  # out of time: name every row that can cover it instead
                    overlaps = _Overlaps(table, pieces)
            covers[r] = overlaps.cover(r)
    for r in bits(unreachable):
        findings.append(_unreachable(table, pieces, r, covers.get(r)))
    for a, b, example in state.conflicts:
        ra, rb = rules[a], rules[b]
        findings.append(
            Finding(
                "conflict",
                "error",
                f"rows {ra.id} and {rb.id} both match {describe_answers(example)} "
                f"({ra.id} → {result_label(table, ra.then)}, {rb.id} → {result_label(table, rb.then)})",
                rules=(ra.id, rb.id),
                example=example,
            )
        )
    gaps = space.merge_regions(table, pieces, state.gaps)
    findings.extend(_gaps(gaps, state.gaps_dropped))
    if complete:
        redundant = table.all_rows & ~unreachable & ~state.mattering
        for r in bits(redundant):
            findings.append(_redundant(table, r, state))
    findings.extend(mergeable(table, pieces))
    if not complete:
        findings.append(
            Finding(
                "analysis-incomplete",
                "warning",
                f"row analysis stopped after its budget of {max_seconds:g} s: "
                f"{'which rows are unreachable or redundant, ' if shadows else 'redundant rows, '}"
                "and whether more conflicts or gaps exist, were not fully checked; findings listed are proven",
            )
        )
    witnesses = {rules[r].id: w for r, w in sorted(state.witnesses.items())}
    regions = tuple(w for w, _ in gaps)
    return Report(tuple(findings), regions, witnesses, complete)


def _too_large(table: CompiledTable) -> Report:
    """The report of a table past ``space.MAX_PIECE_BITS``: no search, and a warning saying why."""
    megabytes = space.piece_bits(table) / 8 / 2**20
    limit = space.MAX_PIECE_BITS / 8 / 2**20
    finding = Finding(
        "analysis-incomplete",
        "warning",
        f"row analysis not run: its search would hold about {megabytes:,.0f} MiB of row masks "
        f"({len(table.rules):,} rows × the segments of the numeric inputs), over the {limit:,.0f} MiB limit; "
        "no row was checked for being unreachable, conflicting, redundant or mergeable, nor the table for gaps",
    )
    return Report((finding,), (), {}, False)


def _shadowed(
    table: CompiledTable, pieces: Any, matchable: int, order: tuple[int, ...], budget: Budget
) -> dict[int, int]:
    """Every matchable row that decides nothing, with the rows that cover it (``first``, and
    ``priority`` by outcomes: the policies with a ``HitPolicy.shadow_order``).

    Rows are taken in that order (table order under ``first``), each searched over its shadowers
    found to decide something: a shadower that decides nothing lies inside its own shadowers,
    which shadow the row too, so the deciding ones cover everything the shadowers match. Knowing
    these rows before the main search lets it settle regions they alone would keep open
    (``_Search.never_deciding``), and each cover names only rows that really decide. When
    ``budget`` runs out, the rows found so far are returned: each is proven.
    """
    policy = policy_of(table)
    deciding = 0
    covers: dict[int, int] = {}
    trees = space.number_trees(table, pieces)
    try:
        for r in order:
            if not matchable >> r & 1:
                continue
            cover = _cover_by(table, pieces, trees, r, deciding & policy.shadowers(table, r), budget)
            if cover is None:
                deciding |= 1 << r
            else:
                covers[r] = cover
    except Exhausted:
        pass
    return covers


def _cover_by(
    table: CompiledTable, pieces: Any, trees: dict[int, space.Runs], row: int, over: int, budget: Budget
) -> int | None:
    """Rows of ``over`` that match, between them, every answer set ``row`` matches; None when some
    answer set ``row`` matches is matched by none of them. Where one of them matches a whole region
    of the search, the lowest such covers it.

    The search starts from ``row``'s own pieces: per number, from the first it accepts to the last
    (``trees`` are shared by every row's search), the pieces between that it refuses left out as
    the search reaches them."""
    bit = 1 << row
    start = tuple(
        trees[k].hull(bit, 0, len(ps) - 1) if k in trees else tuple(p for p in ps if p.mask & bit)
        for k, ps in enumerate(pieces)
    )
    cover = 0

    def hook(live: int, guaranteed: int) -> tuple[int, bool]:
        nonlocal cover
        if not live & bit:  # between two runs of a union condition: not ``row``'s answers
            return 0, True
        ahead = guaranteed & over
        if ahead:
            cover |= ahead & -ahead
            return live, True
        return live, False

    for leaf in space.walk(table, pieces, over | bit, budget, hook, prefer=over, trees=trees, start=start):
        if leaf.live == bit:  # answers only ``row`` matches
            return None
    return cover


def _cover(table: CompiledTable, pieces: Any, row: int, budget: Budget) -> int:
    """Rows that decide, between them, every answer set ``row`` matches (a shadowed row).

    A search of ``row``'s own region over ``row`` and the rows that can decide
    instead of it (``HitPolicy.shadowers``): where one of those matches a whole
    region, the one that decides there covers it.
    """
    policy = policy_of(table)
    bit = 1 << row
    mine = tuple(tuple(p for p in ps if p.mask & bit) for ps in pieces)
    over = policy.shadowers(table, row)
    cover = 0

    def hook(live: int, guaranteed: int) -> tuple[int, bool]:
        nonlocal cover
        ahead = guaranteed & over
        if ahead:
            d = policy.deciders(table, ahead)
            cover |= d & -d
            return live, True
        return live & (over | bit), False

    for leaf in space.walk(table, mine, table.all_rows, budget, hook):
        if leaf.constant and leaf.live & over:  # the shadower deciding there (not a row agreeing with ``row``)
            d = policy.deciders(table, leaf.live & over)
            cover |= d & -d
    return cover & ~bit


class _Overlaps:
    """Rows sharing some answer set with a row, as bit operations (no search).

    An unreachable row is covered by the union of the rows that can take its
    answers and overlap it: earlier ones under ``first``, better outcomes under
    ``priority``. A larger cover than the search finds, for when that search
    would cost more than the time left.
    """

    def __init__(self, table: CompiledTable, pieces: Any):
        self.table = table
        self.pieces = pieces
        self.runs = [space.Runs(ps) if i.type in NUMERIC_TYPES else None for i, ps in zip(table.inputs, pieces)]

    def cover(self, row: int) -> int:
        bit = 1 << row
        near = self.table.all_rows
        for ps, tree in zip(self.pieces, self.runs):
            if tree is not None:
                first, last = tree.hull(bit, 0, len(ps) - 1)  # a union row's runs and their gaps: a larger cover
                near &= tree.union_every(first, last).some
            else:
                near &= or_all(p.mask for p in ps if p.mask & bit)
        return near & policy_of(self.table).shadowers(self.table, row)


def _ids(table: CompiledTable, mask: int) -> list[str]:
    return [table.rules[r].id for r in bits(mask)]


def _unreachable(table: CompiledTable, pieces: Any, r: int, cover: int | None) -> Finding:
    rule = table.rules[r]
    if cover is None:  # matches nothing: name the input whose condition admits no answer
        for i, ps in enumerate(pieces):
            if not any(p.mask >> r & 1 for p in ps):
                spec = table.inputs[i]
                text = dict(rule.conditions).get(spec.id, "")
                shown = f'"{text}"' if text[:1] in "<>=[(" else text
                message = f"row {rule.id} matches no answer: no {spec.id} satisfies {spec.id}: {shown} ({spec.id} takes {accepts(spec)})"
                return Finding("unreachable", "error", message, rules=(rule.id,))
        return Finding("unreachable", "error", f"row {rule.id} matches no answer", rules=(rule.id,))
    ids = _ids(table, cover)
    if policy_of(table).ranks_by == "row":
        message = f"row {rule.id} is never reached: every answer it matches is decided earlier by {', '.join(ids)}"
    else:
        shown = ", ".join(f"{table.rules[c].id} → {result_label(table, table.rules[c].then)}" for c in bits(cover))
        ranked = (
            "higher-priority values or an earlier row of equal priority"
            if table.priority_rows
            else "higher-priority outcome"
        )
        message = f"row {rule.id} never decides: every answer it matches also matches a row with a {ranked} ({shown})"
    return Finding("unreachable", "error", message, rules=(rule.id, *ids))


def _gaps(gaps: Sequence[tuple[dict[str, Any], dict[str, Any]]], dropped: int) -> Iterator[Finding]:
    shown = gaps[:MAX_LISTED]
    total = len(gaps) + dropped
    for n, (when, example) in enumerate(shown):
        message = f"no row matches {describe_when(when)} (e.g. {describe_answers(example)})"
        if n == len(shown) - 1 and total > len(shown):
            more = total - len(shown)
            message += f"; {more} more gap region{'s' if more > 1 else ''} not listed"
        yield Finding("gap", "error", message, example=example)


def _redundant(table: CompiledTable, r: int, state: _State) -> Finding:
    rule = table.rules[r]
    outcome = result_label(table, rule.then)
    others = _ids(table, state.fallback.get(r, 0) & ~(1 << r))
    carriers = others + (["the default"] if state.fallback_default >> r & 1 else [])
    by = f" ({', '.join(carriers)} give{'s' if len(carriers) == 1 else ''} the same result)" if carriers else ""
    message = f"row {rule.id} (→ {outcome}) is redundant: removing it changes no result{by}"
    return Finding("redundant", "warning", message, rules=(rule.id, *others))


def decided_region(
    table: CompiledTable, row: int, *, max_seconds: float = DEFAULT_MAX_SECONDS
) -> tuple[dict[str, Any], ...] | None:
    """The answers ``row`` decides, as disjoint rule-style ``when`` mappings (a gap's form); None past
    the budget.

    Not the row's own condition: under ``first`` and ``priority`` the rows that win over it cut
    into it, and under ``unique``/``any`` the answers where it breaks the policy are left out.
    Under ``collect``, ``output-order`` and the aggregates a row counts wherever it matches (and
    the policy holds). Empty: it decides nothing (an unreachable row)."""
    bit = 1 << row
    pieces = tuple(space.input_pieces(spec, column) for spec, column in zip(table.inputs, table.columns))
    if not all(any(p.mask & bit for p in ps) for ps in pieces):
        return ()
    # the choices the row refuses are left out; a number keeps its every piece, as a region's
    # stretch of them is contiguous (the row's own condition may be a union)
    mine = tuple(
        ps if spec.type in NUMERIC_TYPES else tuple(p for p in ps if p.mask & bit)
        for spec, ps in zip(table.inputs, pieces)
    )
    collects = policy_of(table).collects
    budget = Budget(max_seconds)
    keys = []
    try:
        for leaf in space.walk(table, mine, table.all_rows, budget):
            if not leaf.live & bit:
                continue
            result, decider = result_of(table, leaf.live)
            if decider == row or (decider is None and collects and result != ERROR):
                keys.append((space.parts(leaf.region), None))
    except Exhausted:
        return None
    return tuple(m.when for m in space.merge_regions(table, pieces, keys))
