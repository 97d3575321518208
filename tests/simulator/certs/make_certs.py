"""Make the scenario certificates of the simulated nodes (run once; the PEM files are kept).

    python tests/simulator/certs/make_certs.py [--force]

Each ``<name>.pem`` holds the certificate and its unencrypted PKCS#8 RSA key.  Running it
again with ``--force`` makes new keys, hence new thumbprints: the scenarios, the e2e tests
and demo/inventory.yml name thumbprints, so do not regenerate without updating them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
UTC = dt.timezone.utc


def _worker(host: str, address: str) -> tuple:
    """A Scale Out Worker's self-signed certificate, as setup makes it: the host and its FQDN, its address."""
    return (host, {}, [host, f"{host}.contoso.local"], [address], None, False,
            dt.datetime(2024, 12, 1, tzinfo=UTC), dt.datetime(2034, 12, 1, tzinfo=UTC), None)


def _shir_remote(fqdn: str) -> tuple:
    """A self-hosted IR node's remote-access certificate, issued by the Contoso root with its CRL."""
    return (fqdn, {"OU": "Data", "O": "Contoso"}, [fqdn], [], "contoso_root_ca", False,
            dt.datetime(2024, 6, 1, tzinfo=UTC), dt.datetime(2026, 6, 1, tzinfo=UTC), "http://pki.contoso.local/crl/contoso-root.crl")


# name -> (subject CN, extra subject attributes, SAN DNS names, SAN IPs, issuer name or None, is CA,
#          not_before, not_after, CRL URL)
CERTS = {
    "contoso_root_ca": ("Contoso Root CA", {"O": "Contoso"}, [], [], None, True,
                        dt.datetime(2024, 1, 1, tzinfo=UTC), dt.datetime(2044, 1, 1, tzinfo=UTC), None),
    "scaleout_master": ("SSISMASTER01", {}, ["SSISMASTER01", "SSISMASTER01.contoso.local"], ["10.0.0.11"], None,
                        False, dt.datetime(2024, 12, 1, tzinfo=UTC), dt.datetime(2034, 12, 1, tzinfo=UTC), None),
    "scaleout_master_old": ("OLD-SSISMASTER01", {}, ["OLD-SSISMASTER01"], [], None, False,
                            dt.datetime(2022, 12, 1, tzinfo=UTC), dt.datetime(2032, 12, 1, tzinfo=UTC), None),
    "scaleout_worker": _worker("SSISWORKER01", "10.0.0.21"),
    # the demo fleet's other Scale Out workers (tests/simulator/scenarios/demo_fleet.yml), one certificate each
    "scaleout_worker02": _worker("SSISWORKER02", "10.0.0.22"),
    "scaleout_worker03": _worker("SSISWORKER03", "10.0.0.23"),
    "scaleout_worker_fr01": _worker("SSISWORKERFR01", "10.0.0.24"),
    # the self-hosted IR remote-access certificates, issued by the Contoso root: shir01/shir02 the HA pair, shir03 to
    # shir06 the demo fleet's standalone nodes
    **{f"shir0{n}_remote": _shir_remote(f"shir0{n}.contoso.local") for n in range(1, 7)},
}
OIDS = {"O": NameOID.ORGANIZATION_NAME, "OU": NameOID.ORGANIZATIONAL_UNIT_NAME}


def name_of(cn: str, extra: dict) -> x509.Name:
    attributes = [x509.NameAttribute(OIDS[k], v) for k, v in extra.items()][::-1]
    return x509.Name(attributes + [x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make(name: str, made: dict) -> None:
    cn, extra, dns, ips, issuer_name, is_ca, not_before, not_after, crl = CERTS[name]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = name_of(cn, extra)
    if issuer_name:
        issuer_cert, issuer_key = made[issuer_name]
        issuer = issuer_cert.subject
    else:
        issuer_cert, issuer_key, issuer = None, key, subject
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
               .serial_number(int.from_bytes(name.encode()[:16].ljust(16, b"\0"), "big") >> 1)
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True))
    if is_ca:
        builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
    else:
        builder = builder.add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                               ExtendedKeyUsageOID.CLIENT_AUTH]), False)
    sans = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), False)
    if crl:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(crl)], None, None, None)]), False)
    cert = builder.sign(issuer_key, hashes.SHA256())
    made[name] = (cert, key)
    pem = cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (HERE / f"{name}.pem").write_bytes(pem)
    print(f"{name}: {cert.fingerprint(hashes.SHA1()).hex()}  {subject.rfc4514_string()}")


def main(argv: list[str]) -> int:
    force = "--force" in argv
    made: dict = {}
    for name in CERTS:
        path = HERE / f"{name}.pem"
        if path.exists() and not force:
            data = path.read_bytes()
            made[name] = (x509.load_pem_x509_certificate(data), serialization.load_pem_private_key(data, None))
            continue
        make(name, made)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
