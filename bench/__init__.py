"""Benchmarks that print figures: `make eval` (bot quality and latency), `make bench` (gateway)."""
