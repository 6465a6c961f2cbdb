"""The LLM extractor: any OpenAI-compatible endpoint, structured outputs, retries, breaker.

Its modules are imported one by one (``snab_parser.llm.client``...): this package imports
nothing itself, so a parser without an LLM never loads the openai library.
"""
