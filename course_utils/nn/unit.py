"""Placeholder: filled in by the neural-network work (issue 4)."""
__all__ = []
