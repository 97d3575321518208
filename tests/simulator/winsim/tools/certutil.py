"""Emulation of ``certutil -store|-importpfx|-addstore|-delstore|-repairstore|-verify|-hashfile`` (-hashfile:
certutil_hashfile.py).

``-store <store> <CertId> <OutputFile>`` ([CERTUTIL-DOC]: "certutil [options] -store
[CertificateStoreName [CertID [Outputfile]]]", the output file saves the matching certificate):
the listing as without it, and the certificate's DER bytes written to the file. Assumed: one
matching certificate is saved as a DER .cer (several matches are refused as not emulated); an
existing file without -f fails with ERROR_FILE_EXISTS (0x80070050, "The file exists."), a missing
folder with ERROR_PATH_NOT_FOUND (0x80070003); the listing before either failure line.

Certificates are real X.509 objects (winsim/certs.py); a PFX is really parsed with its
password; the thumbprint is the SHA-1 of the DER.

Sources:
  [REAL]          the real outputs of tests/unit/test_data/real/certutil/ (SOURCES.md there names
                  each page); a key below names the file: [REAL] store_my_cng_template_en-US.txt
  [REAL-FR]       store_root_fr-FR.txt, store_root_ca_version_fr-FR.txt (a French -store listing)
  [REAL-DE]       store_v_excerpt_de-DE.txt (a German -v dump)
  [CERTUTIL-DOC]  WS administration/windows-commands/certutil.md (verbs, options -f -p -csp
                  -user -urlfetch, -importPFX modifiers, default store My for -importPFX)
  [TOOLS-MD]      windows-tools.md "certutil": the not-found line with 0x80092004
                  (CRYPT_E_NOT_FOUND); key file locations
  [SHIR-SEED]     self-hosted-ir-troubleshooting.md: ``certutil -importpfx FILENAME.pfx
                  AT_KEYEXCHANGE``, ``Certutil.exe -CSP "CSP or KSP" -ImportPFX FILENAME.pfx``,
                  ``Certutil -verify -urlfetch <certificate path>``
  [DUMP-SAMPLE]   a recorded ``certutil -dump`` of a SAN certificate in neonFORGE's public test
                  Test_TlsCertificate.cs (ParseCertUtil_SAN): the verbose X509 layout (Version,
                  Serial Number, Signature Algorithm, Issuer and Subject blocks with Name Hash
                  lines, NotBefore/NotAfter, Public Key, ``Certificate Extensions: N``, each
                  extension as ``<OID>: Flags = f, Length = n`` + its name + indented values,
                  ``DNS Name=<name>`` under ``Subject Alternative Name``, the Key Id / Cert Hash lines)
  [SAN-FR]        public code comments on X509Extension.Format (the same formatter): the SAN
                  entry label reads ``DNS Name=`` in English and ``Nom DNS=`` in French
  assumed         no public text showed it

A ``-store`` block ([REAL] every store_*_en-US.txt): the block header, Serial Number, Issuer,
NotBefore, NotAfter, Subject, then ``Signature matches Public Key`` and ``Root Certificate: Subject
matches Issuer`` for a self-signed certificate or ``Non-root Certificate`` for another, ``Cert
Hash(sha1):``, then the key: ``No key provider information`` and ``Cannot find the certificate and
private key for decryption.`` without one ([REAL] store_enterprise_root_en-US.txt); with one,
``Key Container = <container>``, ``Unique container name: <unique name>``, ``Provider = ...``
([REAL] store_my_csp_guid_container_en-US.txt for a CSP key, store_my_cng_template_en-US.txt for
a CNG key) but for a CSP key enrolled from a template ``Key Container = <unique name>``, ``Simple
container name: te-<template>-<guid>`` ([REAL] store_my_csp_template_schannel_en-US.txt and the
other store_my_csp_template_*), ``Private key is NOT exportable`` when so and ``Encryption test passed`` /
``Signature test passed``. Blocks are separated by a blank line; the last is followed directly by
``CertUtil: -store command completed successfully.`` ([REAL] store_my_csp_templates_and_ca_cng_en-US.txt).

``-verify`` ([REAL] verify_leaf_passed_en-US.txt, verify_urlfetch_ca_passed_en-US.txt,
verify_partial_chain_offline_en-US.txt, verify_revoked_excerpt_en-US.txt): the Issuer and Subject
blocks with their name hashes, ``Cert Serial Number:``, the dwFlags / ChainFlags lines, the chain
context with its trust-status flags (printed by name in every language), each element with its flags
and, with -urlfetch, its retrieval sections, the chain hashes, the element and error code of a chain
or revocation failure, ``------------------------------------``, then the policies and ``Leaf
certificate revocation check passed``, or ``Incomplete certificate chain``, or ``Certificate is
REVOKED``, or the ``ERROR: Verifying leaf certificate revocation status returned`` line; and always
``CertUtil: -verify command completed successfully.`` with exit code 0, a revoked leaf and a chain
that cannot be built included.

Assumed: every line on stdout; the exit code is the HRESULT as a signed 32-bit number (0 on
success); the header line of a store (``My "Personal"``) before a failure; the second error line
``CertUtil: <message>`` but for the messages of [REAL] importpfx_invalid_password_en-US.txt and
viewstore_enterprise_my_not_found_en-US.txt; the import lines ``Certificate "<CN>" added to store.``;
for -verify, which flags -urlfetch adds (the plain -verify ones are printed), a retrieval that failed
(``Failed "CDP"``), the CRL number and dates, the chain hashes of more than one certificate (the hash of
one is its own, of none the empty one, as [REAL] shows), the revocation reason 0, the lines of an
untrusted root or an expired certificate (made like the real missing-issuer ones), the end of a verify
whose revocation was offline with a chain that was built; that ``-importpfx`` puts the key in a new container
(a new braced GUID, so a new key file) each time, leaving the replaced certificate's key file in place (real
Windows names a PFX-imported key's container with a new GUID, store_my_csp_guid_container_en-US.txt; that a
re-import never reuses the previous one is assumed); for ``-v -store``, the [DUMP-SAMPLE] layout per
certificate followed by the same key lines as ``-store`` (the property dump a real ``-v`` adds,
CERT_KEY_PROV_INFO_PROP_ID and the others, is not emulated), hashes printed without spaces like
``-store``, extensions other than SAN / Key Usage / Basic Constraints / EKU / key identifiers /
CRL distribution points shown as ``Unknown Extension type`` with a hex dump, the technical labels
of the -v dump (Algorithm ObjectId, Name Hash, Key Id Hash) in fr-FR, the de-DE SAN label
``DNS-Name=``; revocation status from the scenario network (the CRL host must resolve and answer
on port 80; ``network.revoked`` lists revoked thumbprints); every fr-FR and de-DE text not marked
[REAL-FR] / [REAL-DE] in TEXT.
"""

from __future__ import annotations

import hashlib
import re
import uuid

from winsim import certs, security, winpath
from winsim.tools import ToolContext, ToolRefused, ToolResult, ToolSpec
from winsim.tools import certutil_hashfile

# (hresult, symbolic name, message key); the display form of the code follows certutil:
# "(WIN32: 86 ERROR_INVALID_PASSWORD)" for HRESULT_FROM_WIN32 values, "(-2146885628 CRYPT_E_NOT_FOUND)" else.
ERRORS = {
    "not_found": (0x80092004, "CRYPT_E_NOT_FOUND", None),  # [TOOLS-MD]
    "exists": (0x80092005, "CRYPT_E_EXISTS", None),
    "password": (0x80070056, "ERROR_INVALID_PASSWORD", 86),
    "file": (0x80070002, "ERROR_FILE_NOT_FOUND", 2),
    "file_exists": (0x80070050, "ERROR_FILE_EXISTS", 80),  # assumed (module docstring)
    "path_not_found": (0x80070003, "ERROR_PATH_NOT_FOUND", 3),  # assumed (module docstring)
    "bad_keyset": (0x80090016, "NTE_BAD_KEYSET", None),
    "keyset_not_def": (0x80090019, "NTE_KEYSET_NOT_DEF", None),
    "bad_encode": (0x80092002, "CRYPT_E_BAD_ENCODE", None),
    "no_match": (0x80092009, "CRYPT_E_NO_MATCH", None),
    "chaining": (0x800B010A, "CERT_E_CHAINING", None),
    "untrusted_root": (0x800B0109, "CERT_E_UNTRUSTEDROOT", None),
    "expired": (0x800B0101, "CERT_E_EXPIRED", None),
    "revoked": (0x80092010, "CRYPT_E_REVOKED", None),
    "offline": (0x80092013, "CRYPT_E_REVOCATION_OFFLINE", None),  # [TOOLS-MD]
    "no_check": (0x80092012, "CRYPT_E_NO_REVOCATION_CHECK", None),
}

# Every text certutil prints, per locale.  en-US: [REAL] (the module docstring names the files) where a
# real output shows the text, else assumed; fr-FR: [REAL-FR] for the -store labels, the root lines and the
# no-key lines, else assumed; de-DE: [REAL-DE] for the -v dump labels, else assumed.
TEXT: dict[str, dict[str, str]] = {
    # [REAL] store_my_csp_templates_and_ca_cng_en-US.txt; [REAL-FR] Certificat
    "cert_header": {"en-US": "================ Certificate {n} ================",
                    "fr-FR": "================ Certificat {n} ================",
                    "de-DE": "================ Zertifikat {n} ================"},
    "serial": {"en-US": "Serial Number: {v}", "fr-FR": "Num\u00e9ro de s\u00e9rie : {v}",  # [REAL-FR]
               "de-DE": "Seriennummer: {v}"},  # [REAL-DE] (the -v dump)
    "issuer": {"en-US": "Issuer: {v}", "fr-FR": "\u00c9metteur: {v}", "de-DE": "Aussteller: {v}"},
    "not_before": {"en-US": " NotBefore: {v}", "fr-FR": " NotBefore : {v}", "de-DE": " NotBefore: {v}"},
    "not_after": {"en-US": " NotAfter: {v}", "fr-FR": " NotAfter : {v}", "de-DE": " NotAfter: {v}"},
    "subject": {"en-US": "Subject: {v}", "fr-FR": "Objet: {v}", "de-DE": "Antragsteller: {v}"},
    # [REAL] store_enterprise_root_en-US.txt; [REAL-FR]
    "sig_matches": {"en-US": "Signature matches Public Key", "fr-FR": "La signature correspond \u00e0 la cl\u00e9 publique",
                    "de-DE": "Signatur stimmt mit dem \u00f6ffentlichen Schl\u00fcssel \u00fcberein"},
    "root_cert": {"en-US": "Root Certificate: Subject matches Issuer",
                  "fr-FR": "Certificat racine : le sujet correspond \u00e0 l\u2019\u00e9metteur",
                  "de-DE": "Stammzertifikat: Antragsteller stimmt mit Aussteller \u00fcberein"},
    # [REAL] every store_*_en-US.txt; [REAL-FR] Hach. cert. (sha1)
    "hash": {"en-US": "Cert Hash(sha1): {v}", "fr-FR": "Hach. cert. (sha1) : {v}",
             "de-DE": "Zertifikathash(sha1): {v}"},
    # the key lines: [REAL] store_my_csp_template_schannel_en-US.txt (Key Container = <unique name>, Simple
    # container name), store_my_csp_guid_container_en-US.txt (Key Container = {GUID}, Unique container
    # name), store_my_cng_template_en-US.txt (CNG), store_my_csp_template_signature_en-US.txt (Signature
    # test passed); fr-FR and de-DE assumed (the French spaces before ":" as in the real French listing)
    "key_container": {"en-US": "  Key Container = {v}", "fr-FR": "  Conteneur de cl\u00e9s = {v}",
                      "de-DE": "  Schl\u00fcsselcontainer = {v}"},
    "simple_container": {"en-US": "  Simple container name: {v}", "fr-FR": "  Nom de conteneur simple : {v}",
                         "de-DE": "  Einfacher Containername: {v}"},
    "unique_container": {"en-US": "  Unique container name: {v}", "fr-FR": "  Nom de conteneur unique : {v}",
                         "de-DE": "  Eindeutiger Containername: {v}"},
    "provider": {"en-US": "  Provider = {v}", "fr-FR": "  Fournisseur = {v}", "de-DE": "  Anbieter = {v}"},
    "not_exportable": {"en-US": "Private key is NOT exportable", "fr-FR": "La cl\u00e9 priv\u00e9e n'est PAS exportable",
                       "de-DE": "Der private Schl\u00fcssel ist NICHT exportierbar"},
    "encryption_ok": {"en-US": "Encryption test passed", "fr-FR": "Test de chiffrement r\u00e9ussi",
                      "de-DE": "Verschl\u00fcsselungstest wurde bestanden"},
    "signature_ok": {"en-US": "Signature test passed", "fr-FR": "Test de signature r\u00e9ussi",
                     "de-DE": "Signaturtest wurde bestanden"},
    # [REAL] store_enterprise_root_en-US.txt; [REAL-FR] both lines
    "no_key_info": {"en-US": "No key provider information", "fr-FR": "Aucune information sur le fournisseur de cl\u00e9",
                    "de-DE": "Keine Schl\u00fcsselanbieterinformationen"},
    "no_key": {"en-US": "Cannot find the certificate and private key for decryption.",
               "fr-FR": "Impossible de trouver le certificat et la cl\u00e9 priv\u00e9e pour le d\u00e9chiffrement.",
               "de-DE": "Zertifikat und privater Schl\u00fcssel f\u00fcr die Entschl\u00fcsselung wurden nicht gefunden."},
    # [REAL] every store_*_en-US.txt; the failure line: importpfx_invalid_password_en-US.txt
    "completed": {"en-US": "CertUtil: -{verb} command completed successfully.",
                  "fr-FR": "CertUtil: -{verb} La commande s'est termin\u00e9e correctement.",
                  "de-DE": "CertUtil: -{verb}-Befehl wurde erfolgreich ausgef\u00fchrt."},
    "failed": {"en-US": "CertUtil: -{verb} command FAILED: {code}",
               "fr-FR": "CertUtil: -{verb} \u00c9CHEC de la commande\u00a0: {code}",
               "de-DE": "CertUtil: -{verb}-Befehl ist FEHLGESCHLAGEN: {code}"},
    "added": {"en-US": 'Certificate "{v}" added to store.', "fr-FR": 'Certificat \u00ab\u00a0{v}\u00a0\u00bb ajout\u00e9 '
              "au magasin.", "de-DE": 'Das Zertifikat "{v}" wurde dem Speicher hinzugef\u00fcgt.'},
    "already": {"en-US": 'Certificate "{v}" already in store.', "fr-FR": 'Certificat \u00ab\u00a0{v}\u00a0\u00bb d\u00e9j\u00e0 '
                "dans le magasin.", "de-DE": 'Das Zertifikat "{v}" ist bereits im Speicher vorhanden.'},
    "deleting": {"en-US": "Deleting Certificate {n}", "fr-FR": "Suppression du certificat {n}",
                 "de-DE": "Zertifikat {n} wird gel\u00f6scht"},
    "revocation_ok": {"en-US": "Leaf certificate revocation check passed",
                      "fr-FR": "La v\u00e9rification de la r\u00e9vocation du certificat feuille a r\u00e9ussi",
                      "de-DE": "Die Sperr\u00fcberpr\u00fcfung des Endzertifikats wurde bestanden"},
    "revocation_error": {"en-US": "ERROR: Verifying leaf certificate revocation status returned {message} {code}",
                         "fr-FR": "ERREUR\u00a0: la v\u00e9rification de l'\u00e9tat de r\u00e9vocation du certificat "
                                  "feuille a retourn\u00e9 {message} {code}",
                         "de-DE": "FEHLER: Die \u00dcberpr\u00fcfung des Sperrstatus des Endzertifikats hat {message} "
                                  "{code} zur\u00fcckgegeben"},
    "policies": {"en-US": "Verified Issuance Policies: None", "fr-FR": "Strat\u00e9gies d'\u00e9mission "
                 "v\u00e9rifi\u00e9es\u00a0: Aucune", "de-DE": "\u00dcberpr\u00fcfte Ausstellungsrichtlinien: Keine"},
    "app_policies": {"en-US": "Verified Application Policies:", "fr-FR": "Strat\u00e9gies d'application "
                     "v\u00e9rifi\u00e9es\u00a0:", "de-DE": "\u00dcberpr\u00fcfte Anwendungsrichtlinien:"},
    "cert_serial": {"en-US": "Cert Serial Number: {v}", "fr-FR": "Num\u00e9ro de s\u00e9rie du certificat\u00a0: {v}",
                    "de-DE": "Seriennummer des Zertifikats: {v}"},
    # -verify after the chain ([REAL] verify_partial_chain_offline_en-US.txt, verify_revoked_excerpt_en-US.txt,
    # verify_urlfetch_ca_passed_en-US.txt)
    "missing_issuer": {"en-US": "Missing Issuer: {v}", "fr-FR": "\u00c9metteur manquant\u00a0: {v}",
                       "de-DE": "Fehlender Aussteller: {v}"},
    "incomplete_chain": {"en-US": "Incomplete certificate chain", "fr-FR": "Cha\u00eene de certificats incompl\u00e8te",
                         "de-DE": "Unvollst\u00e4ndige Zertifikatkette"},
    "cannot_find_cert": {"en-US": "Cannot find certificate:", "fr-FR": "Certificat introuvable\u00a0:",
                         "de-DE": "Das Zertifikat wurde nicht gefunden:"},
    "cert_revoked": {"en-US": "Certificate is REVOKED", "fr-FR": "Le certificat est R\u00c9VOQU\u00c9",
                     "de-DE": "Das Zertifikat wurde GESPERRT"},
    "leaf_revoked": {"en-US": "Leaf certificate is REVOKED (Reason={n})",
                     "fr-FR": "Le certificat feuille est R\u00c9VOQU\u00c9 (Raison={n})",
                     "de-DE": "Das Endzertifikat wurde GESPERRT (Grund={n})"},
    "cert_is_ca": {"en-US": "Cert is a CA certificate", "fr-FR": "Le certificat est un certificat d'autorit\u00e9 de "
                   "certification", "de-DE": "Das Zertifikat ist ein Zertifizierungsstellenzertifikat"},
    "issuer_block": {"en-US": "Issuer:", "fr-FR": "\u00c9metteur\u00a0:", "de-DE": "Aussteller:"},
    "subject_block": {"en-US": "Subject:", "fr-FR": "Objet\u00a0:", "de-DE": "Antragsteller:"},
    # -v -store ([DUMP-SAMPLE] for en-US; [SAN-FR] for the fr-FR DNS label; the rest assumed)
    "x509": {"en-US": "X509 Certificate:", "fr-FR": "Certificat X509\u00a0:", "de-DE": "X.509-Zertifikat:"},  # [REAL-DE]
    "v_not_before": {"en-US": " NotBefore: {v}", "fr-FR": " NotBefore : {v}", "de-DE": " Nicht vor: {v}"},  # [REAL-DE]
    "v_not_after": {"en-US": " NotAfter: {v}", "fr-FR": " NotAfter : {v}", "de-DE": " Nicht nach: {v}"},  # [REAL-DE]
    "algorithm_oid": {"en-US": "    Algorithm ObjectId: {v}", "fr-FR": "    ObjectId de l'algorithme\u00a0: {v}",
                      "de-DE": "    Algorithmus Objekt-ID: {v}"},  # [REAL-DE]
    "algorithm_params": {"en-US": "    Algorithm Parameters:", "fr-FR": "    Param\u00e8tres de l'algorithme\u00a0:",
                         "de-DE": "    Algorithmusparameter:"},  # [REAL-DE]
    "name_hash": {"en-US": "  Name Hash({h}): {v}", "fr-FR": "  Hachage du nom ({h})\u00a0: {v}",
                  "de-DE": "  Namenshash ({h}): {v}"},  # [REAL-DE]
    "public_key": {"en-US": "Public Key: UnusedBits = 0", "fr-FR": "Cl\u00e9 publique\u00a0: Bits inutilis\u00e9s = 0",
                   "de-DE": "\u00d6ffentlicher Schl\u00fcssel: Nicht verwendete Bits = 0"},  # [REAL-DE]
    "version": {"en-US": "Version: {v}", "fr-FR": "Version\u00a0: {v}", "de-DE": "Version: {v}"},
    "signature_algorithm": {"en-US": "Signature Algorithm:", "fr-FR": "Algorithme de signature\u00a0:",
                            "de-DE": "Signaturalgorithmus:"},
    "public_key_algorithm": {"en-US": "Public Key Algorithm:", "fr-FR": "Algorithme de cl\u00e9 publique\u00a0:",
                             "de-DE": "\u00d6ffentlicher Schl\u00fcssel-Algorithmus:"},  # [REAL-DE]
    "public_key_length": {"en-US": "Public Key Length: {v} bits", "fr-FR": "Longueur de la cl\u00e9 publique\u00a0: {v} bits",
                          "de-DE": "L\u00e4nge des \u00f6ffentlichen Schl\u00fcssels: {v} Bits"},
    "extensions": {"en-US": "Certificate Extensions: {v}", "fr-FR": "Extensions du certificat\u00a0: {v}",
                   "de-DE": "Zertifikaterweiterungen: {v}"},
    "ext_san": {"en-US": "Subject Alternative Name", "fr-FR": "Autre nom de l'objet",
                "de-DE": "Alternativer Antragstellername"},
    "san_dns": {"en-US": "DNS Name={v}", "fr-FR": "Nom DNS={v}", "de-DE": "DNS-Name={v}"},
    "san_ip": {"en-US": "IP Address={v}", "fr-FR": "Adresse IP={v}", "de-DE": "IP-Adresse={v}"},
    "san_email": {"en-US": "RFC822 Name={v}", "fr-FR": "Nom RFC822={v}", "de-DE": "RFC822-Name={v}"},
    "ext_key_usage": {"en-US": "Key Usage", "fr-FR": "Utilisation de la cl\u00e9", "de-DE": "Schl\u00fcsselverwendung"},
    "ext_basic": {"en-US": "Basic Constraints", "fr-FR": "Contraintes de base", "de-DE": "Basiseinschr\u00e4nkungen"},
    "basic_end": {"en-US": "Subject Type=End Entity", "fr-FR": "Type d'objet=Entit\u00e9 finale",
                  "de-DE": "Typ des Antragstellers=Endeinheit"},
    "basic_ca": {"en-US": "Subject Type=CA", "fr-FR": "Type d'objet=Autorit\u00e9 de certification",
                 "de-DE": "Typ des Antragstellers=Zertifizierungsstelle"},
    "path_none": {"en-US": "Path Length Constraint=None", "fr-FR": "Contrainte de longueur du chemin d'acc\u00e8s=Aucun(e)",
                  "de-DE": "Einschr\u00e4nkung der Pfadl\u00e4nge=Keine"},
    "ext_eku": {"en-US": "Enhanced Key Usage", "fr-FR": "Am\u00e9lioration de la cl\u00e9",
                "de-DE": "Erweiterte Schl\u00fcsselverwendung"},
    "ext_ski": {"en-US": "Subject Key Identifier", "fr-FR": "Identificateur de la cl\u00e9 du sujet",
                "de-DE": "Schl\u00fcsselkennung des Antragstellers"},
    "ext_aki": {"en-US": "Authority Key Identifier", "fr-FR": "Identificateur de la cl\u00e9 de l'autorit\u00e9",
                "de-DE": "Stellenschl\u00fcsselkennung"},
    "ext_crl": {"en-US": "CRL Distribution Points", "fr-FR": "Points de distribution de la liste de r\u00e9vocation "
                "des certificats", "de-DE": "Sperrlisten-Verteilungspunkte"},
    "ext_unknown": {"en-US": "Unknown Extension type", "fr-FR": "Type d'extension inconnu", "de-DE": "Unbekannter Erweiterungstyp"},
    # [REAL] store_my_csp_template_schannel_en-US.txt (en-US); fr-FR and de-DE assumed
    "non_root": {"en-US": "Non-root Certificate", "fr-FR": "Certificat non racine", "de-DE": "Kein Stammzertifikat"},
    # error sentences (the second line of a failure)
    "msg_not_found": {"en-US": "Cannot find object or property.", "fr-FR": "Objet ou propri\u00e9t\u00e9 introuvable.",
                      "de-DE": "Das Objekt oder die Eigenschaft wurde nicht gefunden."},
    "msg_exists": {"en-US": "The object or property already exists.", "fr-FR": "L'objet ou la propri\u00e9t\u00e9 existe "
                   "d\u00e9j\u00e0.", "de-DE": "Das Objekt oder die Eigenschaft ist bereits vorhanden."},
    "msg_password": {"en-US": "The specified network password is not correct.",
                     "fr-FR": "Le mot de passe r\u00e9seau sp\u00e9cifi\u00e9 est incorrect.",
                     "de-DE": "Das angegebene Netzwerkkennwort ist falsch."},
    "msg_file_exists": {"en-US": "The file exists.", "fr-FR": "Le fichier existe.", "de-DE": "Die Datei ist vorhanden."},
    "msg_path_not_found": {"en-US": "The system cannot find the path specified.",
                           "fr-FR": "Le chemin d'acc\u00e8s sp\u00e9cifi\u00e9 est introuvable.",
                           "de-DE": "Das System kann den angegebenen Pfad nicht finden."},
    "msg_file": {"en-US": "The system cannot find the file specified.",
                 "fr-FR": "Le fichier sp\u00e9cifi\u00e9 est introuvable.",
                 "de-DE": "Das System kann die angegebene Datei nicht finden."},
    "msg_bad_keyset": {"en-US": "Keyset does not exist", "fr-FR": "Le jeu de cl\u00e9s n'existe pas",
                       "de-DE": "Der Schl\u00fcsselsatz ist nicht vorhanden"},
    "msg_keyset_not_def": {"en-US": "The keyset is not defined.", "fr-FR": "Le jeu de cl\u00e9s n'est pas d\u00e9fini.",
                           "de-DE": "Der Schl\u00fcsselsatz ist nicht definiert."},
    "msg_bad_encode": {"en-US": "An error occurred during encode or decode operation.",
                       "fr-FR": "Une erreur s'est produite lors de l'op\u00e9ration d'encodage ou de d\u00e9codage.",
                       "de-DE": "Fehler beim Codieren oder Decodieren."},
    "msg_no_match": {"en-US": "Cannot find the requested object.", "fr-FR": "Impossible de trouver l'objet demand\u00e9.",
                     "de-DE": "Das angeforderte Objekt wurde nicht gefunden."},
    "msg_chaining": {"en-US": "A certificate chain could not be built to a trusted root authority.",
                     "fr-FR": "Impossible de g\u00e9n\u00e9rer une cha\u00eene de certificats jusqu'\u00e0 une autorit\u00e9 "
                              "racine de confiance.",
                     "de-DE": "Eine Zertifikatkette konnte nicht zu einer vertrauensw\u00fcrdigen "
                              "Stammzertifizierungsstelle aufgebaut werden."},
    "msg_untrusted_root": {"en-US": "A certificate chain processed, but terminated in a root certificate which is not "
                                    "trusted by the trust provider.",
                           "fr-FR": "Une cha\u00eene de certificats a \u00e9t\u00e9 trait\u00e9e mais s'est termin\u00e9e par "
                                    "un certificat racine qui n'est pas approuv\u00e9 par le fournisseur d'approbation.",
                           "de-DE": "Die Zertifikatkette wurde zwar verarbeitet, endete jedoch mit einem "
                                    "Stammzertifikat, das beim Vertrauensanbieter nicht als vertrauensw\u00fcrdig gilt."},
    "msg_expired": {"en-US": "A required certificate is not within its validity period when verifying against the "
                             "current system clock or the timestamp in the signed file.",
                    "fr-FR": "Un certificat n\u00e9cessaire n'est pas dans sa p\u00e9riode de validit\u00e9 lors de la "
                             "v\u00e9rification par rapport \u00e0 l'horloge syst\u00e8me actuelle ou \u00e0 l'horodatage "
                             "du fichier sign\u00e9.",
                    "de-DE": "Ein erforderliches Zertifikat befindet sich nicht im G\u00fcltigkeitszeitraum."},
    "msg_revoked": {"en-US": "The certificate is revoked.", "fr-FR": "Le certificat est r\u00e9voqu\u00e9.",
                    "de-DE": "Das Zertifikat wurde gesperrt."},
    "msg_offline": {"en-US": "The revocation function was unable to check revocation because the revocation server "
                             "was offline.",
                    "fr-FR": "La fonction de r\u00e9vocation n'a pas pu v\u00e9rifier la r\u00e9vocation car le serveur "
                             "de r\u00e9vocation \u00e9tait hors connexion.",
                    "de-DE": "Die Sperrfunktion konnte die Sperrung nicht \u00fcberpr\u00fcfen, da der Sperrserver offline "
                             "war."},
    "msg_no_check": {"en-US": "The revocation function was unable to check revocation for the certificate.",
                     "fr-FR": "La fonction de r\u00e9vocation n'a pas pu v\u00e9rifier la r\u00e9vocation du certificat.",
                     "de-DE": "Die Sperrfunktion konnte die Sperrung f\u00fcr das Zertifikat nicht \u00fcberpr\u00fcfen."},
}
STORE_TITLES = {
    "my": {"en-US": "Personal", "fr-FR": "Personnel", "de-DE": "Eigene Zertifikate"},
    "root": {"en-US": "Trusted Root Certification Authorities", "fr-FR": "Autorit\u00e9s de certification racines de "
             "confiance", "de-DE": "Vertrauensw\u00fcrdige Stammzertifizierungsstellen"},
    "ca": {"en-US": "Intermediate Certification Authorities", "fr-FR": "Autorit\u00e9s de certification "
           "interm\u00e9diaires", "de-DE": "Zwischenzertifizierungsstellen"},
}
# [DUMP-SAMPLE] prints "1.2.840.113549.1.1.11 sha256RSA"; the other names follow the same pattern (assumed)
SIGNATURE_ALGORITHMS = {"1.2.840.113549.1.1.11": "sha256RSA", "1.2.840.113549.1.1.12": "sha384RSA",
                        "1.2.840.113549.1.1.13": "sha512RSA", "1.2.840.113549.1.1.5": "sha1RSA"}
# Key Usage names and their bits in the first byte, as [DUMP-SAMPLE] prints "Digital Signature, Key Encipherment (a0)"
KEY_USAGE_BITS = (("Digital Signature", "digital_signature", 0x80), ("Non-Repudiation", "content_commitment", 0x40),
                  ("Key Encipherment", "key_encipherment", 0x20), ("Data Encipherment", "data_encipherment", 0x10),
                  ("Key Agreement", "key_agreement", 0x08), ("Certificate Signing", "key_cert_sign", 0x04),
                  ("Off-line CRL Signing, CRL Signing", "crl_sign", 0x02))
EKU_NAMES = {"1.3.6.1.5.5.7.3.1": "Server Authentication", "1.3.6.1.5.5.7.3.2": "Client Authentication"}


def _t(key: str, locale: str, **kwargs) -> str:
    return TEXT[key].get(locale, TEXT[key]["en-US"]).format(**kwargs)


def _signed(hresult: int) -> int:
    return hresult - (1 << 32) if hresult & 0x80000000 else hresult


def error_code_text(kind: str) -> str:
    hresult, name, win32 = ERRORS[kind]
    if win32 is not None:
        return f"0x{hresult:x} (WIN32: {win32} {name})"
    return f"0x{hresult:x} ({_signed(hresult)} {name})"


def _fail(result: ToolResult, verb: str, kind: str, locale: str) -> ToolResult:
    result.exit_code = _signed(ERRORS[kind][0])
    return result.out(_t("failed", locale, verb=verb, code=error_code_text(kind)) + "\r\n"
                      + "CertUtil: " + _t("msg_" + kind, locale) + "\r\n")


def format_date(value, locale: str) -> str:
    """certutil prints NotBefore/NotAfter in the user's short date and time format (assumed patterns)."""
    if locale == "fr-FR":
        return value.strftime("%d/%m/%Y %H:%M")
    if locale == "de-DE":
        return value.strftime("%d.%m.%Y %H:%M")
    hour = value.hour % 12 or 12
    return f"{value.month}/{value.day}/{value.year} {hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def cert_block(entry: certs.StoreEntry, index: int, locale: str) -> list[str]:
    cert = entry.cert
    lines = [_t("cert_header", locale, n=index), _t("serial", locale, v=cert.serial_hex),
             _t("issuer", locale, v=cert.issuer), _t("not_before", locale, v=format_date(cert.not_before, locale)),
             _t("not_after", locale, v=format_date(cert.not_after, locale)), _t("subject", locale, v=cert.subject)]
    if cert.self_signed:
        lines += [_t("sig_matches", locale), _t("root_cert", locale)]
    else:
        lines.append(_t("non_root", locale))
    lines.append(_t("hash", locale, v=cert.thumbprint))
    return lines + key_lines(entry, locale)


def key_lines(entry: certs.StoreEntry, locale: str) -> list[str]:
    """What ``-store`` prints after the hash (module docstring): the key container and its unique name,
    the provider, exportability and the key test."""
    key = entry.key
    if key is None:
        return [_t("no_key_info", locale), _t("no_key", locale)]
    lines = [_t("key_container", locale, v=key.recorded_container)]
    if key.recorded_container == key.unique_name:  # a CSP key enrolled from a template
        lines.append(_t("simple_container", locale, v=key.container))
    else:
        lines.append(_t("unique_container", locale, v=key.unique_name))
    lines.append(_t("provider", locale, v=key.provider))
    if not key.exportable:
        lines.append(_t("not_exportable", locale))
    lines.append(_t("signature_ok" if key.key_spec == "AT_SIGNATURE" else "encryption_ok", locale))
    return lines


def _hex_dump(data: bytes) -> list[str]:
    """certutil's hex dump ([DUMP-SAMPLE]): offset, then 16 bytes in two groups of eight."""
    lines = []
    for offset in range(0, len(data), 16):
        chunk = data[offset:offset + 16]
        left = " ".join(f"{b:02x}" for b in chunk[:8])
        right = " ".join(f"{b:02x}" for b in chunk[8:])
        lines.append(f"    {offset:04x}  {left}" + (f"  {right}" if right else ""))
    return lines


def _name_block(label: str, name, der: bytes, locale: str) -> list[str]:
    return [label] + ["    " + part for part in certs.windows_name(name).split(", ")] + [
        _t("name_hash", locale, h="sha1", v=hashlib.sha1(der).hexdigest()),
        _t("name_hash", locale, h="md5", v=hashlib.md5(der).hexdigest())]


def _extension_lines(ext, locale: str) -> list[str]:
    """One extension the way [DUMP-SAMPLE] prints it: OID line, name, indented values."""
    from cryptography import x509
    value = ext.value
    head = f"    {ext.oid.dotted_string}: Flags = {1 if ext.critical else 0}{'(Critical)' if ext.critical else ''}, " \
           f"Length = {len(value.public_bytes()):x}"
    if isinstance(value, x509.SubjectAlternativeName):
        body = []
        for general in value:
            if isinstance(general, x509.DNSName):
                body.append(_t("san_dns", locale, v=general.value))
            elif isinstance(general, x509.IPAddress):
                body.append(_t("san_ip", locale, v=str(general.value)))
            elif isinstance(general, x509.RFC822Name):
                body.append(_t("san_email", locale, v=general.value))
            else:
                body.append("URL=" + str(general.value))
        return [head, "    " + _t("ext_san", locale)] + ["        " + line for line in body]
    if isinstance(value, x509.BasicConstraints):
        kind = _t("basic_ca" if value.ca else "basic_end", locale)
        length = _t("path_none", locale) if value.path_length is None else f"Path Length Constraint={value.path_length}"
        return [head, "    " + _t("ext_basic", locale), "        " + kind, "        " + length]
    if isinstance(value, x509.ExtendedKeyUsage):
        return [head, "    " + _t("ext_eku", locale)] + [
            f"        {EKU_NAMES.get(oid.dotted_string, oid.dotted_string)} ({oid.dotted_string})" for oid in value]
    if isinstance(value, x509.SubjectKeyIdentifier):
        return [head, "    " + _t("ext_ski", locale), "        " + " ".join(f"{b:02x}" for b in value.digest)]
    if isinstance(value, x509.AuthorityKeyIdentifier) and value.key_identifier:
        return [head, "    " + _t("ext_aki", locale), "        KeyID=" + " ".join(f"{b:02x}" for b in value.key_identifier)]
    if isinstance(value, x509.CRLDistributionPoints):
        urls = [n.value for point in value for n in (point.full_name or []) if isinstance(n, x509.UniformResourceIdentifier)]
        return [head, "    " + _t("ext_crl", locale)] + ["                       URL=" + url for url in urls]
    if isinstance(value, x509.KeyUsage):
        bits = [(label, flag, bit) for label, flag, bit in KEY_USAGE_BITS if getattr(value, flag)]
        text = ", ".join(label for label, _flag, _bit in bits) + f" ({sum(bit for _label, _flag, bit in bits):02x})"
        return [head, "    " + _t("ext_key_usage", locale), "        " + text]
    return [head, "    " + _t("ext_unknown", locale)] + ["    " + line for line in _hex_dump(value.public_bytes())]


def verbose_block(entry: certs.StoreEntry, index: int, locale: str) -> list[str]:
    """``certutil -v -store``: the [DUMP-SAMPLE] X509 layout, then the key lines of ``-store`` (assumed)."""
    from cryptography.hazmat.primitives import serialization
    cert = entry.cert
    x = cert.x509
    spki = x.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    rsa_key = x.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    oid = x.signature_algorithm_oid.dotted_string
    algorithm = f"{oid} {SIGNATURE_ALGORITHMS.get(oid, '')}".rstrip()
    lines = [_t("cert_header", locale, n=index), _t("x509", locale), _t("version", locale, v=x.version.value + 1),
             _t("serial", locale, v=cert.serial_hex), _t("signature_algorithm", locale),
             _t("algorithm_oid", locale, v=algorithm), _t("algorithm_params", locale), "    05 00"]
    lines += _name_block(_t("issuer_block", locale), x.issuer, x.issuer.public_bytes(), locale)
    lines += ["", _t("v_not_before", locale, v=format_date(cert.not_before, locale)),
              _t("v_not_after", locale, v=format_date(cert.not_after, locale)), ""]
    lines += _name_block(_t("subject_block", locale), x.subject, x.subject.public_bytes(), locale)
    lines += ["", _t("public_key_algorithm", locale), _t("algorithm_oid", locale, v="1.2.840.113549.1.1.1 RSA"),
              _t("algorithm_params", locale), "    05 00", _t("public_key_length", locale, v=x.public_key().key_size),
              _t("public_key", locale)] + _hex_dump(rsa_key)
    extensions = list(x.extensions)
    lines.append(_t("extensions", locale, v=len(extensions)))
    for ext in extensions:
        lines += _extension_lines(ext, locale) + [""]
    lines += [_t("signature_algorithm", locale), _t("algorithm_oid", locale, v=algorithm), _t("algorithm_params", locale),
              "    05 00", "Signature: UnusedBits=0"] + _hex_dump(x.signature)
    # [REAL] store_v_my_csp_signature_machine_en-US.txt: both lines for a self-signed certificate
    lines += [_t("sig_matches", locale), _t("root_cert", locale)] if cert.self_signed else [_t("non_root", locale)]
    # which bytes each Key Id hash covers is assumed; the Key Id sha1 is a second 40-hex value in the block
    lines += [f"Key Id Hash(rfc-sha1): {hashlib.sha1(rsa_key).hexdigest()}", f"Key Id Hash(sha1): {hashlib.sha1(spki).hexdigest()}",
              f"Key Id Hash(md5): {hashlib.md5(spki).hexdigest()}", f"Key Id Hash(sha256): {hashlib.sha256(spki).hexdigest()}",
              f"Cert Hash(md5): {hashlib.md5(cert.der).hexdigest()}", _t("hash", locale, v=cert.thumbprint),
              f"Cert Hash(sha256): {hashlib.sha256(cert.der).hexdigest()}",
              f"Signature Hash: {hashlib.sha256(x.tbs_certificate_bytes).hexdigest()}"]
    return lines + key_lines(entry, locale)


def store_header(store: str, locale: str) -> str:
    titles = STORE_TITLES.get(store.lower())
    title = titles.get(locale, titles["en-US"]) if titles else store
    return f'{store} "{title}"'


# --------------------------------------------------------------------------- arguments
OPTIONS_WITH_VALUE = {"-p", "-csp"}
FLAGS = {"-f", "-urlfetch", "-silent", "-q", "-v"}
VERBS = {"-store", "-importpfx", "-addstore", "-delstore", "-repairstore", "-verify", "-hashfile"}


def _parse(args: list[str]) -> tuple[str, dict, list[str]]:
    verb = None
    options: dict = {}
    positional: list[str] = []
    k = 0
    while k < len(args):
        word = args[k]
        lowered = word.lower()
        if lowered.startswith("-") or lowered.startswith("/"):
            name = "-" + lowered[1:]
            if name in VERBS:
                if verb is not None:
                    raise ToolRefused("certutil with two verbs is not emulated")
                verb = name
            elif name in OPTIONS_WITH_VALUE:
                if k + 1 >= len(args):
                    raise ToolRefused(f"certutil {word} needs a value")
                options[name] = args[k + 1]
                k += 1
            elif name in FLAGS:
                options[name] = True
            elif name == "-user":
                raise ToolRefused("certutil -user (the CurrentUser stores) is not emulated")
            else:
                raise ToolRefused(f"certutil option {word!r} is not emulated (emulated verbs: {', '.join(sorted(VERBS))})")
        else:
            positional.append(word)
        k += 1
    if verb is None:
        raise ToolRefused("certutil without an emulated verb (-store, -importpfx, -addstore, -delstore, -repairstore, "
                          "-verify) is not emulated")
    return verb, options, positional


def _find(entries: list, cert_id: str) -> list[tuple[int, certs.StoreEntry]]:
    """certutil's CertId: a thumbprint (hex, spaces allowed), an index, or a subject common name."""
    compact = re.sub(r"\s+", "", cert_id).lower()
    indexed = list(enumerate(entries))
    if re.fullmatch(r"[0-9a-f]{40}", compact):
        return [(i, e) for i, e in indexed if e.thumbprint == compact]
    if cert_id.isdigit():
        return [(i, e) for i, e in indexed if i == int(cert_id)]
    return [(i, e) for i, e in indexed if any(cn.lower() == cert_id.lower() for cn in e.cert.common_names)]


def _sorted_store(state, store: str) -> list:
    entries = state.find_store("LocalMachine", store)
    return list(entries) if entries is not None else None


def _read_file(state, raw: str) -> bytes | None:
    try:
        path = winpath.normalize(raw)
    except ValueError:
        raise ToolRefused(f"certutil file {raw!r}: only absolute drive paths are emulated") from None
    entry = state.fs.get(path)
    if entry is None or entry.is_dir:
        return None
    return entry.content


# --------------------------------------------------------------------------- verbs
def _store(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    if len(positional) > 3:
        raise ToolRefused("certutil -store takes a store name, an optional CertId and an optional output file")
    store = positional[0] if positional else "My"
    locale, result = ctx.locale, ToolResult()
    entries = _sorted_store(ctx.state, store)
    if entries is None:
        return _fail(result, "store", "not_found", locale)
    selected = list(enumerate(entries))
    if len(positional) >= 2:
        selected = _find(entries, positional[1])
        if not selected:
            lines = [store_header(ctx.state.store_name("LocalMachine", store), locale)]
            result.out("\r\n".join(lines) + "\r\n")
            return _fail(result, "store", "not_found", locale)
    lines = [store_header(ctx.state.store_name("LocalMachine", store), locale)]
    block = verbose_block if options.get("-v") else cert_block
    for number, (index, entry) in enumerate(selected):
        lines += ([""] if number else []) + block(entry, index, locale)  # [REAL]: a blank line between blocks only
    if len(positional) == 3:
        failure = _save(ctx.state, positional[2], selected, "-f" in options)
        if failure:
            result.out("\r\n".join(lines) + "\r\n")
            return _fail(result, "store", failure, locale)
    lines.append(_t("completed", locale, verb="store"))
    return result.out("\r\n".join(lines) + "\r\n")


def _save(state, raw: str, selected: list, force: bool) -> str | None:
    """The output file of ``-store``: the one matching certificate's DER; an error kind, or None."""
    if len(selected) != 1:
        raise ToolRefused("certutil -store with an output file and several matching certificates is not emulated")
    try:
        path = winpath.normalize(raw)
    except ValueError:
        raise ToolRefused(f"certutil output file {raw!r}: only absolute drive paths are emulated") from None
    existing = state.fs.get(path)
    if existing is not None and (existing.is_dir or not force):
        return "file_exists"
    parent = winpath.parent(path)
    if parent is None or not state.fs.is_dir(parent):
        return "path_not_found"
    state.fs.write(path, selected[0][1].cert.der)
    return None


def _importpfx(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    modifiers = {"at_keyexchange", "at_signature", "noexport", "nochain", "noroot", "protect", "noprotect",
                 "exportencrypted"}
    words = list(positional)
    mods = []
    while len(words) > 1 and all(part.lower() in modifiers for part in words[-1].split(",")):
        mods = [m.lower() for m in words.pop().split(",")] + mods
    if len(words) == 1:
        store, file_raw = "My", words[0]  # [CERTUTIL-DOC]: the default store is My
    elif len(words) == 2:
        store, file_raw = words
    else:
        raise ToolRefused("certutil -importpfx takes [store] file [modifiers]")
    if "at_keyexchange" in mods and "at_signature" in mods:
        raise ToolRefused("certutil -importpfx with both AT_KEYEXCHANGE and AT_SIGNATURE is not emulated")
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    data = _read_file(state, file_raw)
    if data is None:
        return _fail(result, "importPFX", "file", locale)
    if "-p" not in options:
        raise ToolRefused("certutil -importpfx without -p would prompt for the password; the prompt is not emulated")
    provider = options.get("-csp", certs.DEFAULT_CSP)
    if certs.provider_kind(provider) is None:
        return _fail(result, "importPFX", "keyset_not_def", locale)
    try:
        key, cert, chain = certs.load_pfx(data, options["-p"])
    except ValueError as exc:
        return _fail(result, "importPFX", "password" if str(exc) == "password" else "bad_encode", locale)
    if cert is None:
        return _fail(result, "importPFX", "no_match", locale)
    if state.find_certificate("LocalMachine", store, cert.thumbprint) is not None and "-f" not in options:
        return _fail(result, "importPFX", "exists", locale)
    lines = []
    key_info = None
    if key is not None:
        spec = "AT_SIGNATURE" if "at_signature" in mods else "AT_KEYEXCHANGE"
        key_info = certs.new_key(cert, provider, spec, "noexport" not in mods, state.machine_guid)
        attempt = 0
        while state.fs.get(key_info.file) is not None:  # a new container each import (assumed: module docstring)
            attempt += 1
            container = "{" + str(uuid.uuid5(uuid.NAMESPACE_OID, f"{cert.thumbprint}|{provider}|{attempt}")).upper() + "}"
            key_info = certs.new_key(cert, provider, spec, "noexport" not in mods, state.machine_guid, container)
        state.add_key_file(key_info)
    state.put_certificate("LocalMachine", store, certs.StoreEntry(cert, key_info))
    name = cert.common_names[0] if cert.common_names else cert.subject
    lines.append(_t("added", locale, v=name))
    if "nochain" not in mods:
        for extra in chain:
            target = "Root" if extra.self_signed else "CA"
            if extra.self_signed and "noroot" in mods:
                continue
            if state.find_certificate("LocalMachine", target, extra.thumbprint) is None:
                state.put_certificate("LocalMachine", target, certs.StoreEntry(extra))
                extra_name = extra.common_names[0] if extra.common_names else extra.subject
                lines.append(_t("added", locale, v=extra_name))
    lines += ["", _t("completed", locale, verb="importPFX")]
    return result.out("\r\n".join(lines) + "\r\n")


def _addstore(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    if len(positional) != 2:
        raise ToolRefused("certutil -addstore takes a store name and a certificate file")
    store, file_raw = positional
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    data = _read_file(state, file_raw)
    if data is None:
        return _fail(result, "addstore", "file", locale)
    try:
        cert = certs.parse_certificate(data)
    except ValueError:
        return _fail(result, "addstore", "no_match", locale)
    name = cert.common_names[0] if cert.common_names else cert.subject
    lines = [_t("sig_matches", locale)] if cert.self_signed else []
    if state.find_certificate("LocalMachine", store, cert.thumbprint) is not None:
        lines.append(_t("already", locale, v=name))
    else:
        state.put_certificate("LocalMachine", store, certs.StoreEntry(cert))
        lines.append(_t("added", locale, v=name))
    lines.append(_t("completed", locale, verb="addstore"))
    return result.out("\r\n".join(lines) + "\r\n")


def _delstore(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    if len(positional) != 2:
        raise ToolRefused("certutil -delstore takes a store name and a CertId")
    store, cert_id = positional
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    entries = _sorted_store(state, store)
    found = _find(entries or [], cert_id)
    if not found:
        return _fail(result, "delstore", "not_found", locale)
    lines = [store_header(state.store_name("LocalMachine", store), locale)]
    for index, entry in found:
        lines += cert_block(entry, index, locale)
        lines.append(_t("deleting", locale, n=index))
        state.remove_certificate("LocalMachine", store, entry.thumbprint)  # the key container stays (assumed)
    lines.append(_t("completed", locale, verb="delstore"))
    return result.out("\r\n".join(lines) + "\r\n")


SDDL_TRUSTEES = {"BA": security.ADMINISTRATORS, "SY": security.SYSTEM, "NS": security.NETWORK_SERVICE,
                 "LS": security.LOCAL_SERVICE, "AU": security.AUTHENTICATED_USERS, "WD": security.EVERYONE,
                 "BU": security.USERS, "CO": security.CREATOR_OWNER}
SDDL_RIGHTS = {"GA": "rwxdp", "GR": "r", "GW": "w", "GX": "x", "FA": "rwxdp", "FR": "r", "FW": "w", "FX": "x",
               "SD": "d", "WD": "p", "WO": "p", "RC": ""}


def parse_sddl(text: str) -> tuple[tuple, bool]:
    """The DACL of an SDDL string (``D:PAI(A;;GA;;;BA)(A;;GR;;;S-1-5-...)``) -> (ACEs, protected)."""
    match = re.fullmatch(r"(?:O:[^()]*?)?(?:G:[^()]*?)?D:([PAIR]*)((?:\([^()]*\))*)", text.strip())
    if not match:
        raise ValueError(text)
    aces = []
    for ace_text in re.findall(r"\(([^()]*)\)", match.group(2)):
        parts = ace_text.split(";")
        if len(parts) != 6 or parts[0] not in ("A", "D"):
            raise ValueError(ace_text)
        rights = set()
        for k in range(0, len(parts[2]), 2):
            code = parts[2][k:k + 2]
            if code not in SDDL_RIGHTS:
                raise ValueError(code)
            rights |= set(SDDL_RIGHTS[code])
        trustee = SDDL_TRUSTEES.get(parts[5], parts[5])
        if not security.SID_PATTERN.match(trustee):
            raise ValueError(trustee)
        aces.append(security.Ace(trustee, frozenset(rights), (), parts[0] == "D"))
    return tuple(aces), "P" in match.group(1)


def _repairstore(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    if len(positional) not in (2, 3):
        raise ToolRefused("certutil -repairstore takes a store name, a CertId and an optional SDDL")
    store, cert_id = positional[:2]
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    found = _find(_sorted_store(state, store) or [], cert_id)
    if not found:
        return _fail(result, "repairstore", "not_found", locale)
    index, entry = found[0]
    if entry.key is None:
        return _fail(result, "repairstore", "bad_keyset", locale)
    if len(positional) == 3:
        try:
            aces, protected = parse_sddl(positional[2])
        except ValueError:
            raise ToolRefused(f"SDDL {positional[2]!r} is outside the emulated subset "
                              "(D:[P][AI](A|D;;rights;;;trustee)...)") from None
        state.fs.set_acl(entry.key.file, aces, protected=protected)
    lines = [store_header(state.store_name("LocalMachine", store), locale)] + cert_block(entry, index, locale)
    lines.append(_t("completed", locale, verb="repairstore"))
    return result.out("\r\n".join(lines) + "\r\n")


def _chain(state, leaf: certs.Cert) -> tuple[list[certs.Cert], str | None]:
    """Build the chain from the node's Root and CA stores: (chain, error kind or None)."""
    chain = [leaf]
    current = leaf
    pool = [e.cert for name in ("Root", "CA") for e in (state.find_store("LocalMachine", name) or [])]
    roots = {e.thumbprint for e in (state.find_store("LocalMachine", "Root") or [])}
    for _depth in range(8):
        if current.self_signed:
            return chain, None if current.thumbprint in roots else "untrusted_root"
        issuer = next((c for c in pool if c.x509.subject == current.x509.issuer and current.issued_by(c)), None)
        if issuer is None:
            return chain, "chaining"
        chain.append(issuer)
        current = issuer
    return chain, "chaining"


def _revocation(ctx: ToolContext, leaf: certs.Cert, fetch: bool) -> str | None:
    """None (good), 'revoked', 'offline' or 'no_check'."""
    urls = leaf.crl_urls
    if not urls:
        return "no_check"
    fabric = ctx.host.fabric if ctx.host is not None else None
    if fabric is None or not fetch:
        return "offline"
    for url in urls:
        match = re.match(r"^https?://([^/:]+)(?::(\d+))?/", url)
        if not match:
            continue
        port = int(match.group(2) or (443 if url.startswith("https") else 80))
        address = fabric.resolve(ctx.state, match.group(1))
        if address is not None and fabric.reachable(ctx.state, address, port):
            return "revoked" if leaf.thumbprint in fabric.revoked else None
    return "offline"


# Trust-status flags (wincrypt.h CERT_TRUST_*), printed by name in every language ([REAL]
# scinfo_chain_offline_revocation_de-DE.txt); the values are wincrypt.h's.
TRUST_INFO = {"key_match": ("CERT_TRUST_HAS_KEY_MATCH_ISSUER", 0x2), "name_match": ("CERT_TRUST_HAS_NAME_MATCH_ISSUER", 0x4),
              "self_signed": ("CERT_TRUST_IS_SELF_SIGNED", 0x8), "preferred": ("CERT_TRUST_HAS_PREFERRED_ISSUER", 0x100)}
TRUST_ERROR = {"expired": ("CERT_TRUST_IS_NOT_TIME_VALID", 0x1), "revoked": ("CERT_TRUST_IS_REVOKED", 0x4),
               "untrusted_root": ("CERT_TRUST_IS_UNTRUSTED_ROOT", 0x20),
               "revocation_unknown": ("CERT_TRUST_REVOCATION_STATUS_UNKNOWN", 0x40),
               "chaining": ("CERT_TRUST_IS_PARTIAL_CHAIN", 0x10000),
               "offline": ("CERT_TRUST_IS_OFFLINE_REVOCATION", 0x1000000)}
# what the leaf's revocation state adds to its element's error status ([REAL] verify_partial_chain_offline_en-US.txt
# for offline, verify_revoked_trace_excerpt_en-US.txt for revoked; no_check assumed)
_REVOCATION_FLAGS = {"revoked": ("revoked",), "offline": ("revocation_unknown", "offline"),
                     "no_check": ("revocation_unknown",)}


_CHAIN_ONLY = {"chaining"}  # wincrypt.h declares the flags that apply to chains only after the others


def _flags(table: dict, names) -> tuple[int, list[str]]:
    """The value and the lines of a set of flags, in wincrypt.h's order: the flags of certificates and chains,
    then those of chains only ([REAL] verify_partial_chain_offline_en-US.txt: ..._UNKNOWN (0x40),
    ..._OFFLINE_REVOCATION (0x1000000), ..._PARTIAL_CHAIN (0x10000))."""
    names = sorted(set(names), key=lambda name: (name in _CHAIN_ONLY, table[name][1]))
    return sum(table[name][1] for name in names), [f"{table[name][0]} (0x{table[name][1]:x})" for name in names]


def _element_lines(cert: certs.Cert, locale: str, indent: str = "  ") -> list[str]:
    """A chain element as the trace prints it ([REAL] verify_leaf_passed_en-US.txt)."""
    lines = [f"{indent}Issuer: {cert.issuer}", f"{indent}NotBefore: {format_date(cert.not_before, locale)}",
             f"{indent}NotAfter: {format_date(cert.not_after, locale)}", f"{indent}Subject: {cert.subject}",
             f"{indent}Serial: {cert.serial_hex}"]
    if cert.dns_names:
        lines.append(f"{indent}SubjectAltName: " + ", ".join(f"DNS Name={name}" for name in cert.dns_names))
    return lines + [f"{indent}Cert: {cert.thumbprint}"]


def _ekus(cert: certs.Cert) -> list[str] | None:
    from cryptography import x509
    try:
        return [oid.dotted_string for oid in cert.x509.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
    except x509.ExtensionNotFound:
        return None


def _is_ca(cert: certs.Cert) -> bool:
    from cryptography import x509
    try:
        return bool(cert.x509.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _urlfetch_lines(cert: certs.Cert, status: str | None, clock: float, locale: str) -> list[str]:
    """The -urlfetch retrieval of one element ([REAL] verify_urlfetch_ca_passed_en-US.txt: the sections, "No URLs",
    "Verified" with the URL and the CRL it read). A CRL that could not be fetched: ``Failed "CDP"`` (assumed);
    the CRL number and dates are the simulator's own."""
    import datetime as dt
    none = '  No URLs "None" Time: 0 (null)'
    lines = ["  ----------------  Certificate AIA  ----------------", none,
             "  ----------------  Certificate CDP  ----------------"]
    urls = cert.crl_urls
    crl = None
    if not urls:
        lines.append(none)
    elif status == "offline":
        lines += ['  Failed "CDP" Time: 0'] + [f"    [{k}.0] {url}" for k, url in enumerate(urls)] + [""]
    else:
        crl = hashlib.sha1(urls[0].encode("utf-8")).hexdigest()
        lines += [f'  Verified "Base CRL (01)" Time: 0 {crl}', f"    [0.0] {urls[0]}", ""]
    if crl is not None:  # a base CRL was read: its own CDP ([REAL]; its absence otherwise too)
        lines += ["  ----------------  Base CRL CDP  ----------------", none]
    lines += ["  ----------------  Certificate OCSP  ----------------", none, "  --------------------------------"]
    if crl is not None:
        now = dt.datetime.fromtimestamp(clock, dt.timezone.utc)
        lines += ["    CRL 01:", f"    Issuer: {cert.issuer}",
                  f"    ThisUpdate: {format_date(now - dt.timedelta(days=1), locale)}",
                  f"    NextUpdate: {format_date(now + dt.timedelta(days=7), locale)}", f"    CRL: {crl}"]
    return lines


def _verify(options: dict, positional: list[str], ctx: ToolContext) -> ToolResult:
    """``certutil -verify [-urlfetch] <file>``: the header, the chain trace and the verdict as the real outputs
    print them ([REAL] verify_leaf_passed_en-US.txt, verify_partial_chain_offline_en-US.txt,
    verify_revoked_excerpt_en-US.txt): "completed successfully" (exit code 0) for a chain that cannot be built
    and for a revoked leaf too; the revocation is read from the error lines, not from the exit code."""
    if len(positional) != 1:
        raise ToolRefused("certutil -verify is emulated with one certificate file")
    state, locale, result = ctx.state, ctx.locale, ToolResult()
    data = _read_file(state, positional[0])
    if data is None:
        return _fail(result, "verify", "file", locale)
    try:
        leaf = certs.parse_certificate(data)
    except ValueError:
        return _fail(result, "verify", "no_match", locale)
    x = leaf.x509
    lines = _name_block(_t("issuer_block", locale), x.issuer, x.issuer.public_bytes(), locale)
    lines += _name_block(_t("subject_block", locale), x.subject, x.subject.public_bytes(), locale)
    lines += [_t("cert_serial", locale, v=leaf.serial_hex), ""]
    # the flags of a plain -verify ([REAL] verify_leaf_passed_en-US.txt); that -urlfetch prints the same is assumed
    lines += ["dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)", "dwFlags = CA_VERIFY_FLAGS_DUMP_CHAIN (0x40000000)",
              "ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)", "HCCE_LOCAL_MACHINE",
              "CERT_CHAIN_POLICY_BASE", "-------- CERT_CHAIN_CONTEXT --------"]
    chain, error = _chain(state, leaf)
    now = state.clock
    stale = [c for c in chain if not (c.not_before.timestamp() <= now <= c.not_after.timestamp())]
    if error is None and stale:
        error = "expired"
    status = None if leaf.self_signed else _revocation(ctx, leaf, bool(options.get("-urlfetch")))
    trusted = error is None
    infos, errors = [], []
    for number, cert in enumerate(chain):
        info = ["name_match", "self_signed"] if cert.self_signed else ["key_match"]
        info += ["preferred"] if trusted else []
        error_names = ["expired"] if cert in stale else []
        if cert.self_signed and error == "untrusted_root":
            error_names.append("untrusted_root")
        if number == 0 and status is not None:
            error_names += _REVOCATION_FLAGS[status]
        infos.append(info)
        errors.append(error_names)
    chain_info = ["preferred"] if trusted else []
    chain_errors = [name for names in errors for name in names] + (["chaining"] if error == "chaining" else [])
    for prefix in ("ChainContext", "SimpleChain"):
        lines += [f"{prefix}.dwInfoStatus = {text}" for text in _flags(TRUST_INFO, chain_info)[1]]
        lines += [f"{prefix}.dwErrorStatus = {text}" for text in _flags(TRUST_ERROR, chain_errors)[1]]
        # [REAL]: a blank line after the chain's lines when it has info flags (verify_leaf_passed_en-US.txt),
        # none between them with error flags only (verify_partial_chain_offline_en-US.txt), one before the elements
        if chain_info or prefix == "SimpleChain":
            lines.append("")
    ekus = _ekus(leaf)
    for number, cert in enumerate(chain):
        info_value, info_text = _flags(TRUST_INFO, infos[number])
        error_value, error_text = _flags(TRUST_ERROR, errors[number])
        lines.append(f"CertContext[0][{number}]: dwInfoStatus={info_value:x} dwErrorStatus={error_value:x}")
        lines += _element_lines(cert, locale)
        lines += [f"  Element.dwInfoStatus = {text}" for text in info_text]
        lines += [f"  Element.dwErrorStatus = {text}" for text in error_text]
        if options.get("-urlfetch"):
            lines += _urlfetch_lines(cert, status if number == 0 else None, now, locale)
        if number == 0 and ekus:
            lines += [f"  Application[{k}] = {oid} {EKU_NAMES.get(oid, '')}".rstrip() for k, oid in enumerate(ekus)]
        lines.append("")
    lines += ["Exclude leaf cert:", f"  Chain: {hashlib.sha1(b''.join(c.der for c in chain[1:])).hexdigest()}",
              "Full chain:", f"  Chain: {hashlib.sha1(b''.join(c.der for c in chain)).hexdigest()}"]
    if error == "chaining":
        lines.append(_t("missing_issuer", locale, v=chain[-1].issuer))
    if error is not None or status == "revoked":
        kind = error or "revoked"
        culprit = {"chaining": chain[-1], "untrusted_root": chain[-1], "expired": (stale or [leaf])[0]}.get(kind, leaf)
        lines += _element_lines(culprit, locale) + [_t("msg_" + kind, locale) + " " + error_code_text(kind)]
    lines.append("------------------------------------")
    if error == "chaining":
        lines += [_t("incomplete_chain", locale), _t("cannot_find_cert", locale), "    " + chain[-1].issuer, ""]
    if status == "revoked":
        lines += [_t("cert_revoked", locale), _t("leaf_revoked", locale, n=0)]  # the reason code is the simulator's
    else:
        if error is None:
            lines += [_t("policies", locale), _t("app_policies", locale)]
            lines += [f"    {oid} {EKU_NAMES.get(oid, '')}".rstrip() for oid in ekus] if ekus else ["    All"]
            if _is_ca(leaf):
                lines.append(_t("cert_is_ca", locale))
        if status is None and not leaf.self_signed:
            lines.append(_t("revocation_ok", locale))
        elif status is not None:
            message = _t("msg_" + status, locale)
            lines += [_t("revocation_error", locale, message=message, code=error_code_text(status)),
                      "CertUtil: " + message, ""]
    # [REAL] verify_partial_chain_offline_en-US.txt, verify_revoked_excerpt_en-US.txt: completed successfully
    lines.append(_t("completed", locale, verb="verify"))
    return result.out("\r\n".join(lines) + "\r\n")


_VERBS = {"-store": _store, "-importpfx": _importpfx, "-addstore": _addstore, "-delstore": _delstore,
          "-repairstore": _repairstore, "-verify": _verify,
          # file_copy (issue 13): certutil_hashfile.py
          "-hashfile": lambda options, positional, ctx: certutil_hashfile.hashfile(
              options, positional, ctx, lambda result, kind: _fail(result, "hashfile", kind, ctx.locale),
              lambda: _t("completed", ctx.locale, verb="hashfile"))}


def run(args: list[str], ctx: ToolContext) -> ToolResult:
    verb, options, positional = _parse(args)
    if verb != "-verify" and "-urlfetch" in options:
        raise ToolRefused("-urlfetch is emulated with -verify only")
    if verb != "-store" and "-v" in options:
        raise ToolRefused("-v is emulated with -store only")
    return _VERBS[verb](options, positional, ctx)


TOOLS = [ToolSpec(name="certutil", run=run)]
