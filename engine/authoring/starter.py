"""The starter table ``crossroads init`` writes: small, commented, and clean.

It shows each part of the format once (a choice and an integer input, a
numeric condition, a pinned example), lints with no findings at all (row
analysis included), its examples pass with full row coverage, and it is
already in ``fmt``'s canonical form — the tests hold it to all four.
"""

from __future__ import annotations

import os
import re

FALLBACK_ID = "my-decision"

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A crossroads/1 decision table: the questions (inputs), the answers (outcomes)
# and the rows (rules) that lead from one to the other. Try it with
# `crossroads ask {name}`; check it with `crossroads lint` and `crossroads test`.
format: crossroads/1
id: {id}
version: 0.1.0
title: Which database should we start with?
summary: Two questions, one reasoned recommendation.
# unique: exactly one row matches each complete answer set (lint proves it).
# Other policies: first, priority, any, collect.
hit_policy: unique

inputs:
  # Input types: choice (with options), boolean, integer, number.
  - id: data
    prompt: What shape is your data?
    type: choice
    options:
      - {{id: relational, label: Tables with relations between them}}
      - {{id: documents, label: Self-contained documents}}
  - id: writes
    prompt: How many writes per second at peak?
    help: A rough order of magnitude is enough.
    type: integer
    minimum: 0

outcomes:
  - id: postgres
    title: Start with PostgreSQL
    summary: One well-understood system that covers relations and documents alike.
    choose_when:
      - Your data has relations, or a modest write load
    tradeoffs:
      - Scaling writes past one machine takes deliberate work
  - id: document-store
    title: Use a document store
    summary: Documents that scale out horizontally from the start.
    choose_when:
      - Self-contained documents at a high write rate
    tradeoffs:
      - Joins and transactions across documents are on you

# A row matches when all its conditions hold; an input left out of `when`
# matches any answer. Numbers: 10000, "< 10000", ">= 10000", "[100, 10000)".
rules:
  - id: relations
    when: {{data: relational}}
    then: postgres
    because: Relations are what a relational database is for.
  - id: documents-modest-load
    when: {{data: documents, writes: "< 10000"}}
    then: postgres
    because: At this write rate PostgreSQL's JSON columns hold documents well, with one system to run.
  - id: documents-heavy-load
    when: {{data: documents, writes: ">= 10000"}}
    then: document-store
    because: Self-contained documents at this write rate are what document stores scale out for.

# `crossroads test` runs these; `crossroads test --coverage` shows the rows
# no example exercises, and `--generate` writes examples for them.
examples:
  - answers: {{data: relational, writes: 50000}}
    expect: {{outcome: postgres, rule: relations}}
  - answers: {{data: documents, writes: 9999}}
    expect: {{outcome: postgres, rule: documents-modest-load}}
  - answers: {{data: documents, writes: 10000}}
    expect: {{outcome: document-store, rule: documents-heavy-load}}
  - name: partial answers can decide already
    answers: {{data: relational}}
    expect: postgres
"""


def table_id(file_name: str) -> str:
    """A table id from a file name (``Team Rules.yaml`` → ``team-rules``), or ``my-decision``."""
    # Imported here: cli.main imports this module for every command, and pydantic is slow to import.
    from crossroads.engine.table.model import SLUG_PATTERN

    stem = re.sub(r"\.(ya?ml|json)$", "", file_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")[:64]
    return slug if re.match(SLUG_PATTERN, slug) else FALLBACK_ID


def starter_table(path: str, schema: str) -> str:
    """The starter table for the file at ``path`` (its id from the file name; its comment gives the
    command that works from where ``init`` ran), the modeline pointing at ``schema``."""
    import shlex

    return _TEMPLATE.format(
        schema=_one_line(schema), id=table_id(os.path.basename(path)), name=_one_line(shlex.quote(path))
    )


def _one_line(text: str) -> str:
    # both land in comments: a line break would turn the rest into table content
    return "".join(ch if ch.isprintable() else "?" for ch in text)
