"""Placeholder: pure compute and draw functions of the explorers (issue 5)."""
__all__ = []
