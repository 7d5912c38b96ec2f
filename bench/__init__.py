"""Benchmarks at district/city scale. `make bench` runs every `bench/bench_*.py` module's `run()`."""
