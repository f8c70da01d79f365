"""Tests for the FlashForge integration, its client and the printer emulator."""
