"""WinRM over HTTPS for the simulator: a test CA and a server certificate made at start-up.

A Windows node's HTTPS listener (``winrm quickconfig -transport:https``, port 5986) presents a
server-authentication certificate whose subject or subject alternative names match the name
the client connects to; the client validates it against the CAs it trusts. The simulator does
the same on its one port: ``make_tls_dir`` writes a fresh CA (``ca.pem``) and a certificate it
issued for 127.0.0.1 and localhost (``server.pem``, ``server-key.pem``) into a work directory,
and ``server_context`` gives the ``ssl.SSLContext`` that serves it. The CA's private key stays
in memory (it is never needed again), so nothing can issue more certificates from it.

Assumed, not read off Windows: the certificate's profile (RSA 2048, SHA-256, serverAuth EKU,
valid for a day) is a plausible listener certificate, not one copied from a real node; only
what a client checks (chain, validity, names, EKU) matters to the tests.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server-key.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "winsim test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca(common_name: str = "winsim test CA") -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A self-signed CA certificate (basic constraints CA, keyCertSign) and its key."""
    key = _key()
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def issue_server_certificate(ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey
                             ) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A server-authentication certificate for 127.0.0.1 and localhost, issued by the CA."""
    key = _key()
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(_name("localhost")).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return cert, key


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def write_ca(path: str | Path, common_name: str = "winsim test CA") -> Path:
    """Write a new CA certificate (PEM) to ``path`` and forget its key: a CA that issued nothing."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pem(make_ca(common_name)[0]))
    return target


def make_tls_dir(directory: str | Path) -> Path:
    """Write ``ca.pem``, ``server.pem`` and ``server-key.pem`` (a fresh CA and the certificate it issued)
    into ``directory``; return the CA file's path (what a client trusts)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = make_ca()
    cert, key = issue_server_certificate(ca_cert, ca_key)
    (target / CA_FILE).write_bytes(pem(ca_cert))
    key_path = target / KEY_FILE
    key_path.touch(mode=0o600)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    (target / CERT_FILE).write_bytes(pem(cert))  # the leaf only: the client must hold the CA (assumed)
    return target / CA_FILE


def server_context(directory: str | Path) -> ssl.SSLContext:
    """The server side of TLS with the certificate that ``make_tls_dir`` wrote into ``directory``."""
    target = Path(directory)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(target / CERT_FILE, target / KEY_FILE)
    return context
