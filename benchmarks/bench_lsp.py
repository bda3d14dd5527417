"""``crossroads lsp``: time from ``didChange`` to the fast diagnostics and to the analysis diagnostics.

A client (pygls' own, with push diagnostics, as Neovim) starts ``crossroads lsp --debounce 0`` and
opens a table; then each round changes one character of its title (a new version, the same
findings) and times the two ``publishDiagnostics`` of that version: the first carries the fast
checks (load, schema, references), the second the row analysis from the worker process. The
debounce (``--debounce``, 0.15 s by default) comes on top in an editor, by design.

Tables: the bundled advisor (targets: fast ≤ 50 ms, analysis ≤ 1 s) and a 2,000-row ``unique``
table (``synthetic.py``), reported. Figures are medians of ``--repeat`` rounds.

Run: ``python benchmarks/bench_lsp.py [--quick] [--repeat N]`` (needs the ``lsp`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

REPO = HERE.parent


def _crossroads() -> list[str]:
    script = Path(sys.executable).parent / "crossroads"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from crossroads.cli.main import main; main()"]


async def rounds(text: str, repeat: int, name: str) -> tuple[list[float], list[float]]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench", "1")
    arrivals: dict[int, list[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        arrivals.setdefault(params.version or 0, []).append(time.perf_counter())

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def logged(params: types.LogMessageParams) -> None:
        print(f"server: {params.message}", file=sys.stderr)

    cmd = _crossroads()
    await client.start_io(cmd[0], *cmd[1:], "lsp", "--debounce", "0", "--max-seconds", "30")
    caps = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True)
        )
    )
    await client.initialize_async(types.InitializeParams(capabilities=caps, process_id=None))
    client.initialized(types.InitializedParams())
    uri = (Path("/tmp") / f"bench-{name}.yaml").as_uri()

    async def both(version: int, since: float) -> tuple[float, float]:
        while len(arrivals.get(version, [])) < 2:
            await asyncio.sleep(0.001)
        fast, full = arrivals[version][:2]
        return fast - since, full - since

    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
        )
    )
    await both(1, time.perf_counter())  # the worker's fork server starts here, once
    fast_times, full_times = [], []
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    for n in range(repeat):
        version = n + 2
        changed = text.replace(title, title + ("!" if n % 2 == 0 else "?"), 1)
        started = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        fast, full = await both(version, started)
        fast_times.append(fast)
        full_times.append(full)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return fast_times, full_times


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two rounds each, a 300-row table for the large one")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    repeat = 2 if args.quick else args.repeat
    rows = 300 if args.quick else 2000
    tables = [
        ("bundled rag-or-fine-tune", (REPO / "rules" / "rag-or-fine-tune.yaml").read_text(encoding="utf-8")),
        (f"{rows:,}-row unique", synthetic.render(synthetic.table("unique", rows))),
    ]
    print(f"{'table':<28} {'didChange → fast (ms)':>22} {'→ analysis (ms)':>16}")
    results = {}
    for name, text in tables:
        fast, full = asyncio.run(rounds(text, repeat, name.split()[0].replace(",", "")))
        results[name] = (statistics.median(fast), statistics.median(full))
        print(f"{name:<28} {results[name][0] * 1000:>22.1f} {results[name][1] * 1000:>16.1f}")
    fast, full = results[tables[0][0]]
    ok = "met" if fast <= 0.05 and full <= 1.0 else "MISSED"
    print(f"target bundled: fast ≤ 50 ms, analysis ≤ 1000 ms: {ok} ({fast * 1000:.1f} ms, {full * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
