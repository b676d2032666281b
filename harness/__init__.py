"""Evaluation harness: gold data in, models run, ROUGE and exact match out."""

__version__ = "0.1.0"
