"""Fault scenarios: the whole integration against a misbehaving printer."""
