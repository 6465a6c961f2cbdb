"""The LLM extractor: any OpenAI-compatible endpoint, structured outputs, retries, breaker."""

from snab_parser.llm.breaker import CircuitBreaker
from snab_parser.llm.client import LlmCall, LlmClient
from snab_parser.llm.schema import LlmAnswer

__all__ = ["CircuitBreaker", "LlmAnswer", "LlmCall", "LlmClient"]
