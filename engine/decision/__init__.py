"""Decisions: the hit policies, evaluation of complete and partial answers."""
