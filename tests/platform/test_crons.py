"""Crons really run on a database of ours: no module is left 'to install' or
'to upgrade' (Odoo then skips the database), and a scheduled action fires."""
import time

import harness


def test_no_module_is_left_pending(admin_rpc):
    pending = admin_rpc.call("ir.module.module", "search_read",
                             [("state", "in", ["to install", "to upgrade", "to remove"])], fields=["name", "state"])
    assert pending == []


def test_a_scheduled_action_fires_on_a_server_with_a_cron_thread(odoo_db, admin_rpc):
    # Given a scheduled action due now, which records that it ran
    model_id = admin_rpc.call("ir.model", "search", [("model", "=", "ir.config_parameter")])[0]
    marker = "platform.cron_probe.%d" % int(time.time())
    cron_id = admin_rpc.call("ir.cron", "create", {
        "name": "Platform cron probe", "model_id": model_id, "state": "code",
        "code": "model.sudo().set_param('%s', 'ran')" % marker,
        "interval_number": 1, "interval_type": "minutes", "numbercall": 1,
        "nextcall": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60)),
    })
    # the other due actions wait meanwhile: the cron thread runs them one after the other,
    # and the IMAP servers of earlier tests, stopped since, cost it ten seconds each
    others = admin_rpc.call("ir.cron", "search_read", [("id", "!=", cron_id), ("active", "=", True)],
                            fields=["nextcall"])
    later = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 86400))
    admin_rpc.call("ir.cron", "write", [cron["id"] for cron in others], {"nextcall": later})
    # When a server with one cron thread runs for a while
    server = harness.OdooServer(odoo_db, extra_args=["--max-cron-threads=1"])
    try:
        deadline = time.time() + 180
        value = False
        while time.time() < deadline and not value:
            time.sleep(5)
            value = admin_rpc.call("ir.config_parameter", "get_param", marker)
    finally:
        server.stop()
        admin_rpc.call("ir.cron", "unlink", [cron_id])
        for cron in others:
            admin_rpc.call("ir.cron", "write", [cron["id"]], {"nextcall": cron["nextcall"]})
    # Then the action has run
    assert value == "ran"
