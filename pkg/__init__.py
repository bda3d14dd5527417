"""crossroads: decision tables kept entirely as data.

The installed package maps the repository's top-level folders: ``engine/`` is
``crossroads.engine``, ``cli/`` is ``crossroads.cli``, ``schema/`` and ``rules/``
ship the JSON Schema and the bundled tables as package data.
"""

__version__ = "0.1.0"
