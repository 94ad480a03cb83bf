"""Replays recorded cloud events through the real adapters, offline: ``python -m emulator``."""
