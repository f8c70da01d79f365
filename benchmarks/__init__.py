"""Benchmarks of the FlashForge integration against the emulator on loopback.

Run them with ``scripts/bench`` (``--quick`` for the reduced version CI runs).
"""
