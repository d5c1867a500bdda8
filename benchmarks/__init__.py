"""Runnable measurements that print figures: `uv run python -m benchmarks.<name> [--quick]`.

Not collected by pytest. Every benchmark talks only to 127.0.0.1 (a fake Bot API server) and stops by
itself. See benchmarks/README.md for the commands and the figures measured.
"""
