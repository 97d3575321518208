# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure an account can (or cannot) read a certificate's private key.

Round trips: two reads (``certutil -store`` with the machine GUID; ``icacls`` on the key
file) when nothing needs to change or in check mode; one more for a change, which batches
the grant or removal (``icacls`` or ``winhttpcertcfg``) with a verifying ``icacls``.

``winhttpcertcfg -s`` picks a certificate by a piece of its subject, not by thumbprint, so
for method=winhttpcertcfg the first read lists the whole store, and the module refuses
before any change when that piece matches another certificate too. Whatever the method,
the grant is verified on the intended key file, read back with ``icacls``.
"""

from __future__ import annotations

from ansible_collections.irops.remediation.plugins.plugin_utils import _certutil, _icacls, _winhttpcertcfg
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint


class ActionModule(NodeAction):
    argument_spec = {
        "thumbprint": {"type": "str", "required": True},
        "store_name": {"type": "str", "default": "My"},
        "account": {"type": "str", "required": True},
        "access": {"type": "str", "default": "read", "choices": ["read", "full_control"]},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "method": {"type": "str", "default": "auto", "choices": ["auto", "acl", "winhttpcertcfg"]},
    }

    def execute(self, args, runner, task_vars):
        store = _certutil.validate_store(args["store_name"])
        thumbprint = normalize_thumbprint(args["thumbprint"])
        principal = _icacls.resolve(args["account"])
        present = args["state"] == "present"
        if args["method"] == "winhttpcertcfg" and args["access"] == "full_control" and present:
            raise RemediationError("method=winhttpcertcfg grants Read only; use method=acl for access=full_control")

        if args["method"] == "winhttpcertcfg":
            facts, others = _read_store(runner, store, thumbprint)
        else:
            facts, _guid = _certutil.gather(runner, store, thumbprint, key_access=True)
        cert = _one_key(facts, thumbprint, store)
        if args["method"] == "winhttpcertcfg" and cert["provider_type"] == "CNG":
            raise RemediationError(
                f"the key of certificate {thumbprint} is a CNG key ({cert['provider']}); winhttpcertcfg opens keys "
                "through CryptoAPI only and cannot change it. Use method=acl (icacls on the key file), or re-import "
                "the certificate into a CSP with irops.remediation.certificate (provider) if the application needs one.")
        if args["method"] == "winhttpcertcfg":
            _refuse_ambiguous_subject(cert, others, thumbprint, store)
        path = cert["key_file"]
        before = _icacls.parse_acl_from(cert["key_acl"])
        held = _icacls.access_of(before, principal)
        wanted = args["access"] if present else None
        result = {"thumbprint": thumbprint, "subject": cert["subject"], "key_file": path,
                  "provider_type": cert["provider_type"], "principal": principal.as_dict(),
                  "before": held, "acl_before": cert["key_acl"]}
        if _satisfied(held, wanted):
            shown = _icacls.shown_name(before, principal) or principal.name
            result.update(changed=False, after=held, acl_after=cert["key_acl"], principal_shown=shown,
                          diff=_icacls.acl_diff(path, cert["key_acl"], cert["key_acl"]),
                          msg=f"{principal.name}: {held or 'no'} access on the key of {thumbprint}, as wanted")
            return result
        result.update(changed=True, documented_symptoms=self.documented_symptoms(),
                      msg=(f"{principal.name} has {held or 'no'} access on the key of {thumbprint} ({path}); "
                           + (f"{wanted} will be granted" if wanted else "its access will be removed")))
        if self._task.check_mode:
            planned = _planned(before, principal, wanted)
            result.update(after=wanted, acl_after=planned, diff=_icacls.acl_diff(path, cert["key_acl"], planned))
            return result

        method = "winhttpcertcfg" if args["method"] == "winhttpcertcfg" else "acl"
        commands = [self._change(method, store, cert, principal, wanted), _icacls.show_command(path)]
        changed, shown = runner.run(commands)
        failure = _winhttpcertcfg.error(changed) if method == "winhttpcertcfg" else (
            None if changed.ok else _icacls.failure(changed))
        if not failure and not shown.ok:
            failure = f"the ACL of the key file could not be read back to verify it: {_icacls.failure(shown)}"
        if method == "winhttpcertcfg":
            result["winhttpcertcfg_matched"] = _winhttpcertcfg.matched_subject(changed.stdout)
        after = _icacls.parse_acl(shown.stdout, path) if shown.ok else []
        now = _icacls.access_of(after, principal)
        result.update(after=now, acl_after=[ace.text for ace in after],
                      diff=_icacls.acl_diff(path, cert["key_acl"], [ace.text for ace in after]), method=method,
                      principal_shown=_icacls.shown_name(after, principal))
        if failure or not _satisfied(now, wanted):
            result["changed"] = now != held if shown.ok else changed.ok
            matched = result.get("winhttpcertcfg_matched")
            other = matched and _certutil.dn_key(matched) != _certutil.dn_key(cert["subject"])
            raise RemediationError(
                f"'{changed.command}' did not give {principal.name} the wanted access ({wanted or 'none'}) on {path}: "
                f"{failure or 'the ACL read back shows ' + str(now or 'no') + ' access'}. "
                + (f"winhttpcertcfg acted on the certificate of subject {matched!r}, not on {cert['subject']!r}: "
                   "check that key's ACL, and use method=acl. " if other else "")
                + ("An unknown account is not mapped: give DOMAIN\\name, NT SERVICE\\<service> or a SID."
                   if changed.rc == 1332 else ""), result=result)
        return result

    @staticmethod
    def _change(method, store, cert, principal, wanted):
        path = cert["key_file"]
        if method == "winhttpcertcfg":
            subject = _winhttpcertcfg.subject_argument(cert["subject"])
            if wanted:
                return _winhttpcertcfg.grant_command(store, subject, principal.name)
            return _winhttpcertcfg.remove_command(store, subject, principal.name)
        if wanted:
            return _icacls.grant_command(path, principal, wanted)
        return _icacls.remove_command(path, principal)


def _read_store(runner, store, thumbprint):
    """For method=winhttpcertcfg: every certificate of the store (``certutil -store <store>``,
    one round trip), and the ACL of the wanted certificate's key file (a second one).
    Returns the wanted certificate's facts (a list of at most one) and the others."""
    every, _guid = _certutil.parse_read(runner.run(_certutil.read_commands(store)))
    facts = [doc for doc in every if doc["thumbprint"].upper() == thumbprint]
    commands = _certutil.key_acl_commands(facts)
    if commands:
        _certutil.attach_key_access(facts, runner.run(commands))
    return facts, [doc for doc in every if doc["thumbprint"].upper() != thumbprint]


def _refuse_ambiguous_subject(cert, others, thumbprint, store) -> None:
    argument = _winhttpcertcfg.subject_argument(cert["subject"])
    also = _winhttpcertcfg.also_matched(argument, others, thumbprint)
    if also:
        named = "; ".join(f"{doc['thumbprint']} ({doc['subject']})" for doc in also)
        raise RemediationError(
            f"method=winhttpcertcfg cannot be used for certificate {thumbprint} ({cert['subject']}): winhttpcertcfg "
            f"finds the certificate by subject, and 'winhttpcertcfg -s {argument}' also matches {len(also)} other "
            f"certificate(s) of LocalMachine\\{store} whose subject contains {argument!r}: {named}. It could change "
            "the key of one of those instead. Nothing was changed. Use method=acl, which grants access on this "
            "certificate's own key file (found by thumbprint), or remove the other certificate(s) first.")


def _one_key(facts, thumbprint, store) -> dict:
    if not facts:
        raise RemediationError(f"certificate {thumbprint} is not in LocalMachine\\{store}: import it first "
                               "(irops.remediation.certificate), or correct thumbprint / store_name")
    cert = facts[0]
    if not cert["has_private_key"]:
        raise RemediationError(f"certificate {thumbprint} in LocalMachine\\{store} has no private key: import the PFX "
                               "with its key (irops.remediation.certificate) before granting access to it")
    if cert.get("key_file") is None:
        raise RemediationError(f"the key file of certificate {thumbprint} is not known: {cert.get('key_file_unknown')}. "
                               "Nothing was changed.")
    if cert.get("key_acl") is None:
        raise RemediationError(f"the key file of certificate {thumbprint} could not be read: "
                               f"{cert.get('key_file_error') or cert['key_file']}")
    return cert


def _satisfied(held, wanted) -> bool:
    if wanted is None:
        return held is None
    return held == "full_control" or held == wanted


def _planned(before, principal, wanted) -> list:
    return _icacls.planned(before, principal, _icacls.Ace(principal.name, (), _icacls.RIGHTS[wanted], False)
                           if wanted else None)
