"""Local `evaluate` modules wrapping the harness metrics: evaluate.load(evaluate_module_path(name))."""
