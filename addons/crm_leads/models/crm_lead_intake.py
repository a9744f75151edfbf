"""The intake pipeline: one method chain that every inbound lead goes through.

Every entry point (the JSON web service, the embeddable website form, the e-mail
gateway of mail_gateway) calls ``crm.lead.intake_create``. Each step is a small
method that other addons extend with ``super()``:

    _intake_prepare_context  who sends it: channel, team, source, API key, UTM
    _intake_normalise        clean the payload into crm.lead values
    _intake_check_duplicates contact_dedup links or flags duplicates here
    _intake_score            lead_scoring sets the score here
    _intake_create_record    the create itself
    _intake_assign           crm_leads assignment rules
    _intake_notify           activity and e-mail to the assignee

``intake_create_batch`` runs the same steps for a batch (the JSON web service): the
leads one after the other up to the create, each in a savepoint of its own (a lead that
fails is rejected alone), then assignment and notification once for the created leads.
A batch is an import: as Odoo's own import does by default, its leads get no tracking
line nor creator follower each (the assignee is still alerted), and the model's default
values are computed once for the leads of the same kind.

A lead taken alone is created untracked and its creation tracked once it is assigned: one
chatter message with its stage, team and salesperson. The salesperson is alerted once, by
``_intake_notify`` (an activity and a message naming the lead), not also by Odoo's "you have
been assigned" e-mail.
"""
import copy
from collections import OrderedDict
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib.intake import (
    MAX_TAG_NAME, MAX_TAGS, is_valid_email, like_escape, limit_error, normalise_email, normalise_text)

try:
    from odoo.addons.queue_job.job import job
except ImportError:  # queue_job is optional: without it, every alert is given at once
    def job(func=None, **_kwargs):
        return func if func else (lambda f: f)

#: what rejects one lead of a batch (the others are created)
INTAKE_ERRORS = (ValidationError, UserError, AccessError)


class IntakeFieldError(ValidationError):
    """A lead refused for the value of one of its fields: ``field`` names it as the sender
    wrote it (``country``), for the error answers of the web service and the form. Other
    addons' intake errors may carry a ``field`` attribute too."""

    def __init__(self, msg, field):
        super(IntakeFieldError, self).__init__(msg)
        self.field = field


TEXT_FIELDS = ("name", "contact_name", "partner_name", "phone", "mobile", "street", "street2", "city", "zip",
               "website", "function", "qualification_budget", "qualification_timing")


class CrmLead(models.Model):
    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def intake_create(self, values, channel, **options):
        """Create one lead from an inbound payload and return it.

        :param values: dict of crm.lead values (already mapped from the payload)
        :param channel: 'api', 'form', 'email' or 'manual'
        :param options: extra facts about the sender (``team_id``, ``source_id``,
            ``api_key``, ``utm``...), kept in the pipeline context
        """
        lead, context = self._intake_create_one(values, channel, options)
        lead._intake_assign(context)
        lead._intake_notify(context)
        return lead

    @api.model
    def _intake_create_one(self, values, channel, options):
        """The steps up to the create of one lead: ``(lead, pipeline context)``."""
        context = self._intake_prepare_context(channel, options)
        vals = self._intake_normalise(dict(values), context)
        vals = self._intake_check_duplicates(vals, context)
        vals = self._intake_score(vals, context)
        return self._intake_create_record(vals, context), context

    @api.model
    def intake_create_batch(self, items, channel):
        """Create the leads of a batch and return, in the same order, each created lead or
        the error (ValidationError, UserError, AccessError) that rejected it.

        :param items: list of ``(values, options)``, as ``intake_create`` takes them

        A rejected lead leaves nothing behind and the others are created: each lead runs
        through the pipeline once, in a savepoint of its own (a batch of 500 costs 500 runs
        whatever number of them are rejected). The created leads are then assigned and
        notified together."""
        leads = self
        if len(items) > 1:
            leads = self.with_context(mail_notrack=True, mail_create_nosubscribe=True)
            defaults = {}
            items = [(values, dict(options, intake_defaults=defaults)) for values, options in items]
        results, groups = [], []
        for values, options in items:
            try:
                with self.env.cr.savepoint():
                    lead, context = leads._intake_create_one(values, channel, options)
            except INTAKE_ERRORS as error:
                # the cache may hold what the rolled back savepoint created
                self.env.clear()
                results.append(error)
                continue
            results.append(lead)
            # leads with the same pipeline context are assigned and notified together
            for group in groups:
                if group[1] == context:
                    group[0] |= lead
                    break
            else:
                groups.append([lead, context])
        for group_leads, context in groups:
            group_leads._intake_assign(context)
            group_leads._intake_notify(context)
        return results

    @api.model
    def _intake_prepare_context(self, channel, options):
        """Return the dict that every later step receives.

        The API key (``api_key``, a ``crm.lead.api.key`` record) gives its team, source
        and company when the options name none."""
        context = dict(options)
        context["channel"] = channel
        key = context.get("api_key")
        if key:
            context.setdefault("team_id", key.team_id.id)
            if key.source_id:
                context.setdefault("source_id", key.source_id.id)
            context.setdefault("company_id", key.company_id.id)
        context.setdefault("utm", {})
        return context

    @api.model
    def _intake_normalise(self, vals, context):
        """Return cleaned crm.lead values: texts stripped, e-mail lower-cased and checked,
        country code mapped to the country, UTM names mapped to records, channel kept.

        Raises ValidationError (nothing created) on an invalid e-mail from the API or form.
        """
        for field in TEXT_FIELDS:
            if isinstance(vals.get(field), str):
                vals[field] = normalise_text(vals[field]) or False
        if vals.get("email_from"):
            email = normalise_email(vals["email_from"])
            if is_valid_email(email):
                vals["email_from"] = email
            elif context["channel"] in ("api", "form"):
                raise ValidationError(_("'%s' is not a valid e-mail address.") % vals["email_from"])
        country_code = vals.pop("country_code", None) or context.get("country_code")
        if country_code and not vals.get("country_id"):
            # ISO 3166 codes are two letters (the column is 2 characters wide: a longer value would be cut)
            code = country_code.strip().upper() if isinstance(country_code, str) else ""
            country = self.env["res.country"].search([("code", "=", code)], limit=1) \
                if len(code) == 2 and code.isalpha() and code.isascii() else self.env["res.country"]
            if not country and context["channel"] in ("api", "form"):
                raise IntakeFieldError(_("Unknown country code '%s'.") % country_code, "country")
            vals["country_id"] = country.id or False
        lang = vals.pop("lang", None) or context.get("lang")
        if lang and not vals.get("intake_lang"):
            vals["intake_lang"] = lang
        tags = vals.pop("tags", None) or context.get("tags")
        if tags and not vals.get("tag_ids"):
            bound = limit_error({"tags": list(tags)})
            if bound:
                # every tag may be a new one: a lead does not create tags without bound
                raise ValidationError(_("At most %(count)d tags per lead, of at most %(length)d characters each.")
                                      % {"count": MAX_TAGS, "length": MAX_TAG_NAME})
            Tag = self.env["crm.lead.tag"].sudo()
            tag_ids = []
            for name in tags:
                tag = Tag.search([("name", "=ilike", like_escape(name))], limit=1) or Tag.create({"name": name})
                tag_ids.append(tag.id)
            vals["tag_ids"] = [(6, 0, tag_ids)]
        utm = context.get("utm") or {}
        for key, model, field in (("source", "utm.source", "source_id"), ("medium", "utm.medium", "medium_id"),
                                  ("campaign", "utm.campaign", "campaign_id")):
            if utm.get(key) and not vals.get(field):
                Model = self.env[model].sudo()
                record = Model.search([("name", "=ilike", like_escape(utm[key]))], limit=1) \
                    or Model.create({"name": utm[key]})
                vals[field] = record.id
        if context.get("team_id") and not vals.get("team_id"):
            vals["team_id"] = context["team_id"]
        if context.get("source_id") and not vals.get("source_id"):
            vals["source_id"] = context["source_id"]
        if context.get("company_id") and not vals.get("company_id"):
            vals["company_id"] = context["company_id"]
        if context.get("api_key"):
            vals["intake_api_key_id"] = context["api_key"].id
        if context["channel"] in dict(self._fields["intake_channel"].selection):
            vals.setdefault("intake_channel", context["channel"])
        vals.setdefault("type", "lead")
        return vals

    @api.model
    def _intake_lang_code(self, code):
        """The code of the installed (active) language ``code`` names (``fr-fr`` and ``FR_fr``
        name ``fr_FR``), or False for a language this database does not have."""
        if not isinstance(code, str) or not code.strip() or len(code) > 16:
            return False
        code = code.strip().replace("-", "_")
        lang = self.env["res.lang"].sudo().with_context(active_test=True).search(
            [("code", "=ilike", like_escape(code))], limit=1)
        return lang.code or False

    @api.model
    def _intake_check_duplicates(self, vals, context):
        """Return the values, possibly linked to existing records (contact_dedup)."""
        return vals

    @api.model
    def _intake_score(self, vals, context):
        """Return the values with a score (lead_scoring)."""
        return vals

    @api.model
    def _intake_create_record(self, vals, context):
        """Create and return the lead.

        Without a salesperson in the values the lead stays unassigned until
        ``_intake_assign`` (crm would otherwise give it to the sender's user)."""
        if "user_id" not in vals:
            vals["user_id"] = False
        if context.get("intake_defaults") is not None:
            vals = self._intake_with_defaults(vals, context["intake_defaults"])
        Lead = self.with_context(mail_create_nolog=True)
        if not self.env.context.get("mail_notrack") and not self.env.context.get("tracking_disable"):
            # the creation is tracked once the lead is assigned, in one message with its
            # salesperson and team (``_intake_track_creation``), instead of two
            Lead = Lead.with_context(mail_notrack=True)
            context["intake_track_fields"] = tuple(sorted(set(context.get("intake_track_fields", ())) | set(vals)))
        if self.env.uid == SUPERUSER_ID:
            return Lead.create(vals)
        # the pipeline run by a user: what only the code sets is written as the superuser,
        # once the lead is created under the user's rights
        code_fields = self._code_driven_fields()
        code_vals = {name: vals.pop(name) for name in list(vals) if name in code_fields}
        lead = Lead.create(vals)
        if code_vals:
            lead.sudo().write(code_vals)
        return lead

    @api.model
    def _intake_with_defaults(self, vals, cache):
        """``vals`` completed with the model's default values, computed once (and kept in
        ``cache``) for the leads of a batch that give the same fields, type, team and company.

        The defaults are those ``create`` would compute: crm's create derives the default
        stage from the type and team of the values, so they are in the key and the context."""
        key = (frozenset(vals), vals.get("type"), vals.get("team_id"), vals.get("company_id"))
        if key not in cache:
            context = {}
            if vals.get("type") and not self.env.context.get("default_type"):
                context["default_type"] = vals["type"]
            if vals.get("team_id") and not self.env.context.get("default_team_id"):
                context["default_team_id"] = vals["team_id"]
            full = self.with_context(**context)._add_missing_default_values(dict(vals))
            cache[key] = {name: value for name, value in full.items() if name not in vals}
        completed = copy.deepcopy(cache[key])
        completed.update(vals)
        return completed

    @api.multi
    def _intake_assign(self, context, exclude_users=None):
        """Route the new leads to a team and a salesperson: the first matching active
        assignment rule (by sequence) with a salesperson free;
        else the sender's team (API key), or the company's default team, left for the team
        leader to assign.

        The rules are matched first; then whose turn it is in each matching rule is read
        and moved once for all the leads, in a short transaction of its own
        (``crm.lead.assignment.rule._assignment_turns``), so that concurrent requests
        neither wait for each other's end nor fail on the rule. Only the fields that change
        are written, one write per set of values: a lead that stays where it was created
        (no rule, already in the right team) costs no write, no tracking, no recompute."""
        Rule = self.env["crm.lead.assignment.rule"].sudo()
        rules_by_company, matched = {}, []
        for lead in self.sudo():
            if lead.user_id and not exclude_users:
                continue
            company_id = lead.company_id.id or self.env.user.company_id.id
            if company_id not in rules_by_company:
                rules_by_company[company_id] = Rule.search([("company_id", "in", [company_id])])
            matched.append((lead, [rule for rule in rules_by_company[company_id] if rule._matches(lead)]))
        writes = OrderedDict()
        now = fields.Datetime.now()
        involved = Rule.browse()
        for _lead, rules in matched:
            for rule in rules:
                involved |= rule
        with involved._assignment_turns(exclude=exclude_users or ()) as states:
            for lead, rules in matched:
                values = None
                for rule in rules:
                    user_id = rule._assignment_next(states[rule])
                    if user_id:
                        values = {"team_id": rule.team_id.id, "user_id": user_id, "intake_rule_id": rule.id,
                                  "intake_assigned_date": now}
                        break
                if values is None:
                    default_team = (lead.company_id or self.env.user.company_id).intake_default_team_id
                    team = self.env["crm.team"].browse(context.get("team_id")) or default_team or lead.team_id
                    values = {"team_id": team.id, "user_id": False, "intake_rule_id": False}
                changed = lead._intake_changed_values(values)
                if changed:
                    key = tuple(sorted(changed.items()))
                    writes[key] = writes.get(key, self.browse().sudo()) | lead
        # the assignee gets the pipeline's own alert (``_intake_notify``), not Odoo's
        # "you have been assigned" e-mail besides
        for key, leads in writes.items():
            values = dict(key)
            if not context.get("intake_track_fields"):
                leads.with_context(mail_auto_subscribe_no_notify=True).write(values)
                continue
            # a new lead: its tracking follows (``_intake_track_creation``) and its
            # salesperson follows it with the activity (``_intake_notify``); only the
            # followers of its new team are added here
            leads.with_context(tracking_disable=True).write(values)
            leads.with_context(mail_auto_subscribe_no_notify=True).message_auto_subscribe(
                [name for name in values if name != "user_id"], values=values)
        if context.get("intake_track_fields"):
            leads = self
            if self._intake_alert_later(context):
                # the creation of an assigned lead is tracked by the job of its alert
                leads = self.sudo().filtered(lambda lead: not lead.user_id).with_env(self.env)
            leads._intake_track_creation(context["intake_track_fields"])
        return True

    @api.multi
    def _intake_track_creation(self, field_names):
        """Post the creation tracking of these new leads (created untracked by
        ``_intake_create_record``): what the create would have tracked plus the assignment,
        in one chatter message per lead, as if the lead had been created assigned."""
        leads = self.sudo()
        if "lang" not in self.env.context:
            leads = leads.with_context(lang=self.env.user.lang)
        tracked = leads._get_tracked_fields(list(set(field_names) | {"team_id", "user_id"}))
        if tracked:
            leads.message_track(tracked, {lead.id: dict.fromkeys(tracked, False) for lead in leads})
        return True

    @api.multi
    def _intake_changed_values(self, values):
        """The ``values`` that differ from the lead's (one lead)."""
        self.ensure_one()
        changed = {}
        for name, value in values.items():
            current = self[name]
            if self._fields[name].type == "many2one":
                current = current.id
            if (current or False) != (value or False):
                changed[name] = value
        return changed

    @api.multi
    def _intake_notify(self, context):
        """Give each assignee a follow-up activity and an e-mail (a re-assigned lead's former
        follow-up is dropped).

        With ``notify_later`` in the pipeline context (the web service) and queue_job
        installed, the alert is given by a queue job (``_job_intake_notify``) that runs once
        the request is committed: the client gets its answer without waiting for Odoo's mail
        composition, and the salesperson gets the alert within seconds."""
        leads = self.sudo().filtered("user_id")
        if not leads:
            return True
        if self._intake_alert_later(context):
            # the job's own record is stored without a chatter of its own (no "created" note,
            # no follower): 7 ms instead of 20 per request; the job still runs, and a job that
            # fails still posts to Job Queue's managers (its run has no such context)
            leads.with_context(tracking_disable=True).with_delay(
                description=_("Alert the salesperson of %d new leads") % len(leads)
            )._job_intake_notify(context["channel"], context.get("intake_track_fields") or ())
            return True
        leads.mapped("intake_activity_id").unlink()
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        Activity = self.env["mail.activity"].sudo()
        model_id = self.env["ir.model"]._get_id("crm.lead")
        today = fields.Date.context_today(self)
        for lead in leads:
            activity = Activity.create({
                "res_id": lead.id,
                "res_model_id": model_id,
                "activity_type_id": activity_type.id if activity_type else False,
                "summary": _("Follow up this new lead"),
                "user_id": lead.user_id.id,
                "date_deadline": today,
            })
            # bookkeeping only: no tracking, no follower to add
            lead.with_context(tracking_disable=True).write({"intake_activity_id": activity.id})
            lead.message_post(
                body=_("New lead assigned to you: %s. Please contact the prospect.") % lead.name,
                subject=_("New lead: %s") % lead.name,
                partner_ids=[lead.user_id.partner_id.id],
                subtype="mail.mt_note",
            )
        return True

    @api.model
    def _intake_alert_later(self, context):
        """True when the assignees' alerts (and the creation tracking of the assigned leads)
        go to a queue job: ``notify_later`` in the pipeline context, and queue_job installed."""
        return bool(context.get("notify_later")) and "queue.job" in self.env

    @api.multi
    @job(default_channel="root")
    def _job_intake_notify(self, channel, track_fields=()):
        """Queue job: the creation tracking (``_intake_track_creation``, when ``track_fields``)
        and the alert (``_intake_notify``) of new leads, for those still assigned and not
        alerted yet: run twice, it alerts once. A failure rolls the whole job back and stays
        in Job Queue (a concurrency error is retried by queue_job)."""
        leads = self.sudo().exists().filtered(lambda lead: lead.user_id and not lead.intake_activity_id)
        if leads and track_fields:
            leads._intake_track_creation(list(track_fields))
        leads._intake_notify({"channel": channel})
        return len(leads)

    @api.model
    def _cron_reassign_unattended(self):
        """Re-assign the leads whose follow-up activity is still open after the company's
        delay, to another salesperson of the rule, and alert the team leader."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        for company in self.env["res.company"].sudo().search([("intake_unattended_hours", ">", 0)]):
            limit = fields.Datetime.to_string(now - timedelta(hours=company.intake_unattended_hours))
            leads = self.sudo().search([
                ("company_id", "in", [company.id, False]), ("type", "=", "lead"),
                ("intake_activity_id", "!=", False), ("intake_assigned_date", "<", limit)])
            for lead in leads:
                previous = lead.user_id
                lead._intake_assign({"channel": "reassign"}, exclude_users=previous.ids)
                if lead.user_id and lead.user_id != previous:
                    lead.write({"intake_assigned_date": fields.Datetime.now()})
                    lead._intake_notify({"channel": "reassign"})
                else:
                    # nobody else can take it: keep the salesperson, do not alert again at once
                    lead.write({"user_id": previous.id, "intake_assigned_date": fields.Datetime.now()})
                manager = lead.team_id.user_id
                if manager:
                    lead.message_post(
                        body=_("Nobody worked on this lead within %(hours)d hours: it was assigned to %(new)s "
                               "(was %(old)s).") % {"hours": company.intake_unattended_hours,
                                                    "new": lead.user_id.name or _("nobody"), "old": previous.name},
                        subject=_("Unattended lead: %s") % lead.name,
                        partner_ids=[manager.partner_id.id],
                        subtype="mail.mt_note",
                    )
        return True
