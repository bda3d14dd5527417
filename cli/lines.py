"""``batch``'s JSON Lines output loop, shared by the click command (``cli/batch.py``) and the fast
start (``cli/start.py``): no click here, so that the warm start need not import it."""

from __future__ import annotations

import os
from typing import Any

from crossroads.engine.outputs.jsonlines import FastLines


def json_lines(compiled: Any, stream: Any, out: Any, fields: tuple[str, ...] | None = None) -> int:
    """Write one JSON line per answer set of ``stream`` (``engine/outputs/jsonlines.py``: ``FastLines``,
    byte-identical to ``evaluate_lines``) to the text stream ``out``; the number that failed."""
    lines = FastLines(compiled, fields)
    buffer = getattr(out, "buffer", None)
    if buffer is not None and writes_utf8_as_is(out):  # the lines are UTF-8 already: straight to the bytes
        out.flush()
        buffer.writelines(lines.byte_lines(stream, out.errors))
        buffer.flush()
    else:
        out.writelines(lines.lines(stream))
        out.flush()
    return lines.failed


def writes_utf8_as_is(out: Any) -> bool:
    """Whether ``out`` is a plain text stream that writes text as the UTF-8 bytes of it, without
    translating newlines or flushing each line (a terminal's line buffering is kept by writing
    text). Its ``errors`` must be one ``str.encode`` applies the same way (``byte_lines`` encodes
    with it): ``strict``, or ``surrogateescape``, which Python gives the standard streams under
    the C or POSIX locale, as in most containers and CI images."""
    import codecs
    import io

    if type(out) is not io.TextIOWrapper:  # a subclass (click's CliRunner) may capture the text, not its buffer
        return False
    try:
        utf8 = codecs.lookup(out.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return False
    return utf8 and out.errors in ("strict", "surrogateescape") and not out.line_buffering and os.linesep == "\n"
