# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Windows' localised output texts, as data: one table per tool, each concept per display language.

Internal use only. The parsers (``_netsh``, ``_sc``, ``_icacls``, ``_advfirewall``, ``_reg``) read
these tables, and so does the simulated node (tests/simulator/winsim/l10n.py loads this file by its
path), so a Windows text lives in one place with its source. This module imports nothing.

Every entry is ``(text, source)``; ``{name}`` in a text stands for a value. Sources:

- ``real:<tool>/<file>``: an output in tests/unit/test_data/real/ (SOURCES.md gives its URL, the
  Windows version and language); tests/unit/test_l10n.py checks the text is in that file.
- ``published:<tool>/<file>``: an output published on a public page that is kept, with its header
  naming the page, in tests/unit/test_data/<tool>/<file> (not in the real corpus: the code index that
  found it did not name the repository, or it was found before the corpus); checked the same way.
- ``ms:<page>``: a Microsoft page (a translated Learn page for another language).
- ``doc:<text>``: another public text, named (docs/reference/windows-tools.md summarises
  third-party transcripts).
- ``assumed``: no public text showed it. What would confirm each is in docs/dev/remote-execution.md,
  "Remaining assumptions".

A parser that meets a word in no table reports the text and never guesses.
"""

from __future__ import annotations

ASSUMED = "assumed"
LANGUAGES = ("en-US", "de-DE", "fr-FR")

WS_TOOLS = "doc:docs/reference/windows-tools.md"

# --------------------------------------------------------------------------- netsh http sslcert
NETSH_HTTP: dict[str, dict[str, tuple[str, str]]] = {
    # value words of the settings (the parser reads these; labels it never reads)
    "Enabled": {"en-US": ("Enabled", "real:netsh/show_sslcert_null_store_en-US.txt"),
                "de-DE": ("Aktiviert", ASSUMED), "fr-FR": ("Activ\u00e9", ASSUMED)},
    "Disabled": {"en-US": ("Disabled", "real:netsh/show_sslcert_null_store_en-US.txt"),
                 "de-DE": ("Deaktiviert", ASSUMED), "fr-FR": ("D\u00e9sactiv\u00e9", ASSUMED)},
    # Microsoft's TLS blog ("Disable Legacy TLS Versions : Set/Not Set") and windows-tools.md "Values"
    "Set": {"en-US": ("Set", WS_TOOLS + " (netsh http, Values; Microsoft's TLS blog)"),
            "de-DE": ("Festgelegt", ASSUMED), "fr-FR": ("D\u00e9fini", ASSUMED)},
    "Not Set": {"en-US": ("Not Set", WS_TOOLS + " (netsh http, Values; Microsoft's TLS blog)"),
                "de-DE": ("Nicht festgelegt", ASSUMED), "fr-FR": ("Non d\u00e9fini", ASSUMED)},
    # labels (printed by the simulator; the parser knows fields by position)
    "SSL Certificate bindings:": {"en-US": ("SSL Certificate bindings:", "real:netsh/show_sslcert_null_store_en-US.txt"),
                                  "de-DE": ("SSL-Zertifikatbindungen:", ASSUMED),
                                  "fr-FR": ("Liaisons de certificat SSL\u00a0:", ASSUMED)},
    "IP:port": {"en-US": ("IP:port", "real:netsh/show_sslcert_null_store_en-US.txt"),
                "de-DE": ("IP:Port", ASSUMED), "fr-FR": ("IP:port", ASSUMED)},
    "Hostname:port": {"en-US": ("Hostname:port", "real:netsh/show_sslcert_hostnameport_adfs_en-US.txt"),
                      "de-DE": ("Hostname:Port", ASSUMED), "fr-FR": ("Nom d'h\u00f4te:port", ASSUMED)},
    "Certificate Hash": {"en-US": ("Certificate Hash", "real:netsh/show_sslcert_null_store_en-US.txt"),
                         "de-DE": ("Zertifikathash", WS_TOOLS + " (General: a German netsh transcript)"),
                         "fr-FR": ("Hachage du certificat", ASSUMED)},
    "Application ID": {"en-US": ("Application ID", "real:netsh/show_sslcert_null_store_en-US.txt"),
                       "de-DE": ("Anwendungs-ID", WS_TOOLS + " (General: a German netsh transcript)"),
                       "fr-FR": ("ID de l'application", ASSUMED)},
    "Certificate Store Name": {"en-US": ("Certificate Store Name", "real:netsh/show_sslcert_null_store_en-US.txt"),
                               "de-DE": ("Zertifikatspeichername", ASSUMED),
                               "fr-FR": ("Nom du magasin de certificats", ASSUMED)},
    "Verify Client Certificate Revocation": {
        "en-US": ("Verify Client Certificate Revocation", "real:netsh/show_sslcert_null_store_en-US.txt"),
        "de-DE": ("Clientzertifikatsperrung \u00fcberpr\u00fcfen", ASSUMED),
        "fr-FR": ("V\u00e9rifier la r\u00e9vocation des certificats clients", ASSUMED)},
    "Verify Revocation Using Cached Client Certificate Only": {
        "en-US": ("Verify Revocation Using Cached Client Certificate Only",
                  "real:netsh/show_sslcert_null_store_en-US.txt"),
        "de-DE": ("Sperrung nur mit zwischengespeichertem Clientzertifikat \u00fcberpr\u00fcfen", ASSUMED),
        "fr-FR": ("V\u00e9rifier la r\u00e9vocation avec le certificat client mis en cache uniquement", ASSUMED)},
    "Usage Check": {"en-US": ("Usage Check", "real:netsh/show_sslcert_null_store_en-US.txt"),
                    "de-DE": ("Verwendungspr\u00fcfung", ASSUMED),
                    "fr-FR": ("V\u00e9rification de l'utilisation", ASSUMED)},
    "Revocation Freshness Time": {"en-US": ("Revocation Freshness Time", "real:netsh/show_sslcert_null_store_en-US.txt"),
                                  "de-DE": ("Aktualit\u00e4tszeit der Sperrung", ASSUMED),
                                  "fr-FR": ("Temps d'actualisation de la r\u00e9vocation", ASSUMED)},
    "URL Retrieval Timeout": {"en-US": ("URL Retrieval Timeout", "real:netsh/show_sslcert_null_store_en-US.txt"),
                              "de-DE": ("Timeout f\u00fcr URL-Abruf", ASSUMED),
                              "fr-FR": ("D\u00e9lai d'attente de r\u00e9cup\u00e9ration de l'URL", ASSUMED)},
    "Ctl Identifier": {"en-US": ("Ctl Identifier", "real:netsh/show_sslcert_null_store_en-US.txt"),
                       "de-DE": ("CTL-Bezeichner", ASSUMED), "fr-FR": ("Identificateur CTL", ASSUMED)},
    "Ctl Store Name": {"en-US": ("Ctl Store Name", "real:netsh/show_sslcert_null_store_en-US.txt"),
                       "de-DE": ("CTL-Speichername", ASSUMED), "fr-FR": ("Nom du magasin CTL", ASSUMED)},
    "DS Mapper Usage": {"en-US": ("DS Mapper Usage", "real:netsh/show_sslcert_null_store_en-US.txt"),
                        "de-DE": ("DS-Zuordnungsverwendung", ASSUMED), "fr-FR": ("Utilisation du mappeur DS", ASSUMED)},
    "Negotiate Client Certificate": {"en-US": ("Negotiate Client Certificate",
                                               "real:netsh/show_sslcert_null_store_en-US.txt"),
                                     "de-DE": ("Clientzertifikat aushandeln", ASSUMED),
                                     "fr-FR": ("N\u00e9gocier le certificat client", ASSUMED)},
    "Reject Connections": {"en-US": ("Reject Connections", WS_TOOLS), "de-DE": ("Verbindungen ablehnen", ASSUMED),
                           "fr-FR": ("Rejeter les connexions", ASSUMED)},
    "Disable HTTP2": {"en-US": ("Disable HTTP2", WS_TOOLS), "de-DE": ("HTTP2 deaktivieren", ASSUMED),
                      "fr-FR": ("D\u00e9sactiver HTTP2", ASSUMED)},
    "Disable QUIC": {"en-US": ("Disable QUIC", WS_TOOLS), "de-DE": ("QUIC deaktivieren", ASSUMED),
                     "fr-FR": ("D\u00e9sactiver QUIC", ASSUMED)},
    "Disable TLS1.2": {"en-US": ("Disable TLS1.2", WS_TOOLS), "de-DE": ("TLS1.2 deaktivieren", ASSUMED),
                       "fr-FR": ("D\u00e9sactiver TLS1.2", ASSUMED)},
    "Disable TLS1.3": {"en-US": ("Disable TLS1.3", WS_TOOLS), "de-DE": ("TLS1.3 deaktivieren", ASSUMED),
                       "fr-FR": ("D\u00e9sactiver TLS1.3", ASSUMED)},
    "Disable OCSP Stapling": {"en-US": ("Disable OCSP Stapling", WS_TOOLS),
                              "de-DE": ("OCSP-Heftung deaktivieren", ASSUMED),
                              "fr-FR": ("D\u00e9sactiver l'agrafage OCSP", ASSUMED)},
    "Enable Token Binding": {"en-US": ("Enable Token Binding", WS_TOOLS), "de-DE": ("Tokenbindung aktivieren", ASSUMED),
                             "fr-FR": ("Activer la liaison de jeton", ASSUMED)},
    "Log Extended Events": {"en-US": ("Log Extended Events", WS_TOOLS),
                            "de-DE": ("Erweiterte Ereignisse protokollieren", ASSUMED),
                            "fr-FR": ("Journaliser les \u00e9v\u00e9nements \u00e9tendus", ASSUMED)},
    "Disable Legacy TLS Versions": {"en-US": ("Disable Legacy TLS Versions", WS_TOOLS + " (Microsoft's TLS blog)"),
                                    "de-DE": ("\u00c4ltere TLS-Versionen deaktivieren", ASSUMED),
                                    "fr-FR": ("D\u00e9sactiver les versions TLS h\u00e9rit\u00e9es", ASSUMED)},
    "Enable Session Ticket": {"en-US": ("Enable Session Ticket", WS_TOOLS),
                              "de-DE": ("Sitzungsticket aktivieren", ASSUMED),
                              "fr-FR": ("Activer le ticket de session", ASSUMED)},
    "Disable Session ID": {"en-US": ("Disable Session ID", WS_TOOLS), "de-DE": ("Sitzungs-ID deaktivieren", ASSUMED),
                           "fr-FR": ("D\u00e9sactiver l'ID de session", ASSUMED)},
    "Enable Caching Client Hello": {"en-US": ("Enable Caching Client Hello", WS_TOOLS),
                                    "de-DE": ("Zwischenspeichern von Client Hello aktivieren", ASSUMED),
                                    "fr-FR": ("Activer la mise en cache de Client Hello", ASSUMED)},
    "Extended Properties:": {"en-US": ("Extended Properties:", WS_TOOLS),
                             "de-DE": ("Erweiterte Eigenschaften:", ASSUMED),
                             "fr-FR": ("Propri\u00e9t\u00e9s \u00e9tendues\u00a0:", ASSUMED)},
    "PropertyId": {"en-US": ("PropertyId", ASSUMED), "de-DE": ("PropertyId", ASSUMED),
                   "fr-FR": ("PropertyId", ASSUMED)},
    "Receive Window": {"en-US": ("Receive Window", ASSUMED), "de-DE": ("Empfangsfenster", ASSUMED),
                       "fr-FR": ("Fen\u00eatre de r\u00e9ception", ASSUMED)},
    "Max Settings Per Frame": {"en-US": ("Max Settings Per Frame", ASSUMED),
                               "de-DE": ("Max. Einstellungen pro Frame", ASSUMED),
                               "fr-FR": ("Param\u00e8tres max. par trame", ASSUMED)},
    "Max Settings Per Minute": {"en-US": ("Max Settings Per Minute", ASSUMED),
                                "de-DE": ("Max. Einstellungen pro Minute", ASSUMED),
                                "fr-FR": ("Param\u00e8tres max. par minute", ASSUMED)},
}
NETSH_HTTP_VALUE_WORDS = {"Enabled": True, "Disabled": False, "Set": True, "Not Set": False}

# --------------------------------------------------------------------------- sc.exe
# The failure line "[SC] <Function> <word> <code>:" and the status/config labels. The parser reads
# neither (codes by exit code and position, fields by value shape); the simulator prints them.
SC: dict[str, dict[str, tuple[str, str]]] = {
    # The whole failure: the line, then the Win32 message; a blank line between them in the
    # English, Chinese and Spanish samples, none in the German, French and Russian ones (the French
    # one passed through a .NET program that printed each line; the German and Russian were consoles).
    "failure": {
        "en-US": ("{prefix} FAILED {code}:\n\n{message}", "real:sc/open_failed_1060_en-US.txt"),
        "de-DE": ("{prefix} FEHLER {code}:\n{message}", "real:sc/query_failed_1060_de-DE.txt"),
        "fr-FR": ("{prefix} \u00e9chec(s) {code} :\n{message}", "real:sc/query_failed_1060_fr-FR.txt"),
        "ru-RU": ("{prefix}: \u043e\u0448\u0438\u0431\u043a\u0430: {code}:\n{message}", "real:sc/open_failed_1060_ru-RU.txt"),
        "zh-CN": ("{prefix} \u5931\u8d25 {code}:\n\n{message}", "real:sc/open_failed_1060_zh-CN.txt"),
        "es-ES": ("{prefix} ERROR {code}:\n\n{message}", "real:sc/query_failed_1060_es-ES.txt"),
    },
    "error_1060": {
        "en-US": ("The specified service does not exist as an installed service.", "real:sc/open_failed_1060_en-US.txt"),
        "de-DE": ("Der angegebene Dienst ist kein installierter Dienst.", "real:sc/query_failed_1060_de-DE.txt"),
        "fr-FR": ("Le service sp\u00e9cifi\u00e9 n'existe pas en tant que service install\u00e9.",
                  "real:sc/query_failed_1060_fr-FR.txt"),
    },
    "error_1056": {
        "en-US": ("An instance of the service is already running.", WS_TOOLS + " (sc.exe: 1056)"),
        "de-DE": ("Es wird bereits eine Instanz des Dienstes ausgef\u00fchrt.", ASSUMED),
        "fr-FR": ("Une instance du service est d\u00e9j\u00e0 en cours d'ex\u00e9cution.", ASSUMED),
    },
    # status labels: English on en-US and, as a real sample shows, on a Chinese Windows 7
    # (real:sc/start_pending_zh-CN.txt); translated on a Russian Windows 10 LTSC.
    "label_service_name": {"en-US": ("SERVICE_NAME", "real:sc/start_running_en-US.txt"),
                           "de-DE": ("SERVICE_NAME", ASSUMED), "fr-FR": ("SERVICE_NAME", ASSUMED),
                           "ru-RU": ("\u0418\u043c\u044f_\u0441\u043b\u0443\u0436\u0431\u044b",
                                     "real:sc/start_running_ru-RU.txt"),
                           "zh-CN": ("SERVICE_NAME", "real:sc/start_pending_zh-CN.txt")},
    "label_state": {"en-US": ("STATE", "real:sc/start_running_en-US.txt"),
                    "de-DE": ("STATE", ASSUMED), "fr-FR": ("STATE", ASSUMED),
                    "ru-RU": ("\u0421\u043e\u0441\u0442\u043e\u044f\u043d\u0438\u0435", "real:sc/start_running_ru-RU.txt"),
                    "zh-CN": ("STATE", "real:sc/start_pending_zh-CN.txt")},
    "label_start_type": {"en-US": ("START_TYPE", "real:sc/qc_network_service_en-US.txt"),
                         "de-DE": ("START_TYPE", ASSUMED), "fr-FR": ("START_TYPE", ASSUMED)},
}

# --------------------------------------------------------------------------- icacls
ICACLS: dict[str, dict[str, tuple[str, str]]] = {
    "summary": {
        "en-US": ("Successfully processed {ok} files; Failed processing {failed} files",
                  "real:icacls/show_file_inherited_en-US.txt"),
        "de-DE": ("{ok} Dateien erfolgreich verarbeitet, bei {failed} Dateien ist ein Verarbeitungsfehler aufgetreten.",
                  "real:icacls/grant_no_mapping_de-DE.txt"),
        "fr-FR": ("{ok} fichiers correctement trait\u00e9s\u00a0; \u00e9chec du traitement de {failed} fichiers", ASSUMED),
    },
    "processed": {"en-US": ("processed file: {path}", ASSUMED), "de-DE": ("Bearbeitete Datei: {path}", ASSUMED),
                  "fr-FR": ("fichier trait\u00e9\u00a0: {path}", ASSUMED)},
    "not_found": {"en-US": ("{path}: The system cannot find the file specified.", ASSUMED),
                  "de-DE": ("{path}: Das System kann die angegebene Datei nicht finden.", ASSUMED),
                  "fr-FR": ("{path}: Le fichier sp\u00e9cifi\u00e9 est introuvable.", ASSUMED)},
    "no_mapping": {
        "en-US": ("{name}: No mapping between account names and security IDs was done.", ASSUMED),
        "de-DE": ("{name}: Zuordnungen von Kontennamen und Sicherheitskennungen wurden nicht durchgef\u00fchrt.",
                  "real:icacls/grant_no_mapping_de-DE.txt"),
        "fr-FR": ("{name}: Le mappage entre les noms de compte et les ID de s\u00e9curit\u00e9 n'a pas "
                  "\u00e9t\u00e9 effectu\u00e9.", ASSUMED),
    },
    "denied": {"en-US": ("{path}: Access is denied.", ASSUMED), "de-DE": ("{path}: Zugriff verweigert", ASSUMED),
               "fr-FR": ("{path}: Acc\u00e8s refus\u00e9.", ASSUMED)},
    "invalid": {"en-US": ('Invalid parameter "{text}"', ASSUMED),
                "de-DE": ('Ung\u00fcltiger Parameter "{text}"', ASSUMED),
                "fr-FR": ('Param\u00e8tre non valide \u00ab\u00a0{text}\u00a0\u00bb', ASSUMED)},
}

# Well-known accounts as icacls (LookupAccountSid) prints them, by SID.
ACCOUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "S-1-5-32-544": {"en-US": ("BUILTIN\\Administrators", "real:icacls/show_file_inherited_en-US.txt"),
                     # "Just noticed its "Administratoren:F" on a German Windows installation"
                     # (the reporter of real:icacls/grant_no_mapping_de-DE.txt); the domain part is assumed
                     "de-DE": ("VORDEFINIERT\\Administratoren", ASSUMED),
                     "fr-FR": ("BUILTIN\\Administrateurs", ASSUMED)},
    "S-1-5-32-545": {"en-US": ("BUILTIN\\Users", "real:icacls/show_file_inherited_en-US.txt"),
                     "de-DE": ("VORDEFINIERT\\Benutzer", ASSUMED), "fr-FR": ("BUILTIN\\Utilisateurs", ASSUMED)},
    "S-1-5-18": {"en-US": ("NT AUTHORITY\\SYSTEM", "real:icacls/show_file_inherited_en-US.txt"),
                 "de-DE": ("NT-AUTORIT\u00c4T\\SYSTEM", ASSUMED), "fr-FR": ("AUTORITE NT\\Syst\u00e8me", ASSUMED)},
    "S-1-5-19": {"en-US": ("NT AUTHORITY\\LOCAL SERVICE", "ms:windows-server/identity/ad-ds/manage/understand-security-identifiers"),
                 "de-DE": ("NT-AUTORIT\u00c4T\\LOKALER DIENST", ASSUMED),
                 "fr-FR": ("AUTORITE NT\\SERVICE LOCAL", ASSUMED)},
    "S-1-5-20": {"en-US": ("NT AUTHORITY\\NETWORK SERVICE", "ms:windows-server/identity/ad-ds/manage/understand-security-identifiers"),
                 "de-DE": ("NT-AUTORIT\u00c4T\\NETZWERKDIENST", ASSUMED),
                 "fr-FR": ("AUTORITE NT\\SERVICE R\u00c9SEAU", ASSUMED)},
    "S-1-5-11": {"en-US": ("NT AUTHORITY\\Authenticated Users", "real:icacls/show_file_inherited_en-US.txt"),
                 "de-DE": ("NT-AUTORIT\u00c4T\\Authentifizierte Benutzer", ASSUMED),
                 "fr-FR": ("AUTORITE NT\\Utilisateurs authentifi\u00e9s", ASSUMED)},
    "S-1-1-0": {"en-US": ("Everyone", "real:icacls/show_root_servercore_ltsc2022_en-US.txt"),
                "de-DE": ("Jeder", ASSUMED), "fr-FR": ("Tout le monde", ASSUMED)},
    "S-1-3-0": {"en-US": ("CREATOR OWNER", "real:icacls/show_root_servercore_ltsc2022_en-US.txt"),
                "de-DE": ("ERSTELLER-BESITZER", ASSUMED), "fr-FR": ("CREATEUR PROPRIETAIRE", ASSUMED)},
}

# --------------------------------------------------------------------------- netsh advfirewall
# Labels and words of "show rule", keyed by the en-US text. de-DE: a German output published in a
# README ("Using NFS with vagrant on windows"; the code index that found it does not name its
# repository), kept in tests/unit/test_data/advfirewall/show_rule_two_de-DE.txt and
# show_rule_none_de-DE.txt.
_DE_FW = "published:advfirewall/show_rule_two_de-DE.txt"
_EN_FW = "real:advfirewall/show_rule_verbose_en-US.txt"
ADVFIREWALL: dict[str, dict[str, tuple[str, str]]] = {
    "Rule Name:": {"en-US": ("Rule Name:", _EN_FW), "de-DE": ("Regelname:", _DE_FW),
                   "fr-FR": ("Nom de la r\u00e8gle\u00a0:", ASSUMED)},
    "Enabled:": {"en-US": ("Enabled:", _EN_FW), "de-DE": ("Aktiviert:", _DE_FW), "fr-FR": ("Activ\u00e9\u00a0:", ASSUMED)},
    "Direction:": {"en-US": ("Direction:", _EN_FW), "de-DE": ("Richtung:", _DE_FW),
                   "fr-FR": ("Direction\u00a0:", ASSUMED)},
    "Profiles:": {"en-US": ("Profiles:", _EN_FW), "de-DE": ("Profile:", _DE_FW), "fr-FR": ("Profils\u00a0:", ASSUMED)},
    "Grouping:": {"en-US": ("Grouping:", _EN_FW), "de-DE": ("Gruppierung:", _DE_FW),
                  "fr-FR": ("Regroupement\u00a0:", ASSUMED)},
    "LocalIP:": {"en-US": ("LocalIP:", _EN_FW), "de-DE": ("Lokales IP:", _DE_FW), "fr-FR": ("IP locale\u00a0:", ASSUMED)},
    "RemoteIP:": {"en-US": ("RemoteIP:", _EN_FW), "de-DE": ("Remote-IP:", _DE_FW),
                  "fr-FR": ("IP distante\u00a0:", ASSUMED)},
    "Protocol:": {"en-US": ("Protocol:", _EN_FW), "de-DE": ("Protokoll:", _DE_FW),
                  "fr-FR": ("Protocole\u00a0:", ASSUMED)},
    "LocalPort:": {"en-US": ("LocalPort:", _EN_FW), "de-DE": ("Lokaler Port:", ASSUMED),
                   "fr-FR": ("Port local\u00a0:", ASSUMED)},
    "RemotePort:": {"en-US": ("RemotePort:", _EN_FW), "de-DE": ("Remoteport:", ASSUMED),
                    "fr-FR": ("Port distant\u00a0:", ASSUMED)},
    "Edge traversal:": {"en-US": ("Edge traversal:", _EN_FW), "de-DE": ("Edgeausnahme:", _DE_FW),
                        "fr-FR": ("Traversement de p\u00e9riph\u00e9rie\u00a0:", ASSUMED)},
    "Action:": {"en-US": ("Action:", _EN_FW), "de-DE": ("Aktion:", _DE_FW), "fr-FR": ("Action\u00a0:", ASSUMED)},
    "Yes": {"en-US": ("Yes", _EN_FW), "de-DE": ("Ja", _DE_FW), "fr-FR": ("Oui", ASSUMED)},
    "No": {"en-US": ("No", _EN_FW), "de-DE": ("Nein", _DE_FW), "fr-FR": ("Non", ASSUMED)},
    "In": {"en-US": ("In", _EN_FW), "de-DE": ("Eingehend", _DE_FW), "fr-FR": ("Entrant", ASSUMED)},
    "Out": {"en-US": ("Out", ASSUMED), "de-DE": ("Aus", _DE_FW), "fr-FR": ("Sortant", ASSUMED)},
    "Allow": {"en-US": ("Allow", _EN_FW), "de-DE": ("Zulassen", _DE_FW), "fr-FR": ("Autoriser", ASSUMED)},
    "Block": {"en-US": ("Block", ASSUMED), "de-DE": ("Blockieren", ASSUMED), "fr-FR": ("Bloquer", ASSUMED)},
    "Bypass": {"en-US": ("Bypass", ASSUMED), "de-DE": ("Umgehen", ASSUMED), "fr-FR": ("Contourner", ASSUMED)},
    "Any": {"en-US": ("Any", _EN_FW), "de-DE": ("Beliebig", _DE_FW), "fr-FR": ("Tout", ASSUMED)},
    "Domain": {"en-US": ("Domain", _EN_FW), "de-DE": ("Dom\u00e4ne", _DE_FW), "fr-FR": ("Domaine", ASSUMED)},
    "Private": {"en-US": ("Private", _EN_FW), "de-DE": ("Privat", _DE_FW), "fr-FR": ("Priv\u00e9", ASSUMED)},
    "Public": {"en-US": ("Public", _EN_FW), "de-DE": ("\u00d6ffentlich", _DE_FW), "fr-FR": ("Public", ASSUMED)},
    "Ok.": {"en-US": ("Ok.", WS_TOOLS + " and public transcripts of show rule (the verbose excerpt ends before it)"),
            "de-DE": ("OK.", _DE_FW), "fr-FR": ("Ok.", ASSUMED)},
    # en-US: netbirdio/netbird#1249 (its check of this English text failed on German Windows)
    "No rules match the specified criteria.": {
        "en-US": ("No rules match the specified criteria.", "doc:https://github.com/netbirdio/netbird/issues/1249"),
        "de-DE": ("Keine Regeln stimmen mit den angegebenen Kriterien \u00fcberein.",
                  "published:advfirewall/show_rule_none_de-DE.txt"),
        "fr-FR": ("Aucune r\u00e8gle ne correspond aux crit\u00e8res sp\u00e9cifi\u00e9s.", ASSUMED)},
    "Deleted {n} rule(s).": {"en-US": ("Deleted {n} rule(s).", ASSUMED),
                             "de-DE": ("{n} Regel(n) gel\u00f6scht.", ASSUMED),
                             "fr-FR": ("{n} r\u00e8gle(s) supprim\u00e9e(s).", ASSUMED)},
    "Updated {n} rule(s).": {"en-US": ("Updated {n} rule(s).", ASSUMED),
                             "de-DE": ("{n} Regel(n) aktualisiert.", ASSUMED),
                             "fr-FR": ("{n} r\u00e8gle(s) mise(s) \u00e0 jour.", ASSUMED)},
}
# The column where values start in "show rule": en-US 38 (the real verbose sample), de-DE 41 (the
# published German sample), fr-FR assumed as en-US.
ADVFIREWALL_LABEL_WIDTH = {"en-US": (38, _EN_FW), "de-DE": (41, _DE_FW), "fr-FR": (38, ASSUMED)}

# --------------------------------------------------------------------------- reg.exe
REG: dict[str, dict[str, tuple[str, str]]] = {
    "not_found": {
        "en-US": ("ERROR: The system was unable to find the specified registry key or value.",
                  "real:reg/query_not_found_en-US.txt"),
        # the de-DE translation of Microsoft's Azure ATP article "Configure your proxy" quotes
        # "Fehler: Der angegebene ..."; third-party transcripts print the prefix in capitals
        "de-DE": ("FEHLER: Der angegebene Registrierungsschl\u00fcssel bzw. Wert wurde nicht gefunden.",
                  "ms:de-de/defender-for-identity configure-proxy (ms.contentlocale de-DE)"),
        # the fr-FR translation of Microsoft Defender for Endpoint's investigation package article
        "fr-FR": ("ERREUR\u00a0: Le syst\u00e8me n\u2019a pas trouv\u00e9 la cl\u00e9 ou la valeur de Registre "
                  "sp\u00e9cifi\u00e9e.",
                  "ms:fr-fr/defender-endpoint collect-investigation-package (ms.contentlocale fr-FR)"),
    },
    "denied": {"en-US": ("ERROR: Access is denied.", ASSUMED), "de-DE": ("FEHLER: Zugriff verweigert", ASSUMED),
               "fr-FR": ("ERREUR\u00a0: Acc\u00e8s refus\u00e9.", ASSUMED)},
    "success": {"en-US": ("The operation completed successfully.", "ms:windows-commands/reg-add.md examples"),
                "de-DE": ("Der Vorgang wurde erfolgreich beendet.", ASSUMED),
                "fr-FR": ("L'op\u00e9ration a r\u00e9ussi.", ASSUMED)},
    "invalid_syntax": {"en-US": ("ERROR: Invalid syntax.", ASSUMED), "de-DE": ("FEHLER: Ung\u00fcltige Syntax.", ASSUMED),
                       "fr-FR": ("ERREUR\u00a0: syntaxe non valide.", ASSUMED)},
    "usage": {"en-US": ('Type "REG {verb} /?" for usage.', ASSUMED),
              "de-DE": ('Geben Sie "REG {verb} /?" ein, um die Syntax anzuzeigen.', ASSUMED),
              "fr-FR": ('Tapez "REG {verb} /?" pour l\'utilisation.', ASSUMED)},
    "invalid_option": {"en-US": ("ERROR: Invalid Argument/Option - '{option}'.", "real:reg/invalid_option_reg32_en-US.txt"),
                       "de-DE": ("FEHLER: Ung\u00fcltiges Argument/ung\u00fcltige Option - \"{option}\".", ASSUMED),
                       "fr-FR": ("ERREUR\u00a0: argument/option non valide - \u00ab\u00a0{option}\u00a0\u00bb.", ASSUMED)},
    "usage_no_verb": {"en-US": ('Type "REG /?" for usage.', "real:reg/invalid_option_reg32_en-US.txt"),
                      "de-DE": ('Geben Sie "REG /?" ein, um die Syntax anzuzeigen.', ASSUMED),
                      "fr-FR": ('Tapez "REG /?" pour l\'utilisation.', ASSUMED)},
    "default_name": {"en-US": ("(Default)", ASSUMED), "de-DE": ("(Standard)", ASSUMED),
                     "fr-FR": ("(par d\u00e9faut)", ASSUMED)},
    "value_not_set": {"en-US": ("(value not set)", ASSUMED), "de-DE": ("(Wert nicht festgelegt)", ASSUMED),
                      "fr-FR": ("(valeur non d\u00e9finie)", ASSUMED)},
}

TABLES = {"netsh_http": NETSH_HTTP, "sc": SC, "icacls": ICACLS, "accounts": ACCOUNTS, "advfirewall": ADVFIREWALL,
          "reg": REG}


def text(table: dict, concept: str, language: str) -> str:
    """The text of ``concept`` in ``language``, or the en-US one when the table has no such language."""
    entry = table[concept]
    return (entry.get(language) or entry["en-US"])[0]


def words(table: dict, concept: str) -> dict[str, str]:
    """``{language: text}`` of one concept."""
    return {language: pair[0] for language, pair in table[concept].items()}
