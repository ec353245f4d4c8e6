"""Benchmarks and the national-scale data they run on (docs/benchmarks.md)."""
