"""HTTPS (lab/tls.py): a self-signed certificate made once and kept, for this machine's names and addresses; or the
certificate the environment names."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from lab.tls import TlsError, haproxy_pem, tls_files


def test_a_self_signed_certificate_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography import x509

    monkeypatch.delenv("ONESHOT_TLS_CERT", raising=False)
    monkeypatch.delenv("ONESHOT_TLS_KEY", raising=False)
    made = tls_files(tmp_path, network_address="192.168.1.23")
    assert made.made_here and made.cert.is_file() and stat.S_IMODE(made.key.stat().st_mode) == 0o600
    certificate = x509.load_pem_x509_certificate(made.cert.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert {str(a) for a in names.get_values_for_type(x509.IPAddress)} >= {"127.0.0.1", "192.168.1.23"}
    again = tls_files(tmp_path, network_address="192.168.1.23")
    assert again == made and again.cert.read_bytes() == made.cert.read_bytes()  # kept: phones accepted it once
    first = made.cert.read_bytes()
    elsewhere = tls_files(tmp_path, network_address="10.0.0.9")  # another room: the join address must match
    assert elsewhere.cert.read_bytes() != first
    combined = haproxy_pem(made, tmp_path)
    assert combined.read_bytes().count(b"-----BEGIN") == 2 and stat.S_IMODE(combined.stat().st_mode) == 0o600


def test_the_environment_certificate_is_used_and_half_of_one_is_refused(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cert, key = tmp_path / "room.crt", tmp_path / "room.key"
    cert.write_text("cert")
    key.write_text("key")
    monkeypatch.setenv("ONESHOT_TLS_CERT", str(cert))
    monkeypatch.setenv("ONESHOT_TLS_KEY", str(key))
    chosen = tls_files(tmp_path / "unused")
    assert (chosen.cert, chosen.key, chosen.made_here) == (cert, key, False)
    monkeypatch.delenv("ONESHOT_TLS_KEY")
    with pytest.raises(TlsError, match="Set both"):
        tls_files(tmp_path / "unused")
    monkeypatch.setenv("ONESHOT_TLS_KEY", str(tmp_path / "missing.key"))
    with pytest.raises(TlsError, match="not a readable file"):
        tls_files(tmp_path / "unused")
