"""Performance at scale: a synthetic national dataset (seed.py) and the benchmarks run by `make bench`."""
