"""The region search over the answer space, below both the decisions on partial answers and the analysis."""
