"""The desk: what a manager does, as functions over the rpc client and the acting user.

The REST API and the web admin both call these (and nothing below them): each takes
``rpc`` and ``user`` as keyword arguments and returns contract models (or the few
composite views in ``desk.models``). The acting user travels as the rpc ``actor``
(``user:<username>``), so the orders audit log names who did what. Failures are the rpc's
typed ``RpcFailure``s, mapped to HTTP statuses in one table (``api/errors.py``).
"""
