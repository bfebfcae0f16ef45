"""Benchmarks and measurements, each a script run from the repository root (its docstring says how)."""
