"""HTTPS for a lecture hall: the certificate the server presents.

Browsers give the camera only to pages served over HTTPS (or from localhost), so a student's phone needs HTTPS to
take a selfie. ``./run.sh app --https`` serves TLS with ``$ONESHOT_TLS_CERT`` and ``$ONESHOT_TLS_KEY`` when set (a
certificate the room's network already trusts), else with a self-signed certificate made here on first use and kept
in the lab's configuration folder; each phone then accepts it once (the README says how). The certificate names this
machine's host name, its address on the room's network and localhost, so it matches the join address.

``python -m lab.tls`` prints the paths of the certificate and key to use (making them when needed), and with
``--haproxy`` the path of the two in one PEM file, as HAProxy wants them.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from lab.errors import LabError
from lab.files import atomic_write
from lab.i18n import _

CERT_ENV, KEY_ENV = "ONESHOT_TLS_CERT", "ONESHOT_TLS_KEY"
VALID_DAYS = 825  # the longest validity Apple's devices accept for a TLS certificate


class TlsError(LabError):
    """A certificate or key that cannot be used: missing, unreadable, or only one of the two given."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    made_here: bool  # a self-signed certificate of this lab (a phone must accept it once)


def tls_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "oneshot-lab" / "tls"


def certificate_names(network_address: str | None) -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) the certificate is valid for: this machine's names, localhost, its addresses."""
    host = socket.gethostname()
    names = sorted({"localhost", host, f"{host}.local"} - {""})
    addresses = ["127.0.0.1", "::1"] + ([network_address] if network_address else [])
    return names, addresses


def make_self_signed(folder: Path, names: list[str], addresses: list[str]) -> TlsFiles:
    """A new key (EC P-256) and a self-signed certificate for ``names`` and ``addresses``, written atomically, the
    key readable by its owner only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"One-Shot Lab on {names[-1]}")])
    now = datetime.datetime.now(datetime.timezone.utc)
    alternatives = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(a)) for a in addresses]
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
                   .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert, key_path = folder / "cert.pem", folder / "key.pem"
    atomic_write(key_path, lambda temporary: temporary.write_bytes(key_pem), mode=0o600)
    atomic_write(cert, lambda temporary: temporary.write_bytes(certificate.public_bytes(serialization.Encoding.PEM)))
    return TlsFiles(cert, key_path, made_here=True)


def tls_files(folder: Path | None = None, network_address: str | None = None) -> TlsFiles:
    """The certificate and key to serve: ``$ONESHOT_TLS_CERT`` and ``$ONESHOT_TLS_KEY``, else the self-signed pair in
    ``folder`` (:func:`tls_dir`), made now if it is not there yet."""
    cert, key = os.environ.get(CERT_ENV, ""), os.environ.get(KEY_ENV, "")
    if cert or key:
        if not (cert and key):
            raise TlsError(_("Set both {cert} and {key}, or neither (a self-signed certificate is then made).").format(
                cert=CERT_ENV, key=KEY_ENV))
        for path in (cert, key):
            if not Path(path).is_file():
                raise TlsError(_("{path} is not a readable file.").format(path=path))
        return TlsFiles(Path(cert), Path(key), made_here=False)
    folder = folder or tls_dir()
    if (folder / "cert.pem").is_file() and (folder / "key.pem").is_file() and \
            names_address(folder / "cert.pem", network_address):
        return TlsFiles(folder / "cert.pem", folder / "key.pem", made_here=True)
    return make_self_signed(folder, *certificate_names(network_address))


def names_address(cert: Path, address: str | None) -> bool:
    """Whether the certificate is valid for ``address`` (this machine's address on the room's network, which changes
    from room to room: a certificate made in another one would not match the join address)."""
    from cryptography import x509

    if address is None:
        return True
    try:
        names = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    return ipaddress.ip_address(address) in names.get_values_for_type(x509.IPAddress)


def haproxy_pem(files: TlsFiles, folder: Path | None = None) -> Path:
    """The certificate and its key in one file, as HAProxy's ``bind ... ssl crt`` reads them (owner-only)."""
    combined = (folder or tls_dir()) / "haproxy.pem"
    combined.parent.mkdir(parents=True, exist_ok=True)
    both = files.cert.read_bytes().rstrip(b"\n") + b"\n" + files.key.read_bytes()
    atomic_write(combined, lambda temporary: temporary.write_bytes(both), mode=0o600)
    return combined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.tls", description=__doc__.splitlines()[0])
    parser.add_argument("--haproxy", action="store_true", help="print the path of one PEM with both, for HAProxy")
    args = parser.parse_args(argv)
    from lab.classroom.join_address import network_address

    try:
        files = tls_files(network_address=network_address())
        print(haproxy_pem(files) if args.haproxy else f"{files.cert}\n{files.key}")
    except (TlsError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
