"""Shared test setup: an isolated cache, hypothesis profiles, helpers.

Hypothesis profiles: ``default`` (fast, for every local run), ``ci`` (the same
number of examples, derandomized, so that a CI run is repeatable; chosen under
``CI=true``) and ``thorough`` (``HYPOTHESIS_PROFILE=thorough``, run before
resolving an issue).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "default"))

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TCK = SHARED / "dmn-tck"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Never read or write the developer's ~/.cache from tests.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))  # the cache's signing secret
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # English interface whatever the developer's locale (LC_ALL wins over LANG); still UTF-8.
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


def compile_yaml(text: str, name: str = "t.yaml"):
    """Compile a table given as YAML text (no cache); raises TableError when invalid."""
    from crossroads.engine.table import pipeline as tables

    return tables.compiled(tables.Source(name, text.encode()), use_cache=False)


@pytest.fixture
def compile_table_text():
    return compile_yaml
