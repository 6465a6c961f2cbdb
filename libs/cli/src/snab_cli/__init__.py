"""The ``snab`` command."""
