"""Rule-based reading of Russian procurement mail: works offline, no model needed."""

from snab_parser.rules.extractor import RuleExtractor

__all__ = ["RuleExtractor"]
