# Copyright (c) 2026 irops.remediation contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ensure an http.sys SSL certificate binding with ``netsh http ... sslcert``.

Round trips: one read (``netsh http show sslcert``) when nothing needs to change or in
check mode; one more for a change, which sends ONE write with a verifying show:

- an existing binding is replaced with ``netsh http update sslcert`` ("Updates an existing
  SSL server certificate binding", netsh-http.md), carrying the wanted certificate, store
  and application id and every other setting the binding has (netsh-http.md, 2025 edition,
  documents the same keywords for ``add`` and ``update``). There is no delete, so there is
  no moment without a binding, and a failed update leaves the old record as it was;
- a new binding is one ``netsh http add sslcert``; ``state=absent`` one ``delete sslcert``.

The show in the same batch says what the node has afterwards; the task reports that, and
never restores anything (nothing needs restoring). If the connection drops during the
change, the binding is read once more in a new round trip and the task reports what it
finds, or says the state is unknown when that read fails too.
"""

from __future__ import annotations

import re

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.irops.remediation.plugins.plugin_utils import _netsh
from ansible_collections.irops.remediation.plugins.plugin_utils._action import NodeAction
from ansible_collections.irops.remediation.plugins.plugin_utils._errors import InvalidValue, RemediationError
from ansible_collections.irops.remediation.plugins.plugin_utils._runner import RemoteCommandError
from ansible_collections.irops.remediation.plugins.plugin_utils._thumbprint import normalize_thumbprint

_STORE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
# Win32 codes netsh prints after "Error:", and what the operator should do about each.
_HINTS = {
    1312: ("the certificate {hash} is not in LocalMachine\\{store}, or it has no private key there: "
           "import it with its key first (or correct certificate_store)"),
    183: "another binding already exists on {endpoint}; it appeared while this task ran",
    2: "there is no binding on {endpoint} any more; it was deleted while this task ran",
    5: "access is denied: the connection user must be a local administrator",
}
_GENERIC_HINT = ("check the values against 'netsh http {verb} sslcert help' (netsh answers a keyword this "
                 "Windows build does not know with 'The parameter is incorrect.')")
_CACHING_CLIENT_HELLO_FIX = (
    "Rebind this endpoint with a tool that calls the HTTP Server API (HttpSetServiceConfiguration with "
    "HTTP_SERVICE_CONFIG_SSL_FLAG_ENABLE_CACHE_CLIENT_HELLO), or, if the application does not need cached "
    "Client Hello messages, delete the binding (state=absent) and run this task again")
_UNMAPPED_FIX = (
    "The binding's fields are in 'before.fields'; rebind it by hand with 'netsh http update sslcert' "
    "carrying that setting, and report this 'netsh http show sslcert' output so the field set can be supported")


class ActionModule(NodeAction):
    argument_spec = {
        "ip_port": {"type": "str"},
        "hostname_port": {"type": "str"},
        "certificate_hash": {"type": "str"},
        "certificate_store": {"type": "str", "default": "My"},
        "app_id": {"type": "str"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    }
    constraints = {
        "mutually_exclusive": [["ip_port", "hostname_port"]],
        "required_one_of": [["ip_port", "hostname_port"]],
        "required_if": [["state", "present", ["certificate_hash"]]],
    }

    def execute(self, args, runner, task_vars):
        endpoint = (_netsh.parse_ip_port(args["ip_port"]) if args["ip_port"]
                    else _netsh.parse_hostname_port(args["hostname_port"]))
        want = None
        if args["state"] == "present":
            store = args["certificate_store"]
            if not _STORE_NAME.match(store):
                raise InvalidValue("certificate_store", store, "give a store name such as My, Root or WebHosting")
            want = {
                "certificate_hash": normalize_thumbprint(args["certificate_hash"], what="certificate_hash"),
                "certificate_store": store,
                "app_id": _netsh.normalize_app_id(args["app_id"]) if args["app_id"] else None,
            }

        before = self._read(runner, endpoint)
        if want is not None and want["app_id"] is None:
            want["app_id"] = before.app_id if before and before.app_id else _netsh.stable_app_id(endpoint)

        result = {"endpoint": endpoint.argument, "before": _view(before)}
        if _satisfied(before, want):
            result.update(changed=False, after=_view(before), diff=_diff(endpoint, before, before),
                          msg=f"{endpoint.argument}: binding already as wanted")
            return result

        command, planned = _plan(endpoint, before, want)
        result.update(changed=True, diff=_diff(endpoint, before, planned),
                      documented_symptoms=self.documented_symptoms(),
                      msg=_drift_message(endpoint, before, want, planned))
        if self._task.check_mode:
            result["after"] = _view(planned)
            return result

        after, notes = self._apply(runner, endpoint, before, planned, command)
        result["after"] = _view(after)
        result["node_state"] = "as_wanted"
        if notes:
            result["warnings"] = notes
            result["connection_lost"] = True
        return result

    @staticmethod
    def _read(runner, endpoint):
        shown = runner.run_one(_netsh.show_command())
        if not shown.ok:
            raise RemediationError(f"netsh http show sslcert failed (exit code {shown.rc}): {shown.output}")
        return _netsh.find_binding(_netsh.parse_show_sslcert(shown.stdout), endpoint)

    def _apply(self, runner, endpoint, before, planned, command):
        """Run the one write and a verifying show in one round trip; return the binding the
        node has and any warnings, or fail saying exactly what the node has."""
        try:
            written, shown = runner.run([command, _netsh.show_command()])
        except (AnsibleConnectionFailure, RemoteCommandError) as exc:
            # The runner raises AnsibleConnectionFailure when the transport fails and
            # RemoteCommandError when the script did not run to its end.
            return self._after_lost_connection(runner, endpoint, before, planned, command, exc)
        if not shown.ok:
            raise _failure(endpoint, before, None, "unknown",
                           f"{_outcome(written, endpoint, planned)} The verifying 'netsh http show sslcert' failed "
                           f"(exit code {shown.rc}: {shown.output.strip()}), so what {endpoint.argument} has now "
                           "is unknown: run this task in check mode to see it.")
        after = _netsh.find_binding(_netsh.parse_show_sslcert(shown.stdout), endpoint)
        if _achieved(after, planned):
            return after, []
        raise _failure(endpoint, before, after, "unchanged" if _same(after, before) else "changed",
                       f"{_outcome(written, endpoint, planned)} {_state_sentence(endpoint, before, after, planned)}")

    @staticmethod
    def _after_lost_connection(runner, endpoint, before, planned, command, exc):
        lost = f"The connection to the node was lost while '{_short(command.line)}' ran ({_first_line(exc)})."
        try:
            shown = runner.run_one(_netsh.show_command())
        except (AnsibleConnectionFailure, RemoteCommandError) as again:
            shown, again_text = None, _first_line(again)
        else:
            again_text = f"exit code {shown.rc}: {shown.output.strip()}"
        if shown is None or not shown.ok:
            raise _failure(endpoint, before, None, "unknown",
                           f"{lost} Reading the binding again failed too ({again_text}), so what "
                           f"{endpoint.argument} has now is unknown; its previous binding, with every setting, "
                           "is in 'before'. Run this task in check mode once the node is reachable to see it.")
        after = _netsh.find_binding(_netsh.parse_show_sslcert(shown.stdout), endpoint)
        if _achieved(after, planned):
            return after, [f"{lost} Read again in a new round trip, {endpoint.argument} has the wanted binding"
                           + (", with every setting of the previous one." if before and planned else ".")]
        raise _failure(endpoint, before, after, "unchanged" if _same(after, before) else "changed",
                       f"{lost} Read again in a new round trip: {_state_sentence(endpoint, before, after, planned)} "
                       "(Windows keeps running a command whose client went away, so if it was still running "
                       "the binding may yet change: run this task again to see.)")


def _plan(endpoint, before, want):
    """The one write command, and the binding it asks for (None: no binding)."""
    if want is None:
        return _netsh.delete_command(endpoint), None
    if before is None:
        planned = _netsh.Binding(endpoint, want["certificate_hash"], want["app_id"], want["certificate_store"])
        return _netsh.add_command(endpoint, want["certificate_hash"], want["app_id"], want["certificate_store"]), planned
    try:
        command = _netsh.update_command(before, want["certificate_hash"], want["app_id"], want["certificate_store"])
    except _netsh.CannotCarry as exc:
        fixes = [_CACHING_CLIENT_HELLO_FIX] if before.keywordless() else []
        if len(exc.problems) > len(fixes):  # unplaced fields or missing values
            fixes.append(_UNMAPPED_FIX)
        raise RemediationError(
            f"{endpoint.argument}: refusing to rebind to certificate {want['certificate_hash']}: "
            f"{'; '.join(exc.problems)}. 'netsh http update sslcert' could not carry that setting, so the "
            f"rebind would lose it; nothing was changed. {'. '.join(fixes)}.",
            result={"endpoint": endpoint.argument, "before": _view(before), "after": _view(before),
                    "node_state": "unchanged", "changed": False},
        ) from None
    command.render()  # quote every value now: a value netsh cannot be given fails before any change
    return command, _netsh.replaced(before, want["certificate_hash"], want["app_id"], want["certificate_store"])


def _satisfied(binding, want) -> bool:
    if want is None:
        return binding is None
    return (binding is not None
            and binding.certificate_hash == want["certificate_hash"]
            and binding.effective_store.lower() == want["certificate_store"].lower()
            and binding.app_id == want["app_id"])


def _core(binding):
    return (binding.certificate_hash, binding.app_id, binding.effective_store.lower())


def _achieved(after, planned) -> bool:
    """The node has the binding asked for: for a rebind, every setting of the old one too."""
    if planned is None or after is None:
        return planned is None and after is None
    if _core(after) != _core(planned) or after.unmapped:
        return False
    # A new binding gets netsh's defaults; a replacement must show the settings it carried.
    return not planned.settings or (after.settings == planned.settings and after.extended == planned.extended)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _core(a) == _core(b) and a.settings == b.settings and a.extended == b.extended


def _differences(old, new) -> list[str]:
    """What differs between two bindings, as 'name: old -> new'."""
    if old is None or new is None:
        return [] if old is new else [f"binding: {'present' if old else 'none'} -> {'present' if new else 'none'}"]
    changes = []
    for name, a, b in (("certificate_hash", old.certificate_hash, new.certificate_hash),
                       ("app_id", old.app_id, new.app_id),
                       ("certificate_store", old.effective_store, new.effective_store)):
        if (a or "").lower() != (b or "").lower():
            changes.append(f"{name}: {a} -> {b}")
    for name in dict.fromkeys([*old.settings, *new.settings]):
        a, b = old.settings.get(name, "(not printed)"), new.settings.get(name, "(not printed)")
        if a != b:
            show = [_netsh.render_setting(name, v) if v != "(not printed)" else v for v in (a, b)]
            changes.append(f"{name}: {show[0]} -> {show[1]}")
    if old.extended != new.extended:
        changes.append("Extended Properties changed")
    changes += [f"unreadable field {u['position']} ({u['label']!r} : {u['value']!r})" for u in new.unmapped]
    return changes


def _describe(binding) -> str:
    kept = binding.non_default_settings()
    settings = (", settings " + ", ".join(f"{k}={_netsh.render_setting(k, v)}" for k, v in kept.items())
                if kept else ", every setting at its default")
    return (f"certificate {binding.certificate_hash} from store {binding.effective_store}, "
            f"app id {binding.app_id}{settings}")


def _state_sentence(endpoint, before, after, planned) -> str:
    """Exactly what the node has now, compared with what it had."""
    if _same(after, before):
        if before is None:
            return f"Nothing is bound on {endpoint.argument}, as before."
        return (f"The node still has the previous binding on {endpoint.argument}, unchanged ({_describe(before)}); "
                "'after' shows it as read back.")
    if after is None:
        return (f"Nothing is bound on {endpoint.argument} now; the previous binding ({_describe(before)}) is gone "
                "and its values are in 'before'.")
    versus_before = "; ".join(_differences(before, after)) if before else "there was none before"
    versus_planned = "; ".join(_differences(planned, after)) if planned else "a binding remains"
    return (f"{endpoint.argument} now has: {_describe(after)}. Changed from before (before -> now): "
            f"{versus_before}. Differs from what was asked (asked -> now): {versus_planned}.")


def _outcome(written, endpoint, planned) -> str:
    verb = written.command.split()[2] if len(written.command.split()) > 2 else "add"
    if written.ok:
        return (f"'{_short(written.command)}' reported success ({written.output.strip()}) but the binding read "
                "back is not the one asked for.")
    code = _netsh.error_code(written.output)
    hint = _HINTS.get(code, _GENERIC_HINT).format(
        hash=planned.certificate_hash if planned else "", store=planned.certificate_store if planned else "",
        endpoint=endpoint.argument, verb=verb)
    return f"'{_short(written.command)}' failed with exit code {written.rc}: {written.output.strip()} -> {hint}."


def _failure(endpoint, before, after, node_state, message) -> RemediationError:
    return RemediationError(message, result={
        "endpoint": endpoint.argument, "before": _view(before), "after": _view(after),
        "node_state": node_state, "changed": node_state == "changed"})


def _short(line: str) -> str:
    """A command as far as its certificate; the whole line, with every setting, is in 'commands'."""
    words = line.split(" ")
    return line if len(words) <= 7 else " ".join(words[:7]) + " ... (every setting of the binding)"


def _first_line(exc) -> str:
    """The transport error itself (the runner wraps it), or the first line of the message."""
    cause = exc.__cause__ or exc
    text = str(getattr(cause, "message", None) or cause).strip()
    text = text.splitlines()[0] if text else ""
    text = f"{type(cause).__name__}: {text}" if cause is not exc else text
    return text[:300] or type(exc).__name__


def _view(binding):
    """Every value of a binding: the compared ones, every setting by its netsh keyword, and
    the fields as netsh printed them (labels in the node's language)."""
    if binding is None:
        return None
    return {"certificate_hash": binding.certificate_hash, "app_id": binding.app_id,
            "certificate_store": binding.effective_store, "settings": dict(binding.settings),
            "non_default_settings": binding.non_default_settings(), "unmapped": [dict(u) for u in binding.unmapped],
            "field_set": binding.field_set, "fields": [list(pair) for pair in binding.fields],
            "extended_properties": [list(pair) for pair in binding.extended]}


def _render(endpoint, binding) -> str:
    if binding is None:
        return ""
    lines = [endpoint.argument, f"  certificate_hash: {binding.certificate_hash}", f"  app_id: {binding.app_id}",
             f"  certificate_store: {binding.effective_store}"]
    lines += [f"  {name}: {_netsh.render_setting(name, value)}" for name, value in binding.non_default_settings().items()]
    lines += [f"  unreadable field {u['position']}: {u['label']} : {u['value']}" for u in binding.unmapped]
    return "\n".join(lines) + "\n"


def _diff(endpoint, before, after) -> dict:
    header = f"http.sys SSL binding {endpoint.argument}"
    return {"before": _render(endpoint, before), "after": _render(endpoint, after),
            "before_header": header, "after_header": header}


def _drift_message(endpoint, before, want, planned) -> str:
    if want is None:
        return f"{endpoint.argument}: binding to certificate {before.certificate_hash} will be deleted"
    if before is None:
        return (f"{endpoint.argument}: no binding; certificate {want['certificate_hash']} "
                f"from {want['certificate_store']} will be bound")
    kept = planned.non_default_settings()
    keeping = (f"keeping its settings ({', '.join(f'{k}={_netsh.render_setting(k, v)}' for k, v in kept.items())})"
               if kept else "keeping its settings (all at their defaults)")
    if before.certificate_hash != want["certificate_hash"]:
        return (f"{endpoint.argument}: bound to certificate {before.certificate_hash} instead of "
                f"{want['certificate_hash']}; it will be rebound with netsh http update sslcert, {keeping}")
    return (f"{endpoint.argument}: bound to the right certificate but with store {before.effective_store} "
            f"and app id {before.app_id}; it will be rebound with store {want['certificate_store']} "
            f"and app id {want['app_id']} with netsh http update sslcert, {keeping}")
