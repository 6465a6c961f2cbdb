"""Use cases of the parser service: reading a received mail into an event."""
