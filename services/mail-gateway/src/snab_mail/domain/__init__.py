"""Mail rules without I/O: threading, Message-IDs, what may be answered, the circuit breaker."""
