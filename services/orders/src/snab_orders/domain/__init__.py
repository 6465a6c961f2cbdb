"""The rules of the procurement workflow: pure functions and values, no I/O."""
