"""Thin adapters: bus events and rpc requests to the use cases."""
