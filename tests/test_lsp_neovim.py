"""A real editor: headless Neovim (Debian's 0.7) runs the README's snippet, attaches ``crossroads lsp``
to a table and shows lint's findings (``vim.diagnostic.get``).

Neovim 0.7 has ``vim.lsp.start_client`` but not ``vim.lsp.start``, and no pull diagnostics: the
server must push to it. No ``nvim`` here: the module skips; under ``CI=true`` it fails
(``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

pytest.importorskip("pygls")

NVIM = shutil.which("nvim")
if NVIM is None:
    reason = "nvim is not installed (Debian: apt-get install neovim)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + "; CI must run this test", pytrace=False)
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.slow

PROBE = """
local want = tonumber(os.getenv("CROSSROADS_WANT"))
vim.wait(60000, function() return #vim.diagnostic.get(0) >= want end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity, source = d.source,
                      message = d.message })
end
local f = io.open(os.getenv("CROSSROADS_OUT"), "w")
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd("qa!")
"""


def readme_snippet() -> str:
    """The README's Neovim snippet (the ```lua block of the Language server section)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Language server") :]
    return re.search(r"```lua\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]


def nvim_version() -> str:
    done = subprocess.run([NVIM, "--version"], capture_output=True, text=True, check=True)  # type: ignore[list-item]
    return done.stdout.splitlines()[0]


def test_readme_names_the_neovim_version_tried() -> None:
    version = re.match(r"NVIM v(\d+\.\d+)", nvim_version())
    assert version is not None
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"tried on {version.group(1)}" in text


@pytest.mark.parametrize("fixture", ["analysis/conflict.yaml", "validate/several.yaml"])
def test_neovim_shows_lints_findings(tmp_path: Path, fixture: str) -> None:
    from click.testing import CliRunner

    from crossroads.cli.main import cli

    table = tmp_path / "t.yaml"
    table.write_text((FIXTURES / fixture).read_text(encoding="utf-8"), encoding="utf-8")
    findings = json.loads(CliRunner().invoke(cli, ["lint", "--format", "json", str(table)]).output)["findings"]
    assert findings
    (tmp_path / "init.lua").write_text(readme_snippet(), encoding="utf-8")
    (tmp_path / "probe.lua").write_text(PROBE, encoding="utf-8")
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # `crossroads` as in the snippet
        "CROSSROADS_WANT": str(len(findings)),
        "CROSSROADS_OUT": str(out),
        "HOME": str(tmp_path),  # no user configuration
    }
    subprocess.run(
        [NVIM, "--headless", "--clean", "-u", "init.lua", "t.yaml", "-c", "luafile probe.lua"],  # type: ignore[list-item]
        cwd=tmp_path,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    shown = json.loads(out.read_text(encoding="utf-8"))
    assert sorted((d["code"], d["lnum"], d["col"], d["severity"], d["message"]) for d in shown) == sorted(
        (f["code"], f["line"] - 1, f["column"] - 1, 1 if f["severity"] == "error" else 2, f["message"])
        for f in findings
    )
    assert {d["source"] for d in shown} == {"crossroads"}
