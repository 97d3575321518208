"""Locales: en-US, fr-FR and de-DE nodes print localised labels and messages where Windows does
(netsh, certutil, reg, icacls, sc.exe error sentences) and English where it does (sc.exe labels,
winhttpcertcfg).  Every translation table covers the three locales."""

from __future__ import annotations

import pytest
from winsim_helpers import make_node, run_one

from winsim import security
from winsim.node import LOCALES
from winsim.tools import certutil, icacls, netsh, netsh_advfirewall, reg, sc

MASTER = "ad2daea53a2e3fb2b3dcc011106b2af9cbb4f04b"


def bound(locale):
    return make_node({"node": {
        "locale": locale,
        "cert_stores": {"LocalMachine": {"Root": [{"cert": "scaleout_master", "key": True}]}},
        "http_ssl_bindings": [{"ipport": "0.0.0.0:8391", "certhash": MASTER,
                               "appid": "{fbd80bfd-9ab6-5dc8-a84b-37651993b139}", "certstorename": "Root"}]}})


@pytest.mark.parametrize("locale, header, hash_label", [
    ("en-US", "SSL Certificate bindings:", "Certificate Hash"),
    ("fr-FR", "Liaisons de certificat SSL\u00a0:", "Hachage du certificat"),
    ("de-DE", "SSL-Zertifikatbindungen:", "Zertifikathash"),
])
def test_netsh_show_sslcert_per_locale(locale, header, hash_label):
    out = run_one(bound(locale), "netsh http show sslcert")["out"]
    assert out[1] == header and out[2] == "-" * len(header)
    assert f"    {hash_label.ljust(28)} : {MASTER}" in out


def test_the_same_value_shapes_in_every_locale():
    """A parser keyed on value shapes (DESIGN.md section 2) reads the same facts in each locale."""
    values = {}
    for locale in LOCALES:
        out = run_one(bound(locale), "netsh http show sslcert")["out"]
        values[locale] = [line.split(" : ", 1)[1] for line in out if " : " in line][:3]
    assert values["en-US"][:2] == values["fr-FR"][:2] == values["de-DE"][:2]


@pytest.mark.parametrize("locale", LOCALES)
def test_sc_labels_stay_english(locale):
    node = make_node({"node": {"locale": locale}})
    out = run_one(node, "sc.exe qc WinRM")["out"]
    assert out[0] == "[SC] QueryServiceConfig SUCCESS" and "        START_TYPE         : 2   AUTO_START" in out


@pytest.mark.parametrize("locale", LOCALES)
def test_winhttpcertcfg_stays_english(locale):
    node = make_node({"node": {"locale": locale, "tools": ["winhttpcertcfg"], "cert_stores": {"LocalMachine": {
        "My": [{"cert": "scaleout_worker", "key": True}]}}}})
    out = run_one(node, "winhttpcertcfg -l -c LOCAL_MACHINE\\My -s SSISWORKER01")["out"]
    assert out[6] == "Additional accounts and groups with access to the private key include:"
    assert "    " + security.WELL_KNOWN_NAMES[security.SYSTEM][locale] in out


def test_every_translation_table_covers_every_locale():
    tables = [certutil.TEXT, reg.MESSAGES, icacls.TEXT, security.WELL_KNOWN_NAMES]
    for table in tables:
        for key, translations in table.items():
            assert set(translations) == set(LOCALES), key
    for key, translations in sc.ERRORS.items():
        assert set(translations) == set(LOCALES), key
    assert set(sc.FAILURE) == set(LOCALES)
    for key, translations in netsh.LABELS.items():
        assert set(translations) == {"de-DE", "fr-FR"}, key  # en-US is the key itself
    for key, translations in netsh_advfirewall.TEXT.items():
        assert set(translations) == {"de-DE", "fr-FR"}, key
