# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure a certificate is, or is not, in a LocalMachine store, with its private key as wanted.

Round trips: one read (``certutil -store``, the machine GUID, the temporary certificate files an
earlier run left behind and, for a file on the node, its bytes) when nothing needs to change or
in check mode, and one more (``icacls`` on the key file) when ``key_readers`` are given and the
certificate is there with its key; one more for a change, which batches removing those leftovers,
writing the file (for ``src``/``content``), ``certutil -importpfx``/``-addstore``/``-delstore``,
removing the written file and a verifying ``certutil -store``; and, after a re-import or for a
missing read grant, one more that grants ``key_readers`` read on the key file and removes the key
file the replaced key left behind, verified with ``icacls`` and ``Test-Path``.

Re-importing a certificate that is in the store (to repair a signature or CNG key) keeps its key's
exportability: certutil prints ``Private key is NOT exportable`` for a key that is not (the real
store_my_csp_template_schannel_en-US.txt), and ``certutil -importpfx`` takes ``NoExport`` to import
the key so (windowsserverdocs certutil.md, -importPFX modifiers; without it the key is exportable).
``exportable`` true/false overrides that. A PFX import creates a new key container (assumed: the
braced GUID container of a PFX-imported key, store_my_csp_guid_container_en-US.txt, is a new one each
import; Microsoft's PFXImportCertStore page does not say), so the replaced key's file (its unique name
as certutil printed it, under MachineKeys or Crypto\\Keys) is orphaned: it is removed once the
verifying ``certutil -store`` shows the certificate with the wanted key in another file. The key file
is named only in certutil's output after the import, so the grant and that removal run in the round
trip after it; a failed import or a failed verification leaves the old key file in place.

Check mode and the apply report the same ``steps``: every change the apply makes, in order.

The file's bytes travel on the round trip's standard input, never in the script, so no log
(-vvvv shows every command line) holds the PFX, which carries the encrypted private key. The
written copy is ``C:\\Windows\\Temp\\irops certificate <32 hex>.pfx`` (or ``.cer``); the batch
removes it whatever the import returns (every command of a batch runs), and a copy left by a run
whose connection dropped is found and removed by the next run (the leftovers listing).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import uuid

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _files, _icacls
from ansible_collections.irops.remediation.plugins.plugin_utils._action import OTHER_IDENTITY, NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._quoting import Param, Secret
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import Change, Command
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

KEY_SPECS = {"key_exchange": _certutil.KEY_EXCHANGE, "signature": _certutil.SIGNATURE, "keep": None}
TEMP_DIR = "C:\\Windows\\Temp"
TEMP_PREFIX = "irops certificate "  # every temporary copy this module writes: TEMP_DIR\<prefix><32 hex>.pfx|.cer
_TEMP_NAME = re.compile(r"^irops certificate [0-9a-f]{32}\.(pfx|cer)$", re.IGNORECASE)
DOUBLE_HOP = (
    "Windows refused the PFX password with 'The specified network password is not correct', but this password "
    "opens the PFX on the controller: the password is right. This is the double-hop limit of a network logon "
    "(WinRM with NTLM or Kerberos without delegation): the remote session has no credentials of its own, so the "
    "key cannot be stored with DPAPI. Remedies: " + OTHER_IDENTITY + ", then run it again (become is not "
    "supported by this collection's modules). Nothing was changed.")


class ActionModule(NodeAction):
    argument_spec = {
        "path": {"type": "str"},
        "src": {"type": "path"},
        "content": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "store_name": {"type": "str", "default": "My"},
        "store_location": {"type": "str", "default": "LocalMachine", "choices": ["LocalMachine"]},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "thumbprint": {"type": "str"},
        "key_spec": {"type": "str", "default": "keep", "choices": ["key_exchange", "signature", "keep"]},
        "provider": {"type": "str"},
        "exportable": {"type": "bool"},
        "key_readers": {"type": "list", "elements": "str", "default": []},
    }
    constraints = {
        "mutually_exclusive": [["path", "src", "content"]],
        "required_if": [["state", "absent", ["thumbprint"]], ["state", "present", ["path", "src", "content"], True]],
    }

    def execute(self, args, runner, task_vars):
        store = _certutil.validate_store(args["store_name"])
        expected = normalize_thumbprint(args["thumbprint"]) if args["thumbprint"] else None
        if args["state"] == "absent":
            return self._absent(runner, store, expected)
        password = Secret(args["password"]) if args["password"] is not None else None
        provider = _provider(args["provider"])
        readers = _readers(args["key_readers"])
        data = self._source_bytes(args)
        path = validate_node_path(args["path"]) if args["path"] else None

        reads = _certutil.read_commands(store) + [leftovers_command()]
        results = runner.run(reads + (_files.read_commands(path, hide_output=True) if path else []))
        leftovers = parse_leftovers(results[2])
        if path:
            data = _files.parse_read(*results[3:5])
            if data is None:
                raise RemediationError(f"path {path} does not exist on the node: give the path of a .pfx or .cer file")
        source = load_source(data, args["password"], path or args["src"] or "content")
        if expected and expected != source["thumbprint"]:
            raise RemediationError(f"thumbprint {expected} does not match the file, whose certificate is "
                                   f"{source['thumbprint']} ({source['subject']}); nothing was changed")
        if source["pfx"] and password is None:
            raise InvalidValue("password", None, "a PFX file needs its password")
        if readers and not source["pfx"]:
            raise InvalidValue("key_readers", args["key_readers"], "a .cer file has no private key to grant read on: "
                               "give the PFX, or leave key_readers out")
        certificates, _guid = _certutil.parse_read(results[:2])
        before = next((doc for doc in certificates if doc["thumbprint"] == source["thumbprint"]), None)
        want = {"key_spec": KEY_SPECS[args["key_spec"]], "provider": provider, "exportable": args["exportable"]}
        problems = _problems(before, source, want)
        if problems and source["pfx"]:
            want["exportable"] = _kept_exportability(before, args["exportable"])
        missing = [] if problems else self._missing_readers(runner, before, readers)
        plan = Plan(store, source, want, before, leftovers, readers, problems, missing)
        result = {"thumbprint": source["thumbprint"], "subject": source["subject"], "dns_names": source["dns_names"],
                  "wcf_dns_name": _certutil.wcf_dns_name(source["dns_names"], source["subject"]),
                  "not_after": source["not_after"], "store": f"LocalMachine\\{store}", "before": before,
                  "steps": plan.steps()}
        if plan.orphan_unknown:
            result["warnings"] = [plan.orphan_unknown]
        if not problems and not missing:
            result.update(changed=False, after=before, key=_key_view(before),
                          msg=f"{source['thumbprint']} is in LocalMachine\\{store} as wanted")
            return self._remove_leftovers(runner, leftovers, result) if leftovers else result
        reasons = problems + [f"{principal.name} cannot read its private key" for principal in missing]
        result.update(changed=True, reasons=reasons, documented_symptoms=self.documented_symptoms(),
                      msg=f"{source['thumbprint']} in LocalMachine\\{store}: " + "; ".join(reasons))
        if problems:
            result["diff"] = _diff(store, before, source, want)
        else:
            result["diff"] = _acl_diff(before["key_file"], before["key_acl"], _planned_acl(before["key_acl"], missing))
        if self._task.check_mode:
            return result
        if problems:
            after = self._import(runner, args, plan, password, data, path, result)
        else:
            after = before
            if leftovers:
                self._remove_leftovers(runner, leftovers, result)
                result["changed"] = True
        self._grant_and_clean(runner, plan, before, after, result)
        return result

    def _missing_readers(self, runner, cert, readers) -> list:
        """The readers that cannot read the key of a certificate that needs no re-import (one ``icacls``)."""
        if not readers or cert is None or not cert["has_private_key"]:
            return []
        if cert["key_file"] is None:
            raise RemediationError(f"the key file of {cert['thumbprint']} is not known, so key_readers cannot be "
                                   f"checked: {cert['key_file_unknown']}. Nothing was changed.")
        _certutil.attach_key_access([cert], runner.run(_certutil.key_acl_commands([cert])))
        if cert["key_acl"] is None:
            raise RemediationError(f"the key file of {cert['thumbprint']} could not be read: "
                                   f"{cert.get('key_file_error') or cert['key_file']}")
        aces = _icacls.parse_acl_from(cert["key_acl"])
        return [principal for principal in readers if _icacls.access_of(aces, principal) not in ("read", "full_control")]

    def _import(self, runner, args, plan, password, data, path, result):
        """The import round trip: leftovers removed, the file written, imported, removed, the store read back."""
        source, store, leftovers = plan.source, plan.store, plan.leftovers
        node_file, written = path, False
        batch = [remove_command(name) for name in leftovers]  # first: what an earlier run left behind
        if node_file is None:
            node_file = f"{TEMP_DIR}\\{TEMP_PREFIX}{uuid.uuid4().hex}{'.pfx' if source['pfx'] else '.cer'}"
            batch.append(_files.write_stdin_command(node_file, data))
            written = True
        if source["pfx"]:
            batch.append(_certutil.importpfx_command(store, node_file, password, plan.want["provider"],
                                                     plan.want["key_spec"], plan.want["exportable"]))
        else:
            batch.append(_certutil.addstore_command(store, node_file))
        if written:  # runs whatever the import returned: every command of a batch runs
            batch.append(remove_command(node_file))
        batch += [_certutil.store_command(store, source["thumbprint"])]
        done = runner.run(batch)
        first = len(leftovers)
        imported = done[first + (1 if written else 0)]
        after = _find(done[-1], source["thumbprint"])
        result.update(after=after, key=_key_view(after))
        warnings = result.get("warnings", []) + _leftover_warnings(leftovers, done[:first])
        if written and not done[first + 2].ok:
            warnings.append(f"the copy of the certificate file at {node_file} could not be removed: "
                            f"{done[first + 2].output.strip()[:200]}; delete it by hand")
        if leftovers:
            result["leftovers_removed"] = [f"{TEMP_DIR}\\{name}" for name in leftovers]
        if warnings:
            result["warnings"] = warnings
        kept = (f"; the previous key file {plan.orphan} was left in place" if plan.orphan else "")
        if not imported.ok:
            code = _certutil.failure_code(imported)
            result["changed"] = False
            if code == _certutil.ERROR_INVALID_PASSWORD:
                raise RemediationError(DOUBLE_HOP, result=result)
            raise RemediationError(f"'{imported.command}' failed (exit code {imported.rc}): {imported.output.strip()[:500]}"
                                   + _hint(code) + kept, result=result)
        left = _problems(after, source, plan.want)
        if left:
            raise RemediationError(f"after the import, {source['thumbprint']} in LocalMachine\\{store} still: "
                                   + "; ".join(left) + kept, result=result)
        return after

    def _grant_and_clean(self, runner, plan, before, after, result):
        """The round trip after a verified import (or for a missing grant): read granted to the key readers,
        the replaced key's orphaned file removed, both read back."""
        imported = bool(plan.problems)
        readers = plan.readers if imported else plan.missing
        if not readers and not plan.orphan:
            return
        key_file = after["key_file"] if after else None
        if readers and key_file is None:
            raise RemediationError(f"the key file of {plan.source['thumbprint']} is not known after the import, so "
                                   f"read could not be granted to {', '.join(p.name for p in readers)}: "
                                   f"{after.get('key_file_unknown') if after else 'no certificate'}"
                                   + (f"; the previous key file {plan.orphan} was left in place" if plan.orphan else ""),
                                   result=result)
        orphan = plan.orphan
        if orphan and key_file and orphan.lower() == key_file.lower():
            orphan = None  # the import reused the container: its file is the new key, nothing was orphaned
            result["steps"] = [step for step in result["steps"] if not step.startswith("remove the orphaned")]
            result.setdefault("warnings", []).append(
                f"the import kept the key in its previous file {key_file}: no key file was orphaned")
        steps = [_icacls.grant_command(key_file, principal, "read") for principal in readers]
        if orphan:
            steps.append(_files.delete_command(orphan))
        verify = ([_icacls.show_command(key_file)] if key_file else []) + ([_test_file(orphan)] if orphan else [])
        outcome = runner.run_change(Change(tuple(steps), verify=tuple(verify)))
        result["changed"] = True
        if key_file:
            shown = outcome.verify[0]
            acl = [ace.text for ace in _icacls.parse_acl(shown.stdout, key_file)] if shown.ok else None
            result["key_acl"] = acl
            if not imported:
                result["diff"] = _acl_diff(key_file, before["key_acl"], acl or [])
        if orphan:
            gone = outcome.verify[-1].ok and outcome.verify[-1].stdout.strip() == "False"
            result["orphaned_key_file"] = {"path": orphan, "removed": gone}
        failed = outcome.failed
        if failed is not None or not outcome.completed:
            what = failed.command if failed is not None else "the grant"
            raise RemediationError(f"'{what}' failed (exit code {failed.rc if failed else '?'}): "
                                   f"{(_icacls.failure(failed) if failed else '')[:300]}"
                                   + (f"; the previous key file {orphan} was left in place" if orphan else ""),
                                   result=result)
        aces = _icacls.parse_acl_from(result.get("key_acl") or [])
        lacking = [p.name for p in readers if _icacls.access_of(aces, p) not in ("read", "full_control")]
        if lacking:
            raise RemediationError(f"after the grant, the ACL of {key_file} read back gives no read to "
                                   f"{', '.join(lacking)}", result=result)
        if orphan and not result["orphaned_key_file"]["removed"]:
            raise RemediationError(f"the orphaned key file {orphan} is still there after its removal", result=result)

    def _remove_leftovers(self, runner, leftovers, result):
        """Nothing else to change: remove the temporary copies an earlier run left behind."""
        paths = [f"{TEMP_DIR}\\{name}" for name in leftovers]
        result.update(changed=True, leftovers_removed=paths,
                      msg=result["msg"] + f"; {len(paths)} temporary certificate file(s) an earlier run left in "
                      f"{TEMP_DIR} will be removed")
        if self._task.check_mode:
            return result
        warnings = _leftover_warnings(leftovers, runner.run([remove_command(name) for name in leftovers]))
        if warnings:
            result["warnings"] = warnings
        return result

    def _absent(self, runner, store, thumbprint):
        shown = runner.run_one(_certutil.store_command(store, thumbprint))
        before = _find(shown, thumbprint)
        result = {"thumbprint": thumbprint, "store": f"LocalMachine\\{store}", "before": before, "after": None}
        if before is None:
            result.update(changed=False, msg=f"{thumbprint} is not in LocalMachine\\{store}")
            return result
        result.update(changed=True, subject=before["subject"], msg=f"{thumbprint} will be deleted from LocalMachine\\{store}",
                      diff={"before": f"{thumbprint} {before['subject']}\n", "after": "",
                            "before_header": f"LocalMachine\\{store}", "after_header": f"LocalMachine\\{store}"})
        if self._task.check_mode:
            return result
        deleted, again = runner.run([_certutil.delstore_command(store, thumbprint),
                                     _certutil.store_command(store, thumbprint)])
        if _find(again, thumbprint) is not None:
            raise RemediationError(f"'{deleted.command}' failed (exit code {deleted.rc}): {deleted.output.strip()[:300]}",
                                   result=result)
        return result

    def _source_bytes(self, args):
        if args["content"] is not None:
            try:
                return base64.b64decode("".join(args["content"].split()), validate=True)
            except (binascii.Error, ValueError):
                raise InvalidValue("content", args["content"][:40], "give the file's bytes in base64") from None
        if args["src"]:
            source = self._find_needle("files", args["src"])
            with open(to_bytes(source, errors="surrogate_or_strict"), "rb") as handle:
                return handle.read()
        return None


class Plan:
    """Every change the task makes, in order: what check mode reports and what the apply runs (``steps``)."""

    def __init__(self, store, source, want, before, leftovers, readers, problems, missing):
        self.store, self.source, self.want, self.before = store, source, want, before
        self.leftovers, self.readers, self.problems, self.missing = leftovers, readers, problems, missing
        replaced = bool(problems) and source["pfx"] and before is not None and before["has_private_key"]
        self.orphan = before["key_file"] if replaced and before["key_file"] else None
        self.orphan_unknown = (f"the key file of the replaced key is not known, so it cannot be removed after the "
                               f"re-import: {before['key_file_unknown']}") if replaced and not self.orphan else None

    def steps(self) -> list[str]:
        thumbprint, store = self.source["thumbprint"], f"LocalMachine\\{self.store}"
        steps = [f"remove {TEMP_DIR}\\{name}, a temporary certificate file an earlier run left" for name in self.leftovers]
        if self.problems and self.source["pfx"]:
            provider = self.want["provider"] or _certutil.DEFAULT_CSP
            spec = (self.want["key_spec"] or _certutil.KEY_EXCHANGE) if _certutil.provider_kind(provider) == "csp" else None
            export = "exportable" if self.want["exportable"] in (None, True) else "not exportable (NoExport)"
            steps.append(f"import {thumbprint} with its private key into {store} (certutil -importpfx; {provider}"
                         + (f", {spec}" if spec else "") + f"; {export})")
            steps += [f"grant {principal.name} read on the new private key file" for principal in self.readers]
            if self.orphan:
                steps.append(f"remove the orphaned key file {self.orphan} of the replaced key")
        elif self.problems:
            steps.append(f"add {thumbprint} to {store} (certutil -addstore)")
        else:
            steps += [f"grant {principal.name} read on the private key file {self.before['key_file']}"
                      for principal in self.missing]
        return steps


def _readers(values) -> list:
    """The accounts of ``key_readers``, resolved (bad input fails before anything runs)."""
    principals = []
    for index, value in enumerate(values or []):
        principal = _icacls.resolve(value, what=f"key_readers[{index}]")
        if not any(principal.matches(known.name) for known in principals):
            principals.append(principal)
    return principals


def _kept_exportability(before, wanted):
    """What the re-import gives the key: ``exportable`` when given, else the replaced key's exportability."""
    if wanted is not None or before is None or not before["has_private_key"]:
        return wanted
    if before["exportable"] is None:
        unread = before.get("key_unread") or []
        raise RemediationError(f"{before['thumbprint']} must be imported again, and certutil's output does not say "
                               "whether its present key is exportable" + (f" (lines not read: {' | '.join(unread)})"
                                                                          if unread else "")
                               + ", which a re-import keeps: give exportable (true or false). Nothing was changed.")
    return before["exportable"]


def _planned_acl(acl, principals) -> list:
    return list(acl or []) + [_icacls.Ace(p.name, (), _icacls.RIGHTS["read"], False).text for p in principals]


def _acl_diff(path, before, after) -> dict:
    header = f"ACL of {path}"
    return {"before": "".join(line + "\n" for line in before or []), "after": "".join(line + "\n" for line in after or []),
            "before_header": header, "after_header": header}


def _test_file(path: str) -> Command:
    return _files.exists_command(path)


def leftovers_command() -> Command:
    """List the temporary certificate files of this module in TEMP_DIR (read-only)."""
    return Command("Get-ChildItem", (Param("-LiteralPath"), TEMP_DIR, Param("-Filter"), TEMP_PREFIX + "*", Param("-File"),
                                     Param("-Name"), Param("-ErrorAction"), "SilentlyContinue"))


def parse_leftovers(listed) -> list[str]:
    """The file names of :func:`leftovers_command` that are this module's own temporary copies."""
    if not listed.ok:
        return []
    return sorted(name.strip() for name in listed.stdout.splitlines() if _TEMP_NAME.match(name.strip()))


def remove_command(path_or_name: str) -> Command:
    path = path_or_name if "\\" in path_or_name else f"{TEMP_DIR}\\{path_or_name}"
    return Command("Remove-Item", (path, Param("-Force")), read_only=False)


def _leftover_warnings(leftovers, results) -> list[str]:
    return [f"the temporary certificate file {TEMP_DIR}\\{name} left by an earlier run could not be removed: "
            f"{done.output.strip()[:200]}; delete it by hand" for name, done in zip(leftovers, results) if not done.ok]


def validate_node_path(value) -> str:
    return _files.validate_path(value, what="path")


def _provider(value):
    if value is None:
        return None
    if value.strip().lower() in ("ksp", "cng", _certutil.KSP.lower()):
        return _certutil.KSP
    if _certutil.provider_kind(value) is None:
        raise InvalidValue("provider", value, "give a CSP name such as 'Microsoft Enhanced RSA and AES Cryptographic "
                           "Provider', or ksp for the Microsoft Software Key Storage Provider")
    return value


def load_source(data: bytes, password, name: str) -> dict:
    """Parse the certificate file on the controller: thumbprint, subject, SAN DNS names, expiry, PFX or not."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import pkcs12

    cert, pfx = None, False
    for loader in (x509.load_der_x509_certificate, x509.load_pem_x509_certificate):
        try:
            cert = loader(data)
            break
        except ValueError:
            continue
    if cert is None:
        pfx = True
        if password is None:
            raise InvalidValue("password", None, f"{os.path.basename(name)} is not a certificate (.cer); if it is a PFX, "
                               "give its password")
        try:
            _key, cert, _chain = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
        except ValueError:
            raise RemediationError(f"the password does not open {name}, or it is not a PFX or certificate file: "
                                   "give the PFX's password (it is not shown here). Nothing was changed.") from None
        if cert is None:
            raise RemediationError(f"{name} holds no certificate")
    try:
        dns = list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                   .get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        dns = []
    return {"thumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(),  # nosec - the Windows thumbprint is SHA-1
            "subject": cert.subject.rfc4514_string(), "dns_names": dns, "pfx": pfx,
            "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _find(result, thumbprint):
    if not result.ok:
        if _certutil.failure_code(result) == _certutil.CRYPT_E_NOT_FOUND:
            return None
        raise RemediationError(f"'{result.command}' failed (exit code {result.rc}): {result.output.strip()[:500]}")
    for cert in _certutil.parse_store(result.stdout):
        if cert.thumbprint == thumbprint:
            return cert.as_dict()
    return None


def _problems(current, source, want) -> list[str]:
    if current is None:
        return ["the certificate is not in the store"]
    if not source["pfx"]:
        return []
    problems = []
    if not current["has_private_key"]:
        return ["the certificate is there without its private key"]
    unknown = _unknown(current, want)
    if unknown:
        unread = current.get("key_unread") or []
        raise RemediationError(f"{current['thumbprint']} is in the store, but certutil's output does not say "
                               + " or ".join(unknown) + (f" (lines not read: {' | '.join(unread)})" if unread else "")
                               + "; nothing was changed rather than guess. Report the text so the words can be added "
                               "to plugins/plugin_utils/_certutil.py WORDS.")
    if want["provider"]:
        wanted_kind = _certutil.provider_kind(want["provider"])
        if current["provider_type"] != wanted_kind.upper():
            problems.append(f"its key is in {current['provider']} ({current['provider_type']}), not in {want['provider']}")
        elif wanted_kind == "csp" and (current["provider"] or "").lower() != want["provider"].lower():
            problems.append(f"its key is in {current['provider']}, not in {want['provider']}")
    if want["key_spec"] and current["provider_type"] == "CSP" and current["key_spec"] != want["key_spec"]:
        problems.append(f"its key spec is {current['key_spec']}, not {want['key_spec']}")
    if want["key_spec"] == _certutil.KEY_EXCHANGE and current["provider_type"] == "CNG" and not want["provider"]:
        problems.append(f"its key is a CNG key ({current['provider']}), which has no AT_KEYEXCHANGE key spec")
    if want["exportable"] is not None and current["exportable"] != want["exportable"]:
        problems.append("its key is " + ("not " if want["exportable"] else "") + "exportable")
    return problems


def _unknown(current, want) -> list[str]:
    """What the task compares that certutil did not say (a line in a language its word tables do not know)."""
    unknown = []
    if want["provider"] and current["provider_type"] is None:
        unknown.append("its key provider")
    if want["key_spec"] and current["provider_type"] == "CSP" and current["key_spec"] is None:
        unknown.append("its key spec")
    if want["exportable"] is not None and current["exportable"] is None:
        unknown.append("whether its key is exportable")
    return unknown


def _key_view(cert):
    if cert is None:
        return None
    return {name: cert[name] for name in ("has_private_key", "provider", "provider_type", "key_spec", "exportable",
                                          "key_file")}


def _render(cert) -> str:
    if cert is None:
        return ""
    names = ("thumbprint", "subject", "has_private_key", "provider", "provider_type", "key_spec", "exportable")
    return "".join(f"{name}: {cert.get(name)}\n" for name in names)


def _diff(store, before, source, want) -> dict:
    planned = {"thumbprint": source["thumbprint"], "subject": source["subject"], "has_private_key": source["pfx"]}
    if source["pfx"]:
        provider = want["provider"] or _certutil.DEFAULT_CSP
        kind = _certutil.provider_kind(provider)
        planned.update(provider=provider, provider_type=kind.upper(),
                       key_spec=(want["key_spec"] or _certutil.KEY_EXCHANGE) if kind == "csp" else None,
                       exportable=want["exportable"] if want["exportable"] is not None else True)  # certutil's default
    header = f"LocalMachine\\{store}"
    return {"before": _render(before), "after": _render(planned), "before_header": header, "after_header": header}


def _hint(code) -> str:
    if code == _certutil.NTE_KEYSET_NOT_DEF:
        return " -> the provider is not known on the node: check the provider name"
    if code == _certutil.ERROR_FILE_NOT_FOUND:
        return " -> the file is not on the node"
    return ""
