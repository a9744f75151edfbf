"""The users and records the access matrix is walked with, made once per session by admin.

Everything is created by admin through XML-RPC on the server of ``odoo_server`` (tests/conftest.py);
names carry a run suffix, so that the suite runs again on a kept database.
"""
import os
import secrets
import sys
import xmlrpc.client

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import access_matrix  # noqa: E402
from access_rpc import OUR_ADDONS, PASSWORD, JsonRpc  # noqa: E402


@pytest.fixture(scope="session")
def installed_addons(admin_rpc):
    names = admin_rpc.call("ir.module.module", "search_read",
                           [("name", "in", OUR_ADDONS), ("state", "=", "installed")], fields=["name"])
    return {row["name"] for row in names}


@pytest.fixture(scope="session")
def all_addons(installed_addons):
    missing = set(OUR_ADDONS) - installed_addons
    if missing:
        pytest.skip("the access matrix needs all our addons installed (missing: %s)" % ", ".join(sorted(missing)))


class World(object):
    """Users (role -> login) and named records (name -> ids, or a domain for SQL views)."""

    def __init__(self, server, admin):
        self.server = server
        self.admin = admin
        self.suffix = secrets.token_hex(3)
        self.users = {}
        self.uids = {}
        self.records = {}
        self.domains = {}
        self.api_token = None
        self.publishable_token = None
        self.ids = {}
        self.pending_merges = []

    def ref(self, xmlid):
        return self.admin.call("ir.model.data", "xmlid_to_res_id", xmlid, True)

    def create(self, model, values, name=None, **context):
        ctx = dict({"tracking_disable": True, "mail_create_nolog": True, "no_reset_password": True}, **context)
        record_id = self.admin.call(model, "create", values, context=ctx)
        if name:
            self.records[name] = [record_id]
        return record_id

    def ids_of(self, name):
        return self.records.get(name, [])

    def id(self, name):
        return self.records[name][0]

    def login(self, role):
        return JsonRpc(self.server.url, self.server.db, self.users[role], PASSWORD)


def _build(world):  # noqa: C901 (one straight script of fixtures)
    admin, create, ref, sfx = world.admin, world.create, world.ref, world.suffix
    main = admin.call("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    other = create("res.company", {"name": "Other Co %s" % sfx, "currency_id": ref("base.EUR")})
    admin.call("res.users", "write", [admin.uid], {"company_ids": [(4, other)]})
    world.ids.update(main=main, other=other)

    cust_a = create("res.partner", {"name": "Customer A %s" % sfx, "is_company": True, "customer": True}, "cust_a")
    contact_a = create("res.partner", {"name": "Alice A %s" % sfx, "parent_id": cust_a,
                                       "email": "alice.%s@example.com" % sfx}, "contact_a")
    cust_b = create("res.partner", {"name": "Customer B %s" % sfx, "is_company": True, "customer": True}, "cust_b")
    contact_b = create("res.partner", {"name": "Bob B %s" % sfx, "parent_id": cust_b,
                                       "email": "bob.%s@example.com" % sfx}, "contact_b")

    team_fields = admin.call("crm.team", "fields_get", [], attributes=["type"])
    team_1 = create("crm.team", {"name": "Team 1 %s" % sfx, "company_id": main})
    team_2_values = {"name": "Team 2 %s" % sfx, "company_id": main}
    if "members_see_unassigned_leads" in team_fields:
        team_2_values["members_see_unassigned_leads"] = False
    team_2 = create("crm.team", team_2_values)
    team_oc = create("crm.team", {"name": "Team OC %s" % sfx, "company_id": other})
    world.ids.update(team_1=team_1, team_2=team_2, team_oc=team_oc)

    def user(role, groups, company=main, **values):
        login = "access_%s_%s" % (role, sfx)
        uid = create("res.users", dict({
            "name": "%s %s" % (access_matrix.ROLE_LABELS[role], sfx), "login": login, "password": PASSWORD,
            "email": "%s@example.com" % login, "company_id": company, "company_ids": [(6, 0, [company])],
            "groups_id": [(6, 0, [ref(group) for group in groups])],
        }, **values))
        world.users[role], world.uids[role] = login, uid
        return uid

    salesman = ["base.group_user", "sales_team.group_sale_salesman"]
    manager = ["base.group_user", "sales_team.group_sale_manager"]
    s1 = user("salesman_1", salesman, sale_team_id=team_1)
    s2 = user("salesman_2", salesman, sale_team_id=team_2)
    tl = user("team_leader", salesman)
    user("sales_manager", manager)
    user("accountant", ["base.group_user", "account.group_account_invoice"])
    oc = user("other_company", manager + ["account.group_account_invoice"], company=other)
    user("portal_a", ["base.group_portal"], partner_id=contact_a)
    user("portal_b", ["base.group_portal"], partner_id=contact_b)
    admin.call("crm.team", "write", [team_1], {"user_id": tl})

    # ---------------------------------------------------------------- crm_leads
    def lead(name, user_id, team_id, company=main):
        return create("crm.lead", {"name": "%s %s" % (name, sfx), "user_id": user_id, "team_id": team_id,
                                   "company_id": company, "type": "opportunity", "planned_revenue": 1000,
                                   "date_deadline": "2027-03-15", "partner_id": cust_a}, name)
    lead("lead_s1", s1, team_1)
    lead("lead_tl", tl, team_1)
    lead("lead_t1_free", False, team_1)
    lead("lead_s2", s2, team_2)
    lead("lead_t2_free", False, team_2)
    lead("lead_free", False, False)
    lead("lead_oc", oc, team_oc, other)

    key_main = create("crm.lead.api.key", {"name": "Key %s" % sfx, "team_id": team_1, "company_id": main,
                                           "form_min_seconds": 0, "allowed_origins": "*"}, "key_main")
    key_oc = create("crm.lead.api.key", {"name": "Key OC %s" % sfx, "team_id": team_oc, "company_id": other},
                    "key_oc")
    action = admin.call("crm.lead.api.key", "action_generate_key", [key_main])
    world.api_token = action["context"]["crm_leads_new_key"][str(key_main)]
    key_pub = create("crm.lead.api.key", {"name": "Public key %s" % sfx, "team_id": team_1, "company_id": main,
                                          "key_kind": "publishable"})
    action = admin.call("crm.lead.api.key", "action_generate_key", [key_pub])
    world.publishable_token = action["context"]["crm_leads_new_key"][str(key_pub)]
    create("crm.lead.api.request", {"api_key_id": key_main, "idempotency_key": "idem-%s" % sfx}, "req_main")
    create("crm.lead.api.request", {"api_key_id": key_oc, "idempotency_key": "idem-oc-%s" % sfx}, "req_oc")
    arule_main = create("crm.lead.assignment.rule", {"name": "Rule %s" % sfx, "team_id": team_1, "company_id": main,
                                                     "member_ids": [(0, 0, {"user_id": s1})]}, "arule_main")
    arule_oc = create("crm.lead.assignment.rule", {"name": "Rule OC %s" % sfx, "team_id": team_oc,
                                                   "company_id": other, "member_ids": [(0, 0, {"user_id": oc})]},
                      "arule_oc")
    for name, rule in (("amember_main", arule_main), ("amember_oc", arule_oc)):
        world.records[name] = admin.call("crm.lead.assignment.member", "search", [("rule_id", "=", rule)])
    world.domains["forecast_main"] = ("crm.lead.forecast.report", [("company_id", "=", main)])
    world.domains["forecast_oc"] = ("crm.lead.forecast.report", [("company_id", "=", other)])

    # ---------------------------------------------------------------- lead_scoring
    create("lead.scoring.rule", {"name": "Rule %s" % sfx, "company_id": main}, "lsrule_main")
    create("lead.scoring.rule", {"name": "Rule OC %s" % sfx, "company_id": other}, "lsrule_oc")
    for name, company in (("lsmodel_main", main), ("lsmodel_oc", other)):
        found = admin.call("lead.scoring.model", "search", [("company_id", "=", company)])
        world.records[name] = found or [create("lead.scoring.model", {"company_id": company})]
    for suffix in ("s1", "tl", "t1_free", "s2", "t2_free", "free", "oc"):
        lead_id = world.id("lead_" + suffix)
        create("crm.lead.event", {"event_type": "page_view", "url": "https://example.com/%s" % suffix,
                                  "lead_id": lead_id, "company_id": other if suffix == "oc" else main},
               "ev_" + suffix)
        world.domains["rep_" + suffix] = ("lead.scoring.report", [("lead_id", "=", lead_id)])
    create("crm.lead.event", {"event_type": "page_view", "visitor_id": "visitor-%s" % sfx, "company_id": main},
           "ev_visitor")

    # ---------------------------------------------------------------- contact_dedup
    dup_a = create("res.partner", {"name": "Customer A %s" % sfx, "is_company": True})
    create("contact.dedup.group", {"res_model": "res.partner", "partner_ids": [(6, 0, [cust_a, dup_a])],
                                   "record_count": 2, "score": 0.9}, "dgroup_partner")
    create("contact.dedup.group", {"res_model": "crm.lead",
                                   "lead_ids": [(6, 0, [world.id("lead_s2"), world.id("lead_t2_free")])],
                                   "record_count": 2, "score": 0.9, "company_id": main}, "dgroup_lead")
    create("contact.dedup.group", {"res_model": "crm.lead", "lead_ids": [(6, 0, [world.id("lead_oc")])],
                                   "record_count": 1, "score": 0.9, "company_id": other}, "dgroup_oc")
    create("contact.dedup.pair", {"group_id": world.id("dgroup_partner"), "record_low": cust_a,
                                  "record_high": dup_a, "score": 0.9}, "dpair_partner")
    create("contact.dedup.pair", {"group_id": world.id("dgroup_lead"), "record_low": world.id("lead_s2"),
                                  "record_high": world.id("lead_t2_free"), "score": 0.9}, "dpair_lead")
    create("contact.dedup.pair", {"group_id": world.id("dgroup_oc"), "record_low": world.id("lead_oc"),
                                  "record_high": world.id("lead_oc") + 1, "score": 0.9}, "dpair_oc")
    create("contact.dedup.exclusion", {"res_model": "res.partner", "record_low": cust_a, "record_high": cust_b},
           "dexclusion")

    world.records["dweight"] = admin.call("contact.dedup.weight", "search", [], limit=1) or [
        create("contact.dedup.weight", {"kind": "person", "field_name": "email"})]

    # a real merge, made with the merge wizard by the sales manager (merge group): the log of
    # the merge and the rows it moved (the duplicate's child contact, its followers)
    keep = create("res.partner", {"name": "Merge keep %s" % sfx, "email": "merge.%s@example.com" % sfx})
    dup = create("res.partner", {"name": "Merge keep %s" % sfx, "email": "merge.%s@example.com" % sfx})
    create("res.partner", {"name": "Merge child %s" % sfx, "parent_id": dup})
    world.ids["merge_keep"] = keep
    world.pending_merges.append((keep, dup))

    # ---------------------------------------------------------------- mail_gateway
    server = create("fetchmail.server", {"name": "IMAP %s" % sfx, "server": "imap.example.com", "type": "imap",
                                         "user": "u", "password": "secret-%s" % sfx})
    create("mail.gateway.imap.folder", {"server_id": server, "name": "INBOX"}, "imap_folder")
    raw = xmlrpc.client.Binary(b"From: x@example.com\r\nSubject: secret\r\n\r\nbody\r\n")
    create("mail.gateway.message", {"message_key": "<m-%s@example.com>" % sfx, "subject": "Mail %s" % sfx,
                                    "raw": raw, "team_id": team_1, "company_id": main}, "mail_main")
    create("mail.gateway.message", {"message_key": "<m-oc-%s@example.com>" % sfx, "subject": "Mail OC %s" % sfx,
                                    "raw": raw, "team_id": team_oc, "company_id": other}, "mail_oc")
    create("mail.gateway.rule", {"name": "Rule %s" % sfx, "team_id": team_1, "company_id": main}, "mrule_main")
    create("mail.gateway.rule", {"name": "Rule OC %s" % sfx, "team_id": team_oc, "company_id": other}, "mrule_oc")
    admin.call("ir.config_parameter", "set_param", "mail_gateway.http_secret", "gateway-secret-%s" % sfx)
    world.ids["gateway_secret"] = "gateway-secret-%s" % sfx

    # ---------------------------------------------------------------- sales orders, deposits, invoices
    product = create("product.product", {"name": "Service %s" % sfx, "type": "service", "list_price": 100.0})
    world.ids["product"] = product
    warehouse_oc = admin.call("stock.warehouse", "search", [("company_id", "=", other)], limit=1)
    world.ids["warehouse_oc"] = warehouse_oc[0] if warehouse_oc else False

    def order(name, partner, user_id, company=main):
        values = {"partner_id": partner, "user_id": user_id, "company_id": company,
                  "order_line": [(0, 0, {"product_id": product, "name": "Service", "product_uom_qty": 1,
                                         "price_unit": 100.0})]}
        if company == other and warehouse_oc:
            values["warehouse_id"] = warehouse_oc[0]
        order_id = create("sale.order", values, name)
        admin.call("sale.order", "message_subscribe", [order_id], [partner])
        return order_id
    order("so_a", cust_a, s1)
    order("so_b", cust_b, s2)
    order("so_oc", cust_a, oc, other)
    for name, order_name in (("dep_a", "so_a"), ("dep_b", "so_b"), ("dep_oc", "so_oc")):
        create("sale.deposit", {"name": "Deposit %s %s" % (name, sfx), "order_id": world.id(order_name),
                                "kind": "acompte", "amount": 30.0}, name)
    for tag, company in (("main", main), ("oc", other)):
        create("sale.deposit.template", {"name": "Deposit terms %s %s" % (tag, sfx), "company_id": company,
                                         "deposit_method": "fixed", "deposit_value": 30.0}, "dtpl_" + tag)

    def invoice(name, partner, user_id, company=main):
        values = {"partner_id": partner, "user_id": user_id, "company_id": company, "type": "out_invoice"}
        invoice_id = create("account.invoice", values, name, type="out_invoice", force_company=company)
        admin.call("account.invoice", "message_subscribe", [invoice_id], [partner])
        return invoice_id
    invoice("inv_a", cust_a, s1)
    invoice("inv_b", cust_b, s2)
    try:
        invoice("inv_oc", cust_a, oc, other)
    except xmlrpc.client.Fault:
        world.records["inv_oc"] = []  # the other company has no chart of accounts: no invoice there

    # ---------------------------------------------------------------- recurring_billing
    for tag, partner, user_id, company in (("a", cust_a, s1, main), ("b", cust_b, s2, main),
                                           ("oc", cust_a, oc, other)):
        contract = create("recurring.contract", {
            "name": "Contract %s %s" % (tag, sfx), "partner_id": partner, "user_id": user_id, "company_id": company,
            "date_start": "2026-10-01", "recurring_interval": 1, "recurring_unit": "month",
            "line_ids": [(0, 0, {"product_id": product, "name": "Service", "quantity": 3, "price_unit": 42.0}),
                         (0, 0, {"product_id": product, "name": "Usage", "quantity": 0, "price_unit": 0.5,
                                 "is_usage": True})],
        }, "ctr_" + tag)
        admin.call("recurring.contract", "action_start", [contract])
        line = admin.call("recurring.contract.line", "search", [("contract_id", "=", contract)], order="id")
        world.records["cline_" + tag] = line
        create("recurring.contract.period", {"contract_id": contract, "date_start": "2026-10-01",
                                             "date_end": "2026-10-31"}, "period_" + tag)
        create("recurring.contract.pause", {"contract_id": contract, "date_start": "2027-06-01",
                                            "date_end": "2027-06-30"}, "pause_" + tag)
        create("recurring.contract.adjustment", {"contract_id": contract, "product_id": product,
                                                 "name": "Adjustment", "date": "2027-02-01", "amount": 5.0},
               "adj_" + tag)
        create("recurring.price.change", {"line_id": line[0], "date": "2027-09-01", "price_unit": 44.0},
               "pchange_" + tag)
        create("recurring.usage", {"line_id": line[1], "date": "2027-01-15", "quantity": 7.0}, "usage_" + tag)
        create("recurring.mrr.snapshot", {"contract_id": contract, "partner_id": partner, "user_id": user_id,
                                          "company_id": company, "month": "2026-10-01", "mrr": 126.0},
               "snap_" + tag)
        world.domains["mrr_" + tag] = ("recurring.revenue.report", [("contract_id", "=", contract)])
        # a scheduled change of the first line (after today: kept as an amendment until invoiced)
        admin.call("recurring.contract.line", "apply_change", [line[0]], "2027-03-01", quantity=4.0)
        world.records["amend_" + tag] = admin.call("recurring.contract.amendment", "search",
                                                   [("contract_id", "=", contract)])

    # a real failing invoicing run per company: contracts of a product without income account
    # (and, in the other company, without any chart of accounts), invoiced by the run's own
    # code (``_invoice_contracts``, what the cron does per batch) from a server action
    category = create("product.category", {"name": "No accounts %s" % sfx})
    admin.call("product.category", "write", [category], {"property_account_income_categ_id": False})
    unbillable = create("product.product", {"name": "Unbillable %s" % sfx, "type": "service", "categ_id": category,
                                            "list_price": 10.0})
    failing = {}
    for tag, partner, user_id, company in (("a", cust_a, s1, main), ("b", cust_b, s2, main),
                                           ("oc", cust_a, oc, other)):
        contract = create("recurring.contract", {
            "name": "Unbillable %s %s" % (tag, sfx), "partner_id": partner, "user_id": user_id,
            "company_id": company, "date_start": "2026-10-01", "recurring_interval": 1, "recurring_unit": "month",
            "line_ids": [(0, 0, {"product_id": unbillable, "name": "Unbillable", "quantity": 1, "price_unit": 10.0})],
        })
        admin.call("recurring.contract", "action_start", [contract])
        failing.setdefault(company, []).append(contract)
        world.ids["ctr_fail_" + tag] = contract
    contract_model = admin.call("ir.model", "search", [("model", "=", "recurring.contract")])[0]
    for company, contracts in failing.items():
        # the run belongs to the company of its contracts
        action = create("ir.actions.server", {
            "name": "Invoicing run %s" % sfx, "model_id": contract_model, "state": "code",
            "code": "model.browse(%r).with_context(default_company_id=%d)._invoice_contracts("
                    "model._invoicing_today())\naction = False" % (contracts, company)})
        admin.call("ir.actions.server", "run", [action])
        admin.call("ir.actions.server", "unlink", [action])
    for tag in ("a", "b", "oc"):
        issue = admin.call("recurring.invoicing.issue", "search_read",
                           [("contract_id", "=", world.ids["ctr_fail_" + tag])], ["run_id"])
        world.records["issue_" + tag] = [row["id"] for row in issue]
        if tag != "b" and issue and issue[0]["run_id"]:
            world.records["run_main" if tag == "a" else "run_oc"] = [issue[0]["run_id"][0]]

    # the merge, as the sales manager makes it (after the other users exist)
    manager = world.login("sales_manager")
    for keep, dup in world.pending_merges:
        wizard = manager.call("contact.dedup.merge", "create", {"partner_ids": [(6, 0, [keep, dup])],
                                                                "dest_partner_id": keep})
        manager.call("contact.dedup.merge", "action_merge", [wizard])
    world.records["mlog"] = admin.call("contact.dedup.merge.log", "search", [("dest_id", "=", world.ids["merge_keep"]),
                                                                             ("res_model", "=", "res.partner")])
    # a real merge of leads in each company, with CRM's merge wizard, by each company's manager
    for tag, role, company, team in (("main", "sales_manager", main, team_2), ("oc", "other_company", other, team_oc)):
        leads = [create("crm.lead", {"name": "Merged lead %s %s" % (tag, sfx), "type": "opportunity",
                                     "email_from": "merged.%s@example.com" % sfx, "team_id": team,
                                     "company_id": company}) for _index in range(2)]
        client = manager if role == "sales_manager" else world.login(role)
        wizard = client.call("crm.merge.opportunity", "create", {"opportunity_ids": [(6, 0, leads)], "team_id": team},
                             context={"active_ids": leads, "active_model": "crm.lead"})
        client.call("crm.merge.opportunity", "action_merge", [wizard])
        world.records["mlog_lead_" + tag] = admin.call("contact.dedup.merge.log", "search",
                                                       [("lead_id", "in", leads), ("res_model", "=", "crm.lead")])
    for name in ("mlog", "mlog_lead_main", "mlog_lead_oc"):
        world.records[name.replace("mlog", "mline")] = admin.call(
            "contact.dedup.merge.log.line", "search", [("log_id", "in", world.records[name])], limit=1)

    # ---------------------------------------------------------------- sale_approval
    # a rule per company (quotations marked by their reference), approved by the company's
    # sales manager; quotations submitted by their salesperson, then approved, refused with
    # the refusal wizard, and answered by the customer (signature evidence: name, image, IP, browser)
    _build_sale_approval(world, product, warehouse_oc)

    # domains of SQL views resolved once, as admin
    for name, (model, domain) in world.domains.items():
        world.records[name] = admin.call(model, "search", domain)
    return world


def _build_sale_approval(world, product, warehouse_oc):
    admin, create, ref, sfx = world.admin, world.create, world.ref, world.suffix
    main, other = world.ids["main"], world.ids["other"]
    if not admin.call("ir.model", "search", [("model", "=", "sale.approval.rule")]):
        return
    marker = "approval-%s" % sfx
    world.records["rreason"] = [ref("sale_approval.refusal_reason_price")]
    # nobody approves his own quotation: the other company's only user sells, admin approves there
    approver_uids = {"sales_manager": world.uids["sales_manager"], "admin": admin.uid}
    for tag, company, approver in (("main", main, "sales_manager"), ("oc", other, "admin")):
        create("sale.approval.rule", {
            "name": "Approval %s %s" % (tag, sfx), "company_id": company, "condition": "domain",
            "domain": "[('client_order_ref', '=', '%s')]" % marker, "approver_kind": "user",
            "approver_user_id": approver_uids[approver]}, "aprule_" + tag)
    signature = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    for tag, partner, seller, approver, company in (
            ("a", "cust_a", "salesman_1", "sales_manager", main),
            ("b", "cust_b", "salesman_2", "sales_manager", main),
            ("oc", "cust_a", "other_company", "admin", other)):
        values = {"partner_id": world.id(partner), "user_id": world.uids[seller], "company_id": company,
                  "client_order_ref": marker,
                  "order_line": [(0, 0, {"product_id": product, "name": "Service", "product_uom_qty": 1,
                                         "price_unit": 100.0})]}
        if company == other and warehouse_oc:
            values["warehouse_id"] = warehouse_oc[0]
        order_id = create("sale.order", values, "apq_" + tag)
        admin.call("sale.order", "message_subscribe", [order_id], [world.id(partner)])
        # the salesperson asks for approval, the approver decides
        world.login(seller).call("sale.order", "action_approval_request", [order_id])
        decider = admin if approver == "admin" else world.login(approver)
        if tag == "b":
            wizard = decider.call("sale.approval.refuse.wizard", "create", {
                "order_id": order_id, "reason_id": world.id("rreason"), "note": "Margin too low"})
            decider.call("sale.approval.refuse.wizard", "action_refuse", [wizard])
        else:
            decider.call("sale.order", "action_approval_approve", [order_id])
        world.records["apreq_" + tag] = admin.call("sale.approval.request", "search", [("order_id", "=", order_id)])
        # the customer's answer: A accepts and signs, B and the other company's customer refuse
        # (both return the answer record, which XML-RPC cannot send back: the answer is made and
        # committed before the reply fails, and is looked up below)
        try:
            if tag == "a":
                admin.call("sale.order", "action_customer_accept", [order_id], "Alice A", signature,
                           "203.0.113.7", "Mozilla/5.0 access-matrix")
            else:
                admin.call("sale.order", "action_customer_refuse", [order_id], None, "Too expensive",
                           "203.0.113.8", "Mozilla/5.0 access-matrix")
        except xmlrpc.client.Fault as fault:
            if "_thread.lock" not in fault.faultString:
                raise
        world.records["ans_" + tag] = admin.call("sale.quotation.answer", "search", [("order_id", "=", order_id)])


@pytest.fixture(scope="session")
def world(all_addons, odoo_server, admin_rpc):
    return _build(World(odoo_server, admin_rpc))


@pytest.fixture(scope="session")
def role_clients(world):
    return {role: world.login(role) for role in access_matrix.RPC_ROLES}
