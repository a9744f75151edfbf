import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import approval


class AnswerError(UserError):
    """Why the customer's answer was not recorded, in words meant for the customer, with a code
    the portal page puts in its URL (``/my/orders/<id>?error=<code>``) instead of the text."""

    def __init__(self, code, message):
        super(AnswerError, self).__init__(message)
        self.code = code


class SaleQuotationAnswer(models.Model):
    """The customer's answer to a quotation, with the evidence of an acceptance."""

    _name = "sale.quotation.answer"
    _description = "Customer answer to a quotation"
    _order = "answered_on desc, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Quotation",
        required=True,
        ondelete="cascade",
        index=True,
    )
    answer = fields.Selection(
        selection=[("accepted", "Accepted"), ("refused", "Refused")],
        required=True,
    )
    acceptance_rate = fields.Float(
        string="Acceptance rate (%)",
        group_operator="avg",
        help="100 for an acceptance, 0 for a refusal: its average is the acceptance rate.",
    )
    answered_on = fields.Datetime(
        string="Date",
        required=True,
        default=fields.Datetime.now,
    )
    signed_by = fields.Char(
        string="Name typed by the customer",
    )
    signature = fields.Binary(
        attachment=True,
    )
    ip_address = fields.Char(
        string="IP address",
    )
    user_agent = fields.Char(
        string="Browser",
    )
    document_sha256 = fields.Char(
        string="SHA-256 of the quotation PDF",
    )
    document_id = fields.Many2one(
        comodel_name="ir.attachment",
        string="Quotation PDF as accepted",
        index=True,
        ondelete="restrict",
    )
    document_intact = fields.Boolean(
        string="PDF unchanged",
        compute="_compute_document_intact",
        help="The kept PDF still has the SHA-256 recorded when the customer signed.",
    )
    refusal_reason_id = fields.Many2one(
        comodel_name="sale.refusal.reason",
        string="Refusal reason",
    )
    refusal_note = fields.Text(
        string="Customer's comment",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
    )
    salesperson_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales team",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed total",
    )

    @api.depends("document_id", "document_sha256")
    def _compute_document_intact(self):
        for answer in self:
            document = answer.sudo().document_id
            content = base64.b64decode(document.datas) if document and document.datas else b""
            answer.document_intact = bool(content and answer.document_sha256
                                          and approval.document_fingerprint(content) == answer.document_sha256)

    @api.model
    def _prepare_answer(self, order, answer, ip_address, user_agent):
        """Values of an answer to ``order``: extend to keep more evidence."""
        return {
            "order_id": order.id, "answer": answer, "acceptance_rate": 100.0 if answer == "accepted" else 0.0,
            "answered_on": fields.Datetime.now(), "ip_address": ip_address, "user_agent": (user_agent or "")[:250],
            "partner_id": order.partner_id.id, "salesperson_id": order.user_id.id, "team_id": order.team_id.id,
            "company_id": order.company_id.id, "currency_id": order.currency_id.id,
            "amount_untaxed": order.amount_untaxed,
        }

    @api.model
    def _check_answerable(self, order, accepting=False):
        if order.state not in ("draft", "sent"):
            raise AnswerError("closed", _("This quotation is no longer waiting for your answer."))
        if order.validity_date and order.validity_date < fields.Date.context_today(self):
            raise AnswerError("expired", _("This quotation has expired."))
        if accepting and order._approval_hidden_from_customer():
            # the customer is not told which internal rules stop it
            raise AnswerError("review", _("This quotation is being reviewed by our team: you will receive it again "
                                          "once it is ready."))

    @api.model
    def _document(self, order):
        """The quotation PDF the customer is answering, as bytes."""
        content = self.env.ref("sale.action_report_saleorder").sudo().render_qweb_pdf([order.id])[0]
        return content if isinstance(content, bytes) else content.encode("utf-8")

    @api.model
    def record_acceptance(self, order, signed_by, signature, ip_address=None, user_agent=None):
        """The customer accepts ``order``: keep the typed name, the drawn signature, the date,
        the IP address and the SHA-256 of the quotation PDF (kept as an attachment), then
        confirm the order (its approval cycle is checked like any confirmation)."""
        self._check_answerable(order, accepting=True)
        signed_by = (signed_by or "").strip()
        if not signed_by:
            raise AnswerError("name", _("Type your name to sign."))
        try:
            image = base64.b64decode(signature or "", validate=True)
        except (binascii.Error, ValueError):
            image = b""
        if not image:
            raise AnswerError("signature", _("Draw your signature to accept."))
        document = self._document(order)
        digest = approval.document_fingerprint(document)
        values = self._prepare_answer(order, "accepted", ip_address, user_agent)
        values.update(signed_by=signed_by, signature=base64.b64encode(image), document_sha256=digest)
        answer = self.sudo().create(values)
        # the PDF belongs to the answer, which nobody writes or deletes (read-only for every group):
        # Odoo's attachment check refuses to change or delete it, the salesperson still reads it
        attachment = self.env["ir.attachment"].sudo().create({
            "name": _("%s - accepted.pdf") % order.name, "datas_fname": "%s.pdf" % order.name,
            "datas": base64.b64encode(document), "res_model": self._name, "res_id": answer.id,
            "mimetype": "application/pdf",
        })
        answer.sudo().write({"document_id": attachment.id})
        order.action_confirm()
        order.sudo().write({"customer_answer": "accepted"})
        order.sudo().message_post(
            author_id=order.partner_id.id,
            body=_("Accepted and signed online by %(name)s on %(date)s from %(ip)s. "
                   "SHA-256 of the quotation PDF: %(digest)s") % {
                "name": signed_by, "date": answer.answered_on, "ip": ip_address or "-", "digest": digest},
            attachments=[("signature.png", image)], subtype="mail.mt_note")
        return answer

    @api.model
    def record_refusal(self, order, reason=None, note=None, ip_address=None, user_agent=None):
        """The customer refuses ``order`` with a reason from the company's list and/or a
        comment: the quotation is cancelled, its opportunity (sale_crm) lost with that reason."""
        self._check_answerable(order)
        note = (note or "").strip()
        if not reason and not note:
            raise AnswerError("reason", _("Tell us why you refuse this quotation."))
        values = self._prepare_answer(order, "refused", ip_address, user_agent)
        values.update(refusal_reason_id=reason.id if reason else False, refusal_note=note or False)
        answer = self.sudo().create(values)
        order.sudo().action_cancel()
        order.sudo().write({"customer_answer": "refused"})
        order.sudo().message_post(
            author_id=order.partner_id.id,
            body=_("Refused online by the customer: %s") % " - ".join(
                part for part in (reason.name if reason else "", note) if part),
            partner_ids=order.user_id.partner_id.ids, subtype="mail.mt_note")
        self._mark_opportunity_lost(order, reason, note)
        return answer

    @api.model
    def _mark_opportunity_lost(self, order, reason, note):
        """With sale_crm, the quotation's opportunity is lost with the customer's reason."""
        if "opportunity_id" not in order._fields or "crm.lost.reason" not in self.env:
            return
        opportunity = order.sudo().opportunity_id
        if not opportunity:
            return
        name = reason.name if reason else _("Quotation refused")
        LostReason = self.env["crm.lost.reason"].sudo()
        lost_reason = LostReason.search([("name", "=", name)], limit=1) or LostReason.create({"name": name})
        opportunity.write({"lost_reason": lost_reason.id})
        opportunity.action_set_lost()
        opportunity.message_post(body=_("Lost: the customer refused quotation %(order)s (%(reason)s).") % {
            "order": order.name, "reason": " - ".join(part for part in (name, note) if part)})
