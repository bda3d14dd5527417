"""What a table's rows prove: unreachable, conflicting, missing, redundant and mergeable rows, semantic diffs, the lint pipeline, and their wording."""
