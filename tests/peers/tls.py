"""Self-signed certificates for the TLS listeners of the test peers."""

from __future__ import annotations

import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .env import require_binary


@dataclass(frozen=True)
class SelfSignedCert:
    """A certificate valid for ``localhost`` and ``127.0.0.1`` that is its own CA."""

    cert_path: Path
    key_path: Path

    @property
    def cafile(self) -> str:
        """Pass to ``ssl.create_default_context(cafile=...)`` to trust the peer."""
        return str(self.cert_path)

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this certificate."""
        return ssl.create_default_context(cafile=self.cafile)


def make_self_signed_cert(directory: Path, common_name: str = "localhost") -> SelfSignedCert:
    """Create a P-256 key and a certificate for localhost/127.0.0.1 with the openssl CLI."""
    openssl = require_binary("openssl")
    directory.mkdir(parents=True, exist_ok=True)
    cert_path = directory / "cert.pem"
    key_path = directory / "key.pem"
    subprocess.run(
        [
            str(openssl),
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "7",
            "-subj",
            f"/CN={common_name}",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-keyout",
            str(key_path),
            "-out",
            str(cert_path),
        ],
        check=True,
        capture_output=True,
    )
    return SelfSignedCert(cert_path=cert_path, key_path=key_path)
