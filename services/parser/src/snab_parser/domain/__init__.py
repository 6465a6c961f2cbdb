"""Rules of the domain with no I/O: validation of parse results, mapping to events."""
