"""Writing tables: examples as tests and coverage, the comment-keeping formatter, the starter table."""
