"""Benchmarks (run by make targets, never by pytest: no timed tests)."""
