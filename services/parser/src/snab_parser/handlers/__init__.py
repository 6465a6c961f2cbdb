"""Bus handlers of the parser: thin, they call the use cases in ``snab_parser.services``."""
