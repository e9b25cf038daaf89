"""A private CA and a server certificate for 127.0.0.1, ::1 and localhost."""

import datetime
import fcntl
import ipaddress
import os
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"

VALIDITY = datetime.timedelta(days=365)

# Certificates closer than this to expiry are generated again at start.
RENEW_BEFORE = datetime.timedelta(days=7)


def _write(path, data, mode):
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _needs_renewal(cert_path):
    try:
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return True

    now = datetime.datetime.now(datetime.timezone.utc)
    return certificate.not_valid_after_utc - now < RENEW_BEFORE


def _name(common_name):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kms_emulator"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _generate(state_dir):
    now = datetime.datetime.now(datetime.timezone.utc)
    not_before = now - datetime.timedelta(hours=1)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("kms_emulator local CA")
    ca_certificate = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"),
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1")),
        ]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    # The CA key is not kept: nothing else is ever signed with it.
    _write(state_dir / KEY_FILE, server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
    ), 0o600)
    _write(state_dir / CERT_FILE, server_certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    _write(state_dir / CA_FILE, ca_certificate.public_bytes(serialization.Encoding.PEM), 0o644)


def ensure_certificates(state_dir):
    """Create the CA and server certificate in `state_dir` unless valid ones are there.

    Return the paths of the CA certificate, the server certificate and its key.
    A lock file keeps concurrent emulators sharing `state_dir` from racing.
    """
    state_dir = Path(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)

    with open(state_dir / "certificates.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        paths = [state_dir / CA_FILE, state_dir / CERT_FILE, state_dir / KEY_FILE]
        if not all(path.exists() for path in paths) or _needs_renewal(state_dir / CERT_FILE):
            _generate(state_dir)

    return tuple(str(path) for path in paths)


def server_context(cert_path, key_path):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
