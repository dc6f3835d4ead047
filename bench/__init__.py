"""Benchmarks of the platform (see README.md); not part of the installed package."""
