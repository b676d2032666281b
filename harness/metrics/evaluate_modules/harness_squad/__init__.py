"""Local `evaluate` module (see harness.metrics.evaluate_module_path)."""
