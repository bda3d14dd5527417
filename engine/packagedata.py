"""Files shipped inside the package (the bundled tables, the interface catalogs), read cheaply.

``importlib.resources`` finds them in any install, a zip included, but importing it costs more
than the warm ``evaluate`` has to spend (it pulls in ``tempfile``, ``zipfile`` and more). A
regular install has the package's folders on disk: ``read`` opens the file there, and only a
package that is not a folder (a zip) goes through ``importlib.resources``. Same bytes either way.
"""

from __future__ import annotations

import importlib
import os


def read(package: str, *parts: str) -> bytes | None:
    """The bytes of ``parts`` (a relative path) in ``package``; None when there is no such file."""
    module = importlib.import_module(package)
    locations = list(getattr(module, "__path__", ()))
    if locations and all(os.path.isdir(p) for p in locations):
        for folder in locations:  # a namespace package may span several folders: the first holding it
            path = os.path.join(folder, *parts)
            if os.path.isfile(path):
                with open(path, "rb") as fh:
                    return fh.read()
        return None
    from importlib import resources

    resource = resources.files(package).joinpath(*parts)
    return resource.read_bytes() if resource.is_file() else None


def names(package: str, *parts: str) -> list[str]:
    """The entry names of the folder ``parts`` in ``package`` (unsorted), as ``read`` finds files."""
    module = importlib.import_module(package)
    locations = list(getattr(module, "__path__", ()))
    if locations and all(os.path.isdir(p) for p in locations):
        found: list[str] = []
        for folder in locations:
            path = os.path.join(folder, *parts)
            if os.path.isdir(path):
                found.extend(n for n in os.listdir(path) if n not in found)
        return found
    from importlib import resources

    return [p.name for p in resources.files(package).joinpath(*parts).iterdir()]
