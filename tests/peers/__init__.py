"""Real mail servers for tests: a private Dovecot IMAP instance and an aiosmtpd SMTP peer."""

from .dovecot import CAPABILITY_WITHOUT_IDLE, DovecotServer, DovecotStartError, StoredMessage
from .env import find_binary, require_binary, running_in_ci
from .s3 import S3Peer
from .smtp import ReceivedMessage, Rejection, SmtpPeer
from .tls import SelfSignedCert, make_self_signed_cert

__all__ = [
    "CAPABILITY_WITHOUT_IDLE",
    "DovecotServer",
    "DovecotStartError",
    "ReceivedMessage",
    "Rejection",
    "S3Peer",
    "SelfSignedCert",
    "SmtpPeer",
    "StoredMessage",
    "find_binary",
    "make_self_signed_cert",
    "require_binary",
    "running_in_ci",
]
