"""Benchmarks: `python -m bench` runs every module here that exposes `run(sizes)`.

See bench/README.md for the interface (bench/harness.py) and what each row means.
"""
