"""The interface languages crossroads ships: one catalog each in ``engine/locales/``, English first.

Shared by every layer: validation checks a table's ``translations`` against this
list, and ``outputs.i18n`` reads the catalogs themselves.
"""

from __future__ import annotations

from functools import lru_cache

from crossroads.engine import packagedata

BASE = "en"
"""The base language: a table's own text, and the catalog every other one mirrors."""


@lru_cache(maxsize=1)
def languages() -> tuple[str, ...]:
    """The interface languages shipped, base first."""
    found = sorted(n[:-5] for n in packagedata.names("crossroads.engine", "locales") if n.endswith(".json"))
    return (BASE, *(lang for lang in found if lang != BASE))
