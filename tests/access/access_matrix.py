"""Who may do what, on every model of our seven addons: the access matrix, as data.

``MODELS[model]`` holds, per role, the records the role may read, write and delete and
whether it may create. Records are named fixtures built by ``tests/access/conftest.py``
(``lead_s1`` is salesman 1's lead, ``ctr_a`` customer A's contract, ``*_oc`` the other
company's); a name missing from a set means "refused". Roles missing from a model's
``rights`` may do nothing on it. ``test_access_matrix.py`` walks every cell through
JSON-RPC as each real user; ``test_matrix_complete.py`` fails when a model of our addons
is missing here; ``scripts``-free ``python -m tests.access.readme`` writes the addons'
README "Access rights" sections from it.

Roles (users built by the conftest, all in the main company unless told):

- ``public``: the website visitor (checked on the access control lists: it cannot log in)
- ``portal_a`` / ``portal_b``: portal users, contacts of customer A / customer B
- ``salesman_1`` / ``salesman_2``: salespeople (own documents), members of team 1 / team 2;
  team 1 shows its unassigned leads to its members, team 2 does not
- ``team_leader``: salesperson (own documents) leading team 1, not a member of it
- ``sales_manager``: sales manager (all documents, merges duplicates)
- ``accountant``: billing user, no sales rights
- ``other_company``: sales manager and billing user of the other company only
- ``api_secret`` / ``api_publishable``: a secret lead web service key, and a publishable one
  (meant for web pages: behaviour events only); they only create, through their endpoints
"""

ROLES = [
    "public", "portal_a", "portal_b", "salesman_1", "salesman_2", "team_leader", "sales_manager",
    "accountant", "other_company", "api_secret", "api_publishable",
]
# the roles that log in and are walked through JSON-RPC
RPC_ROLES = ["portal_a", "portal_b", "salesman_1", "salesman_2", "team_leader", "sales_manager",
             "accountant", "other_company"]
API_ROLES = ["api_secret", "api_publishable"]

ROLE_LABELS = {
    "public": "Public (website visitor)",
    "portal_a": "Portal customer",
    "portal_b": "Portal customer (other)",
    "salesman_1": "Salesperson",
    "salesman_2": "Salesperson, team hiding unassigned leads",
    "team_leader": "Team leader",
    "sales_manager": "Sales manager",
    "accountant": "Billing (accountant)",
    "other_company": "User of another company",
    "api_secret": "API key (secret)",
    "api_publishable": "API key (publishable)",
}


def rights(read="", write=None, unlink="", create=False):
    """One role's cell: space-separated record names; ``write`` defaults to ``read``."""
    read = set(read.split())
    return {
        "read": read,
        "write": set(write.split()) if write is not None else set(read),
        "unlink": set(unlink.split()),
        "create": create,
    }


def full(names):
    return rights(names, names, names, True)


# ---------------------------------------------------------------- record sets
LEADS = "lead_s1 lead_tl lead_t1_free lead_s2 lead_t2_free lead_free lead_oc"
LEADS_MAIN = "lead_s1 lead_tl lead_t1_free lead_s2 lead_t2_free lead_free"
TEAM_1_LEADS = "lead_s1 lead_tl lead_t1_free"
EVENTS = "ev_s1 ev_tl ev_t1_free ev_s2 ev_t2_free ev_free ev_visitor ev_oc"
EVENTS_MAIN = "ev_s1 ev_tl ev_t1_free ev_s2 ev_t2_free ev_free ev_visitor"
TEAM_1_EVENTS = "ev_s1 ev_tl ev_t1_free"
LEAD_REPORTS = "rep_s1 rep_tl rep_t1_free rep_s2 rep_t2_free rep_free rep_oc"
LEAD_REPORTS_MAIN = "rep_s1 rep_tl rep_t1_free rep_s2 rep_t2_free rep_free"
TEAM_1_REPORTS = "rep_s1 rep_tl rep_t1_free"

# ``kind``: "checked" (walked cell by cell), "stock" (a stock model we only add fields or
# behaviour to: its rights are Odoo's, listed with the reason), "abstract" (no table),
# "transient" (wizard rows: Odoo gives each user their own rows only).
MODELS = {
    # ------------------------------------------------------------ crm_leads
    "crm.lead": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": LEADS,
        "rights": {
            "salesman_1": rights(TEAM_1_LEADS, create=True),
            "salesman_2": rights("lead_s2", create=True),
            "team_leader": rights(TEAM_1_LEADS, create=True),
            "sales_manager": full(LEADS_MAIN),
            "other_company": full("lead_oc"),
            "api_secret": rights(create=True),
        },
        "note": "Salespeople: their own leads, their team's, and its unassigned ones when the team "
                "shows them (Sales Team > Members See Unassigned Leads); team leaders: their team's.",
    },
    "crm.lead.api.key": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": "key_main key_oc",
        "rights": {
            "sales_manager": full("key_main"),
            "other_company": full("key_oc"),
        },
        "note": "The key's hash is readable by administrators only.",
    },
    "crm.lead.api.request": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": "req_main req_oc",
        "rights": {
            "sales_manager": rights("req_main", "", "req_main"),
            "other_company": rights("req_oc", "", "req_oc"),
        },
    },
    "crm.lead.assignment.rule": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": "arule_main arule_oc",
        "rights": {
            "salesman_1": rights("arule_main", ""),
            "salesman_2": rights("arule_main", ""),
            "team_leader": rights("arule_main", ""),
            "sales_manager": full("arule_main"),
            "other_company": full("arule_oc"),
        },
    },
    "crm.lead.assignment.member": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": "amember_main amember_oc",
        "rights": {
            "salesman_1": rights("amember_main", ""),
            "salesman_2": rights("amember_main", ""),
            "team_leader": rights("amember_main", ""),
            "sales_manager": full("amember_main"),
            "other_company": full("amember_oc"),
        },
    },
    "crm.lead.forecast.report": {
        "addon": "crm_leads",
        "kind": "checked",
        "records": "forecast_main forecast_oc",
        "rights": {
            "sales_manager": rights("forecast_main", ""),
            "other_company": rights("forecast_oc", ""),
        },
    },
    "report.crm_leads.report_pipeline_summary": {
        "addon": "crm_leads", "kind": "abstract",
        "note": "PDF report of the leads the user selects: renders what the user can read.",
    },
    "report.crm_leads.pipeline_xlsx": {
        "addon": "crm_leads", "kind": "abstract",
        "note": "Excel export of the leads the user selects: renders what the user can read.",
    },
    "mail.followers": {
        "addon": "crm_leads", "kind": "stock",
        "note": "Odoo's followers, with one check added: a follower created or changed directly (over RPC) "
                "needs read access to the document to follow it oneself, write access to make someone else "
                "follow it (tests/access/test_leaks_crm.py).",
    },
    "crm_leads.admin_field_guard": {
        "addon": "crm_leads", "kind": "abstract",
        "note": "The check keeping the fields for administrators only (an API key's hash, a trained scoring "
                "model, a customer's signup token) out of other users' searches, groupings and sorts; "
                "inherited by the models holding one (tests/access/test_leaks_crm.py).",
    },
    # ------------------------------------------------------------ lead_scoring
    "lead.scoring.rule": {
        "addon": "lead_scoring",
        "kind": "checked",
        "records": "lsrule_main lsrule_oc",
        "rights": {
            "salesman_1": rights("lsrule_main", ""),
            "salesman_2": rights("lsrule_main", ""),
            "team_leader": rights("lsrule_main", ""),
            "sales_manager": full("lsrule_main"),
            "other_company": full("lsrule_oc"),
        },
    },
    "lead.scoring.model": {
        "addon": "lead_scoring",
        "kind": "checked",
        "records": "lsmodel_main lsmodel_oc",
        "rights": {
            "salesman_1": rights("lsmodel_main", ""),
            "salesman_2": rights("lsmodel_main", ""),
            "team_leader": rights("lsmodel_main", ""),
            "sales_manager": full("lsmodel_main"),
            "other_company": full("lsmodel_oc"),
        },
        "note": "The trained model's data is readable by administrators only.",
    },
    "crm.lead.event": {
        "addon": "lead_scoring",
        "kind": "checked",
        "records": EVENTS,
        "rights": {
            "salesman_1": rights(TEAM_1_EVENTS, "", create=True),
            "salesman_2": rights("ev_s2", "", create=True),
            "team_leader": rights(TEAM_1_EVENTS, "", create=True),
            "sales_manager": full(EVENTS_MAIN),
            "other_company": full("ev_oc"),
            "api_secret": rights(create=True),
            "api_publishable": rights(create=True),
        },
        "note": "Events follow their lead: whoever cannot read the lead does not see its events.",
    },
    "lead.scoring.report": {
        "addon": "lead_scoring",
        "kind": "checked",
        "records": LEAD_REPORTS,
        "rights": {
            "salesman_1": rights(TEAM_1_REPORTS, ""),
            "salesman_2": rights("rep_s2", ""),
            "team_leader": rights(TEAM_1_REPORTS, ""),
            "sales_manager": rights(LEAD_REPORTS_MAIN, ""),
            "other_company": rights("rep_oc", ""),
        },
        "note": "The scoring analysis follows the lead rules.",
    },
    # ------------------------------------------------------------ contact_dedup
    "contact.dedup.group": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "dgroup_partner dgroup_lead dgroup_oc",
        "rights": {
            "salesman_1": rights("dgroup_partner", ""),
            "salesman_2": rights("dgroup_partner", ""),
            "team_leader": rights("dgroup_partner", ""),
            "sales_manager": full("dgroup_partner dgroup_lead"),
            "other_company": full("dgroup_partner dgroup_oc"),
        },
        "note": "Salespeople see the possible duplicate contacts; duplicate leads are reviewed by "
                "the merge group (sales managers). Contacts shared by all companies make groups shared too.",
    },
    "contact.dedup.pair": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "dpair_partner dpair_lead dpair_oc",
        "rights": {
            "salesman_1": rights("dpair_partner", ""),
            "salesman_2": rights("dpair_partner", ""),
            "team_leader": rights("dpair_partner", ""),
            "sales_manager": full("dpair_partner dpair_lead"),
            "other_company": full("dpair_partner dpair_oc"),
        },
    },
    "contact.dedup.exclusion": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "dexclusion",
        "rights": {
            "sales_manager": full("dexclusion"),
            "other_company": full("dexclusion"),
        },
        "note": "A pair marked as not duplicates holds only two record ids.",
    },
    "contact.dedup.merge": {
        "addon": "contact_dedup", "kind": "transient",
        "note": "Merge wizard: the merge needs the merge group, and the accounting manager group when a "
                "contact has journal items.",
    },
    "contact.dedup.merge.line": {"addon": "contact_dedup", "kind": "transient", "note": "Line of the merge wizard."},
    "contact.dedup.settings": {
        "addon": "contact_dedup", "kind": "transient",
        "note": "The Duplicates settings wizard: saving needs the sales manager group (checked in the code).",
    },
    "contact.dedup.merge.log": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "mlog mlog_lead_main mlog_lead_oc",
        "rights": {
            "sales_manager": rights("mlog mlog_lead_main", ""),
            "other_company": rights("mlog mlog_lead_oc", ""),
        },
        "note": "The record of a merge of contacts or of leads, kept to undo it: read by the merge group, "
                "those of leads in their company only (contacts are shared by the companies); written by "
                "the merge and its undo only.",
    },
    "contact.dedup.merge.log.line": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "mline mline_lead_main mline_lead_oc",
        "rights": {
            "sales_manager": rights("mline mline_lead_main", ""),
            "other_company": rights("mline mline_lead_oc", ""),
        },
        "note": "What a merge moved, row by row: read by the merge group, written by the merge only.",
    },
    # ------------------------------------------------------------ mail_gateway
    "mail.gateway.message": {
        "addon": "mail_gateway",
        "kind": "checked",
        "records": "mail_main mail_oc",
        "rights": {
            "sales_manager": rights("mail_main", "mail_main", "mail_main"),
            "other_company": rights("mail_oc", "mail_oc", "mail_oc"),
        },
        "note": "Inbound messages and the failure queue (senders, subjects, errors, also of mail that made "
                "no lead or a lead of another team): sales managers and administrators, each company its "
                "own; salespeople read the e-mail on the lead it created. The raw source: administrators only. "
                "The model itself refuses, but to administrators, a write of the state, raw source or "
                "decision (retry and discard do it) and the deletion of a message whose raw source is kept.",
    },
    "mail.gateway.rule": {
        "addon": "mail_gateway",
        "kind": "checked",
        "records": "mrule_main mrule_oc",
        "rights": {
            "salesman_1": rights("mrule_main", ""),
            "salesman_2": rights("mrule_main", ""),
            "team_leader": rights("mrule_main", ""),
            "sales_manager": full("mrule_main"),
            "other_company": full("mrule_oc"),
        },
    },
    # ------------------------------------------------------------ sale_deposit
    "sale.deposit": {
        "addon": "sale_deposit",
        "kind": "checked",
        "records": "dep_a dep_b dep_oc",
        "rights": {
            "portal_a": rights("dep_a", ""),
            "portal_b": rights("dep_b", ""),
            "salesman_1": rights("dep_a"),
            "salesman_2": rights("dep_b"),
            "sales_manager": full("dep_a dep_b"),
            "accountant": rights("dep_a dep_b"),
            "other_company": full("dep_oc"),
        },
        "note": "Salespeople: the deposits of their own orders. Deposits are created by \"Ask a deposit\" on "
                "the order (sales managers may also create them by hand, on an order they may read); the "
                "fields that drive the accounting (kind, amounts, invoices, order, company) are written by the "
                "application, not by users, sales managers included.",
    },
    "sale.deposit.wizard": {"addon": "sale_deposit", "kind": "transient", "note": "Deposit invoice wizard."},
    "sale.deposit.legal.rate": {"addon": "sale_deposit", "kind": "stock",
                                "note": "The legal interest rates of each semester, a national table with no "
                                        "company: every employee reads them, sales managers maintain them "
                                        "(ir.model.access; not walked)."},
    "sale.deposit.template": {
        "addon": "sale_deposit",
        "kind": "checked",
        "records": "dtpl_main dtpl_oc",
        "rights": {
            "salesman_1": rights("dtpl_main", ""),
            "salesman_2": rights("dtpl_main", ""),
            "team_leader": rights("dtpl_main", ""),
            "sales_manager": full("dtpl_main"),
            "other_company": full("dtpl_oc"),
        },
        "note": "Named deposit terms a quotation picks: set by sales managers (Sales > Configuration > Deposit "
                "templates), read by salespeople; each company its own.",
    },
    "sale.deposit.terms.mixin": {"addon": "sale_deposit", "kind": "abstract",
                                 "note": "Deposit terms shared by companies, customers and orders."},
    # ------------------------------------------------------------ recurring_billing
    "recurring.access.guard": {"addon": "recurring_billing", "kind": "abstract",
                               "note": "The checks on the code-driven fields, links and companies that the "
                                       "contract models share (tests/access/test_leaks_billing.py)."},
    "recurring.contract.change.wizard": {
        "addon": "recurring_billing", "kind": "transient",
        "note": "Change quantity or price / Change plan wizard: it applies the change as the user, so it "
                "changes only the lines the user may write."},
    "recurring.contract.line.stop.wizard": {
        "addon": "recurring_billing", "kind": "transient",
        "note": "Stop a line wizard: it calls the line's action_stop as the user, so it stops only the lines the "
                "user may write (its buttons are shown to salespeople and managers)."},
    "recurring.contract": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "ctr_a ctr_b ctr_oc",
        "rights": {
            "portal_a": rights("ctr_a", ""),
            "portal_b": rights("ctr_b", ""),
            "salesman_1": rights("ctr_a", create=True),
            "salesman_2": rights("ctr_b", create=True),
            "team_leader": rights(create=True),
            "sales_manager": full("ctr_a ctr_b"),
            "accountant": rights("ctr_a ctr_b"),
            "other_company": full("ctr_oc"),
        },
        "note": "Salespeople: their own contracts and unassigned ones; customers: theirs, and on the portal "
                "only the invoices of their own company. The contract's *Internal note* is read by the sales and "
                "billing users only, never by a customer (not even over RPC); the contract buttons (Invoice now, "
                "Pause, Close...) need the right to edit the contract. A contract goes only to one of the user's "
                "companies; "
                "its state, MRR, invoicing dates, order and invoices are written by the application (the "
                "buttons, the invoicing), never by a user; a link (template, customer...) only to a record "
                "the user may read. The same holds for the records of a contract.",
    },
    "recurring.contract.line": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "cline_a cline_b cline_oc",
        "rights": {
            "portal_a": rights("cline_a", ""),
            "portal_b": rights("cline_b", ""),
            "salesman_1": rights("cline_a", "cline_a", "cline_a", True),
            "salesman_2": rights("cline_b", "cline_b", "cline_b", True),
            "team_leader": rights(create=True),
            "sales_manager": full("cline_a cline_b"),
            "accountant": rights("cline_a cline_b", ""),
            "other_company": full("cline_oc"),
        },
    },
    "recurring.contract.period": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "period_a period_b period_oc",
        "rights": {
            "salesman_1": rights("period_a", ""),
            "salesman_2": rights("period_b", ""),
            "sales_manager": rights("period_a period_b", ""),
            "accountant": rights("period_a period_b", ""),
            "other_company": rights("period_oc", ""),
        },
        "note": "Written by the invoicing only (it claims each period it invoices): read-only for every user, "
                "so that no period is invoiced twice or never.",
    },
    "recurring.contract.pause": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "pause_a pause_b pause_oc",
        "rights": {
            "salesman_1": rights("pause_a", ""),
            "salesman_2": rights("pause_b", ""),
            "team_leader": rights(),
            "sales_manager": rights("pause_a pause_b", ""),
            "accountant": rights("pause_a pause_b", ""),
            "other_company": rights("pause_oc", ""),
        },
        "note": "Written by the contract's Pause and Resume buttons only (as the application, once the user may "
                "edit the contract, billing users included): read-only for every user, so that no pause hides "
                "invoiced days.",
    },
    "recurring.contract.adjustment": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "adj_a adj_b adj_oc",
        "rights": {
            "salesman_1": rights("adj_a", create=True),
            "salesman_2": rights("adj_b", create=True),
            "team_leader": rights(create=True),
            "sales_manager": rights("adj_a adj_b", create=True),
            "accountant": rights("adj_a adj_b", create=True),
            "other_company": rights("adj_oc", create=True),
        },
    },
    "recurring.price.change": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "pchange_a pchange_b pchange_oc",
        "rights": {
            "salesman_1": full("pchange_a"),
            "salesman_2": full("pchange_b"),
            "team_leader": rights(create=True),
            "sales_manager": full("pchange_a pchange_b"),
            "accountant": rights("pchange_a pchange_b", ""),
            "other_company": full("pchange_oc"),
        },
    },
    "recurring.usage": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "usage_a usage_b usage_oc",
        "rights": {
            "portal_a": rights("usage_a", ""),
            "portal_b": rights("usage_b", ""),
            "salesman_1": full("usage_a"),
            "salesman_2": full("usage_b"),
            "team_leader": rights(create=True),
            "sales_manager": full("usage_a usage_b"),
            "accountant": rights("usage_a usage_b"),
            "other_company": full("usage_oc"),
        },
    },
    "recurring.revenue.report": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "mrr_a mrr_b mrr_oc",
        "rights": {
            "salesman_1": rights("mrr_a", ""),
            "salesman_2": rights("mrr_b", ""),
            "sales_manager": rights("mrr_a mrr_b", ""),
            "accountant": rights("mrr_a mrr_b", ""),
            "other_company": rights("mrr_oc", ""),
        },
        "note": "The revenue analysis follows the contract rules.",
    },
    "report.recurring_billing.contract_mrr_xlsx": {
        "addon": "recurring_billing", "kind": "abstract",
        "note": "Excel export of the contracts the user selects: renders what the user can read.",
    },
    # ------------------------------------------------------------ sale_approval
    "sale.approval.rule": {
        "addon": "sale_approval",
        "kind": "checked",
        "records": "aprule_main aprule_oc",
        "rights": {
            "salesman_1": rights("aprule_main", ""),
            "salesman_2": rights("aprule_main", ""),
            "team_leader": rights("aprule_main", ""),
            "sales_manager": full("aprule_main"),
            "other_company": full("aprule_oc"),
        },
        "note": "Set by sales managers (Sales > Configuration); salespeople read them, as the quotation "
                "names the rules that stop it; each company its own.",
    },
    "sale.approval.request": {
        "addon": "sale_approval",
        "kind": "checked",
        "records": "apreq_a apreq_b apreq_oc",
        "rights": {
            "salesman_1": rights("apreq_a", ""),
            "salesman_2": rights("apreq_b", ""),
            "sales_manager": rights("apreq_a apreq_b", ""),
            "other_company": rights("apreq_oc", ""),
        },
        "note": "The approval history follows the quotation: its salesperson and its approvers read it, "
                "sales managers all of their company; written by the approval buttons only.",
    },
    "sale.quotation.answer": {
        "addon": "sale_approval",
        "kind": "checked",
        "records": "ans_a ans_b ans_oc",
        "rights": {
            "salesman_1": rights("ans_a", ""),
            "salesman_2": rights("ans_b", ""),
            "sales_manager": rights("ans_a ans_b", ""),
            "other_company": rights("ans_oc", ""),
        },
        "note": "The customer's online answer with its evidence (typed name, signature image, IP address, "
                "browser, SHA-256 of the PDF): the quotation's salesperson and sales managers only, each "
                "company its own; never a portal user (the portal page records it, as the application).",
    },
    "sale.refusal.reason": {
        "addon": "sale_approval",
        "kind": "checked",
        "records": "rreason",
        "rights": {
            "salesman_1": rights("rreason", ""),
            "salesman_2": rights("rreason", ""),
            "team_leader": rights("rreason", ""),
            "sales_manager": full("rreason"),
            "accountant": rights("rreason", ""),
            "other_company": full("rreason"),
        },
        "note": "Reasons shared by the companies: every employee reads them, sales managers keep the list; "
                "customers see those offered to them on the portal page.",
    },
    "sale.approval.refuse.wizard": {"addon": "sale_approval", "kind": "transient",
                                    "note": "Refusal wizard: refuses only what waits for the user's approval."},
    "sale.approval.mass.wizard": {"addon": "sale_approval", "kind": "transient",
                                  "note": "Decides several quotations at once: only what waits for the user's "
                                          "approval."},
    "sale.approval.analysis.wizard": {"addon": "sale_approval", "kind": "transient",
                                      "note": "Approval analysis (Excel): its figures are read with the user's "
                                              "own rights."},
    "report.sale_approval.approval_analysis_xlsx": {
        "addon": "sale_approval", "kind": "abstract",
        "note": "Excel workbook of the approval analysis: counts only the approvals and answers the user can read.",
    },
    "res.users": {"addon": "sale_approval", "kind": "stock",
                  "note": "Approval limit, manager and delegate fields; Odoo's rights."},
    "mail.mail": {"addon": "sale_approval", "kind": "stock",
                  "note": "Odoo's outgoing e-mails, with one check added: an e-mail about a quotation waiting for "
                          "approval, to anyone who is not an employee, is refused (a template sent directly, a "
                          "mass mailing; addons/sale_approval/tests/test_second_review.py)."},
    "sale.advance.payment.inv": {"addon": "sale_deposit", "kind": "stock",
                                 "note": "Odoo's invoicing wizard of an order, with one check added: a standard down "
                                         "payment that would bring the order's deposits above its total is refused "
                                         "(addons/sale_deposit/tests/test_deposit_review19.py)."},
    # ------------------------------------------------------------ stock models we extend
    "sale.order": {
        "addon": "sale_deposit",
        "kind": "checked",
        "records": "so_a so_b so_oc",
        "rights": {
            "portal_a": rights("so_a", ""),
            "portal_b": rights("so_b", ""),
            "salesman_1": rights("so_a", create=True),
            "salesman_2": rights("so_b", create=True),
            "team_leader": rights(create=True),
            "sales_manager": full("so_a so_b"),
            "accountant": rights("so_a so_b"),
            "other_company": full("so_oc"),
        },
        "note": "Odoo's rules: salespeople their own orders, customers those they follow.",
    },
    "account.invoice": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "inv_a inv_b inv_oc",
        "rights": {
            "portal_a": rights("inv_a", ""),
            "portal_b": rights("inv_b", ""),
            "salesman_1": rights("inv_a inv_b", create=True),
            "salesman_2": rights("inv_a inv_b", create=True),
            "team_leader": rights("inv_a inv_b", create=True),
            "sales_manager": full("inv_a inv_b"),
            "accountant": full("inv_a inv_b"),
            "other_company": full("inv_oc"),
        },
        "note": "Odoo's rules: customers read the invoices they follow; every salesperson of the company "
                "reads and edits its invoices (Odoo 11's sales access, left as it is).",
    },
    "res.partner": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "cust_a contact_a cust_b contact_b",
        "rights": {
            "portal_a": rights("cust_a contact_a", ""),
            "portal_b": rights("cust_b contact_b", ""),
            "salesman_1": rights("cust_a contact_a cust_b contact_b", create=True),
            "salesman_2": rights("cust_a contact_a cust_b contact_b", create=True),
            "team_leader": rights("cust_a contact_a cust_b contact_b", create=True),
            "sales_manager": rights("cust_a contact_a cust_b contact_b", create=True),
            "accountant": rights("cust_a contact_a cust_b contact_b", ""),
            "other_company": rights("cust_a contact_a cust_b contact_b", create=True),
        },
        "note": "Contacts are shared between companies; merging is for the merge group, and for "
                "accounting managers when a contact has journal items.",
        # Odoo's access list lets the website's public user read contacts; Odoo's rule limits it
        # to its own
        "public_acl": {"read"},
    },
    "res.company": {"addon": "crm_leads", "kind": "stock", "note": "Settings fields only; Odoo's rights."},
    "account.move": {"addon": "sale_deposit", "kind": "stock", "note": "Journal entries: Odoo's accounting rights."},
    "ir.http": {"addon": "crm_leads", "kind": "abstract", "note": "Request dispatch; no records."},
    "crm.lead.export.selection": {"addon": "crm_leads", "kind": "transient",
                                  "note": "The leads picked for an export: each user's own rows."},
    "contact.dedup.weight": {
        "addon": "contact_dedup",
        "kind": "checked",
        "records": "dweight",
        "rights": {
            "sales_manager": rights("dweight", ""),
            "other_company": rights("dweight", ""),
        },
        "note": "Learned matching weights: read by the merge group, written by the application.",
    },
    "mail.gateway.imap.folder": {
        "addon": "mail_gateway",
        "kind": "checked",
        "records": "imap_folder",
        "rights": {},
        "note": "IMAP folders of an incoming mail server: administrators only.",
    },
    "recurring.contract.amendment": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "amend_a amend_b amend_oc",
        "rights": {
            "salesman_1": full("amend_a"),
            "salesman_2": full("amend_b"),
            "team_leader": rights(create=True),
            "sales_manager": full("amend_a amend_b"),
            "accountant": rights("amend_a amend_b", ""),
            "other_company": full("amend_oc"),
        },
        "note": "Scheduled changes follow their contract: salespeople those of their own contracts, sales "
                "managers all, billing reads them; each company its own.",
    },
    "recurring.invoicing.issue": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "issue_a issue_b issue_oc",
        "rights": {
            "salesman_1": rights("issue_a", ""),
            "salesman_2": rights("issue_b", ""),
            "sales_manager": rights("issue_a issue_b", ""),
            "accountant": rights("issue_a issue_b", ""),
            "other_company": rights("issue_oc", ""),
        },
        "note": "Contracts an invoicing run could not invoice: read by the contract's salesperson, sales "
                "managers and billing, each company its own; written by the invoicing run only.",
    },
    "recurring.invoicing.run": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "run_main run_oc",
        "rights": {
            "salesman_1": rights("run_main", ""),
            "salesman_2": rights("run_main", ""),
            "team_leader": rights("run_main", ""),
            "sales_manager": rights("run_main", ""),
            "accountant": rights("run_main", ""),
            "other_company": rights("run_oc", ""),
        },
        "note": "Summaries of the invoicing runs (counts only): read by salespeople and billing, each "
                "company its own; written by the invoicing run only.",
    },
    "recurring.mrr.snapshot": {
        "addon": "recurring_billing",
        "kind": "checked",
        "records": "snap_a snap_b snap_oc",
        "rights": {
            "salesman_1": rights("snap_a", ""),
            "salesman_2": rights("snap_b", ""),
            "sales_manager": rights("snap_a snap_b", ""),
            "accountant": rights("snap_a snap_b", ""),
            "other_company": rights("snap_oc", ""),
        },
        "note": "Monthly MRR of each contract, written by the cron; follows the contract rules.",
    },
    "res.config.settings": {"addon": "crm_leads", "kind": "stock",
                            "note": "Settings: administrators; gateway secrets are never returned to others."},
    "fetchmail.server": {"addon": "mail_gateway", "kind": "stock",
                         "note": "Incoming mail servers: administrators only (Odoo's rights)."},
    "sale.order.line": {"addon": "sale_deposit", "kind": "stock", "note": "Follows its order (Odoo's rules)."},
    "account.invoice.line": {"addon": "sale_deposit", "kind": "stock", "note": "Follows its invoice (Odoo's rules)."},
    "stock.picking": {"addon": "sale_deposit", "kind": "stock",
                      "note": "Delivery block fields; Odoo's rights, but its state is moved only by inventory "
                              "users and the order's own flows (tests/sale_deposit/test_deposit_rpc.py)."},
    "stock.move": {"addon": "sale_deposit", "kind": "stock",
                   "note": "No fields: its state is moved only by inventory users and the order's own flows; "
                           "Odoo's rights."},
    "product.template": {"addon": "recurring_billing", "kind": "stock",
                         "note": "Subscription fields only; Odoo's rights."},
    "crm.team": {"addon": "crm_leads", "kind": "stock",
                 "note": "Adds the 'Members See Unassigned Leads' option; Odoo's rights."},
    "account.partial.reconcile": {"addon": "sale_deposit", "kind": "stock",
                                  "note": "No fields: a settled deposit's cash-basis rounding cent is cleared; "
                                          "Odoo's accounting rights."},
    "mail.template": {"addon": "crm_leads", "kind": "stock",
                      "note": "No fields: compiled templates are kept per process; Odoo's rights."},
}

# Fields readable by administrators only: (model, field, record); every RPC role that can read
# the record must be refused the field, the administrator gets it.
SENSITIVE_FIELDS = [
    ("crm.lead.api.key", "hashed_key", "key_main"),
    ("mail.gateway.message", "raw", "mail_main"),
    ("lead.scoring.model", "model_data", "lsmodel_main"),
]
# Settings fields (res.config.settings.default_get / get_values) holding secrets.
SENSITIVE_SETTINGS = ["mail_gateway_http_secret"]

# Fields no user writes over RPC: (model, field, record, value to try, roles that try).
CODE_WRITTEN_FIELDS = [
    ("sale.deposit", "kind", "dep_a", "arrhes", ["salesman_1"]),
    ("sale.deposit", "forfeit_amount", "dep_a", 1.0, ["salesman_1"]),
    ("sale.deposit", "amount", "dep_a", 1.0, ["salesman_1"]),
    ("recurring.contract", "state", "ctr_a", "closed", ["salesman_1", "sales_manager"]),
    ("recurring.contract", "mrr", "ctr_a", 9999.0, ["salesman_1", "sales_manager"]),
    ("recurring.contract", "next_invoice_date", "ctr_a", "2031-01-01", ["salesman_1", "sales_manager"]),
    ("recurring.contract.amendment", "state", "amend_a", "applied", ["salesman_1", "sales_manager"]),
    ("sale.order", "approval_state", "apq_a", "draft", ["salesman_1", "sales_manager"]),
]

# Cells that wait for another change (reason); a mismatch there is an expected failure.
PENDING = {}

# What each fixture record is, for the README tables (salesperson 1 is in team 1, led by the
# team leader; customer A is portal A's company).
RECORD_LABELS = {
    "lead_s1": "salesperson 1's lead", "lead_tl": "team leader's lead (team 1)",
    "lead_t1_free": "team 1's unassigned lead", "lead_s2": "salesperson 2's lead",
    "lead_t2_free": "team 2's unassigned lead", "lead_free": "lead of no team",
    "lead_oc": "other company's lead",
    "key_main": "company key", "key_oc": "other company's key",
    "req_main": "company request", "req_oc": "other company's request",
    "arule_main": "company rule", "arule_oc": "other company's rule",
    "amember_main": "company rule's member", "amember_oc": "other company's member",
    "forecast_main": "company forecast", "forecast_oc": "other company's forecast",
    "lsrule_main": "company rule", "lsrule_oc": "other company's rule",
    "lsmodel_main": "company model", "lsmodel_oc": "other company's model",
    "dgroup_partner": "duplicate contacts", "dgroup_lead": "duplicate leads of team 2",
    "dgroup_oc": "other company's duplicates", "dpair_partner": "pair of contacts",
    "dpair_lead": "pair of team 2's leads", "dpair_oc": "other company's pair", "dexclusion": "excluded pair",
    "mlog": "merge of two contacts", "mline": "row moved by the merge of contacts",
    "mlog_lead_main": "merge of leads", "mline_lead_main": "row moved by the merge of leads",
    "mlog_lead_oc": "other company's merge of leads",
    "mline_lead_oc": "row moved by the other company's merge of leads",
    "run_main": "company invoicing run", "run_oc": "other company's invoicing run",
    "mail_main": "company message", "mail_oc": "other company's message",
    "mrule_main": "company rule", "mrule_oc": "other company's rule",
    "aprule_main": "company approval rule", "aprule_oc": "other company's approval rule",
    "dtpl_main": "company deposit template", "dtpl_oc": "other company's deposit template",
    "rreason": "refusal reason",
    "cust_a": "customer A", "contact_a": "customer A's contact", "cust_b": "customer B",
    "contact_b": "customer B's contact",
}
for _tag, _who in (("a", "customer A's (salesperson 1)"), ("b", "customer B's (salesperson 2)"),
                   ("oc", "other company's")):
    for _prefix, _what in (("ctr", "contract"), ("cline", "contract line"), ("period", "invoiced period"),
                           ("pause", "pause"), ("adj", "adjustment"), ("pchange", "price change"),
                           ("usage", "usage"), ("mrr", "revenue row"), ("dep", "deposit"), ("so", "order"),
                           ("inv", "invoice"), ("snap", "MRR snapshot"), ("apreq", "quotation's approvals"),
                           ("ans", "customer answer"), ("apq", "quotation to approve"), ("amend", "scheduled change"),
                           ("issue", "invoicing issue")):
        RECORD_LABELS["%s_%s" % (_prefix, _tag)] = "%s %s" % (_who, _what)
for _suffix, _what in (("s1", "salesperson 1's lead"), ("tl", "team leader's lead"),
                       ("t1_free", "team 1's unassigned lead"), ("s2", "salesperson 2's lead"),
                       ("t2_free", "team 2's unassigned lead"), ("free", "lead of no team"),
                       ("oc", "other company's lead")):
    RECORD_LABELS["ev_" + _suffix] = "events of the " + _what
    RECORD_LABELS["rep_" + _suffix] = "analysis of the " + _what
RECORD_LABELS["ev_visitor"] = "anonymous visitor's events"

# Creates that a record rule allows or refuses, tried through RPC by every role the matrix
# lets create the model: per model, the records to create ("@name" is the first id of a fixture
# record, "@name#1" its second, "@uid:role" a user, "@main", "@other", "@team_1", "@product"...
# the conftest's other ids) and, per role, those it must create; any other must be refused
# (AccessError). What is created is deleted again. Odoo checks the rules of a create after it:
# a record outside the user's rules is refused and nothing stays.
_CHECK = "Create check"
_COMPANY_VARIANTS = {"main": {"company_id": "@main", "team_id": "@team_1"},
                     "other": {"company_id": "@other", "team_id": "@team_oc"}}
_MANAGERS_BY_COMPANY = {"sales_manager": "main", "other_company": "other"}
_BY_CONTRACT = {"salesman_1": "a", "salesman_2": "b", "sales_manager": "a b", "accountant": "a b",
                "other_company": "oc"}


def _per_contract(values):
    """A variant per contract a, b, oc: ``values`` with "{}" in "@..." strings put to the tag."""
    def fill(tag, value):
        return value.format(tag) if isinstance(value, str) else value
    return {tag: {key: fill(tag, value) for key, value in values.items()} for tag in ("a", "b", "oc")}


CREATE_CHECKS = {
    "crm.lead": {
        "variants": {
            "s1_team_1": {"name": _CHECK, "type": "opportunity", "user_id": "@uid:salesman_1", "team_id": "@team_1",
                          "company_id": "@main"},
            "s2_team_2": {"name": _CHECK, "type": "opportunity", "user_id": "@uid:salesman_2", "team_id": "@team_2",
                          "company_id": "@main"},
            "oc": {"name": _CHECK, "type": "opportunity", "user_id": "@uid:other_company", "team_id": "@team_oc",
                   "company_id": "@other"},
        },
        "allowed": {"salesman_1": "s1_team_1", "salesman_2": "s2_team_2", "team_leader": "s1_team_1",
                    "sales_manager": "s1_team_1 s2_team_2", "other_company": "oc"},
    },
    "crm.lead.event": {
        "variants": {tag: {"event_type": "page_view", "url": "https://example.com/check", "lead_id": "@lead_" + tag,
                           "company_id": "@other" if tag == "oc" else "@main"} for tag in ("s1", "s2", "oc")},
        "allowed": {"salesman_1": "s1", "salesman_2": "s2", "team_leader": "s1", "sales_manager": "s1 s2",
                    "other_company": "oc"},
    },
    "crm.lead.api.key": {
        "variants": {name: dict(values, name=_CHECK) for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "crm.lead.assignment.rule": {
        "variants": {name: dict(values, name=_CHECK) for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "lead.scoring.rule": {
        "variants": {name: {"name": _CHECK, "company_id": values["company_id"]}
                     for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "mail.gateway.rule": {
        "variants": {name: dict(values, name=_CHECK) for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "contact.dedup.group": {
        "variants": {name: {"res_model": "crm.lead", "record_count": 2, "score": 0.5,
                            "company_id": values["company_id"]} for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "sale.approval.rule": {
        "variants": {name: {"name": _CHECK, "company_id": values["company_id"], "approver_kind": "team_leader"}
                     for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "sale.order": {
        "variants": {
            "for_s1": {"partner_id": "@cust_a", "user_id": "@uid:salesman_1", "company_id": "@main"},
            "for_s2": {"partner_id": "@cust_b", "user_id": "@uid:salesman_2", "company_id": "@main"},
            "oc": {"partner_id": "@cust_a", "user_id": "@uid:other_company", "company_id": "@other",
                   "warehouse_id": "@warehouse_oc"},
        },
        "allowed": {"salesman_1": "for_s1", "salesman_2": "for_s2", "sales_manager": "for_s1 for_s2",
                    "other_company": "oc"},
    },
    "sale.deposit.template": {
        "variants": {name: {"name": _CHECK, "company_id": values["company_id"], "deposit_method": "fixed",
                            "deposit_value": 10.0} for name, values in _COMPANY_VARIANTS.items()},
        "allowed": _MANAGERS_BY_COMPANY,
    },
    "sale.deposit": {
        "variants": {tag: {"name": _CHECK, "order_id": "@so_" + tag, "kind": "acompte", "amount": 10.0}
                     for tag in ("a", "b", "oc")},
        "allowed": _BY_CONTRACT,
    },
    "recurring.contract": {
        "variants": {
            tag: {"name": _CHECK, "partner_id": "@cust_a", "user_id": "@uid:" + role,
                  "company_id": "@other" if tag == "oc" else "@main", "date_start": "2027-01-01",
                  "recurring_interval": 1, "recurring_unit": "month"}
            for tag, role in (("a", "salesman_1"), ("b", "salesman_2"), ("oc", "other_company"))},
        "allowed": _BY_CONTRACT,
    },
    "recurring.contract.line": {
        "variants": _per_contract({"contract_id": "@ctr_{}", "product_id": "@product", "name": _CHECK,
                                   "quantity": 1, "price_unit": 1.0}),
        "allowed": _BY_CONTRACT,
    },
    "recurring.contract.adjustment": {
        "variants": _per_contract({"contract_id": "@ctr_{}", "product_id": "@product", "name": _CHECK,
                                   "date": "2028-03-01", "amount": 1.0}),
        "allowed": _BY_CONTRACT,
    },
    "recurring.price.change": {
        "variants": _per_contract({"line_id": "@cline_{}", "date": "2028-04-01", "price_unit": 50.0}),
        "allowed": _BY_CONTRACT,
    },
    "recurring.usage": {
        "variants": _per_contract({"line_id": "@cline_{}#1", "date": "2027-02-15", "quantity": 1.0}),
        "allowed": _BY_CONTRACT,
    },
    "recurring.contract.amendment": {
        "variants": _per_contract({"line_id": "@cline_{}", "contract_id": "@ctr_{}", "date": "2028-05-01",
                                   "quantity": 2.0, "price_unit": 42.0}),
        "allowed": _BY_CONTRACT,
    },
}
