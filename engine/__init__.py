"""The crossroads engine: a pure library (no click, no printing).

Pipeline: ``loader`` (bytes → positioned plain data) → ``validate`` (models,
schema wording, reference checks → findings) → ``compiler`` (bitmask index)
→ ``evaluate`` (hit policies, partial answers). ``tables`` ties them together
for a TABLE argument, with the compiled-table ``cache``.
"""
