"""The embeddable website form of a lead key.

- ``GET /crm/form/<form>``: a page with the form (the address to share or to frame);
- ``GET /crm/form/<form>/embed.js``: the script a website pastes
  (``<script src=".../embed.js" async></script>``): it inserts the form after itself and
  posts it with ``fetch``;
- ``POST /crm/form/<form>/submit``: the posted fields (form-encoded) go through
  ``crm.lead.intake_create(values, 'form', api_key=key)``; JSON answer, CORS headers only
  for the key's allowed origins (and Odoo's own pages), 403 for other websites, 429 past
  the key's posts per minute and IP address, 413 past 1 MB. Each rendered form carries a
  one-time ``submission_id``: posting the same form again answers 200 with the first
  answer and creates nothing (``crm.lead.api.key._form_submit``).
"""
import json

from odoo import http
from odoo.http import request

from ..lib import api as api_lib
from .common import TOO_LARGE_ENVIRON_KEY, ApiError, check_rate_limit, client_ip, error_body, json_response

EMBED_JS = """(function () {
    "use strict";
    var script = document.currentScript;
    var box = document.createElement("div");
    box.innerHTML = %(html)s;
    script.parentNode.insertBefore(box, script.nextSibling);
    var form = box.querySelector("form");
    var status = form.querySelector(".o_crm_leads_status");
    function show(message, error) {
        status.textContent = message;
        status.className = "o_crm_leads_status" + (error ? " o_crm_leads_error" : " o_crm_leads_done");
    }
    form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new URLSearchParams(new FormData(form));
        var visitor = script.getAttribute("data-visitor-id") || window.crmLeadsVisitorId;
        if (visitor) {
            data.set("visitor_id", visitor);
        }
        var button = form.querySelector("button");
        button.disabled = true;
        Array.prototype.forEach.call(form.querySelectorAll(".o_crm_leads_invalid"), function (input) {
            input.classList.remove("o_crm_leads_invalid");
        });
        fetch(form.action, {method: "POST", body: data, mode: "cors", credentials: "omit"})
            .then(function (response) {
                if (response.status === 503) {
                    throw new Error("busy");
                }
                return response.json();
            })
            .then(function (answer) {
                if (answer.error) {
                    var input = answer.error.field && form.querySelector("[name=" + answer.error.field + "]");
                    if (input) {
                        input.classList.add("o_crm_leads_invalid");
                        input.focus();
                    }
                    show(answer.error.message, true);
                } else {
                    Array.prototype.forEach.call(form.querySelectorAll("input, textarea, label, button"),
                        function (element) { element.style.display = "none"; });
                    show(answer.message, false);
                }
            })
            .catch(function () { show(form.getAttribute("data-network-error"), true); })
            .then(function () { button.disabled = false; });
    });
})();
"""
NO_STORE = ("Cache-Control", "no-store")


class LeadFormController(http.Controller):

    @http.route("/crm/form/<string:form_token>", type="http", auth="none", methods=["GET"], csrf=False)
    def form_page(self, form_token, lang=None, **_kwargs):
        key = request.env["crm.lead.api.key"]._form_key(form_token)
        if not key:
            return request.not_found()
        lang = self._lang(key, lang)
        script_url = "/crm/form/%s/embed.js?lang=%s" % (key.form_token, lang)
        html = request.env["ir.qweb"].with_context(lang=lang).render(
            "crm_leads.lead_form_page", {"lang": lang, "title": key.name, "script_url": script_url})
        return request.make_response(b"<!DOCTYPE html>\n" + html,
                                     [("Content-Type", "text/html; charset=utf-8"), NO_STORE])

    @http.route("/crm/form/<string:form_token>/embed.js", type="http", auth="none", methods=["GET"], csrf=False)
    def form_script(self, form_token, lang=None, **_kwargs):
        key = request.env["crm.lead.api.key"]._form_key(form_token)
        if not key:
            return request.make_response("/* unknown or revoked form */",
                                         [("Content-Type", "application/javascript; charset=utf-8")])
        lang = self._lang(key, lang)
        Qweb = request.env["ir.qweb"].with_context(lang=lang)
        html = Qweb.render("crm_leads.lead_form", {
            "action": "%s/crm/form/%s/submit" % (request.httprequest.host_url.rstrip("/"), key.form_token),
            "ts": key._form_sign(),
            "submission_id": key._form_new_submission_id(),
            "lang": lang,
            "network_error": key.with_context(lang=lang)._form_network_error(),
        })
        script = EMBED_JS % {"html": json.dumps(html.decode("utf-8"))}
        return request.make_response(script, [("Content-Type", "application/javascript; charset=utf-8"), NO_STORE])

    @http.route("/crm/form/<string:form_token>/submit", type="http", auth="none", methods=["POST", "OPTIONS"],
                csrf=False)
    def form_submit(self, form_token, **posted):
        origin = request.httprequest.headers.get("Origin")
        key = request.env["crm.lead.api.key"]._form_key(form_token)
        if not key:
            return json_response(error_body("unknown_form", "This form no longer exists."), 404)
        key = key.with_context(lang=self._lang(key, posted.get("lang")))
        if not self._origin_allowed(origin, key):
            return json_response(error_body(
                "origin_refused", key._form_origin_refused_message()), 403)
        cors = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")] if origin else []
        if request.httprequest.method == "OPTIONS":
            return json_response({}, 204, cors + [("Access-Control-Allow-Methods", "POST, OPTIONS"),
                                                  ("Access-Control-Allow-Headers", "Content-Type"),
                                                  ("Access-Control-Max-Age", "600")])
        try:
            check_rate_limit("form:%d:%s" % (key.id, client_ip()), key.form_ip_rate_limit,
                             message=key._form_rate_limited_message(), headers=cors)
        except ApiError as error:
            return error.response()
        if request.httprequest.environ.get(TOO_LARGE_ENVIRON_KEY):
            # read away unparsed when the request was built (common._patch_dispatch)
            return json_response(error_body("body_too_large", key._form_too_large_message()), 413, cors)
        try:
            api_lib.check_storable(posted, "form")
        except api_lib.UnstorableValue as error:
            field = next((name for name, value in posted.items() if isinstance(value, str) and "\x00" in value), None)
            if field:
                return json_response(error_body("invalid_value", key._form_nul_message(field), field), 400, cors)
            return json_response(error_body("invalid_value", str(error)), 400, cors)
        status, answer = key._form_submit(posted)
        return json_response(answer, status, cors)

    # ---------------------------------------------------------------- helpers

    def _origin_allowed(self, origin, key):
        """No Origin (a server posting), Odoo's own form page, or one of the key's websites."""
        if not origin:
            return True
        own = request.httprequest.host_url.rstrip("/").lower()
        return origin.rstrip("/").lower() == own or api_lib.origin_allowed(origin, key.allowed_origins)

    def _lang(self, key, lang):
        """An installed language: the one asked for, else the browser's (Accept-Language: a
        form too large to be read has no language posted), else the company's, else English."""
        Lang = request.env["res.lang"].sudo()
        browser = []
        for code in request.httprequest.accept_languages.values():
            code = code.replace("-", "_")
            if "_" in code:
                code = code.split("_", 1)[0].lower() + "_" + code.split("_", 1)[1].upper()
            else:
                # "fr": the first installed French
                code = Lang.search([("code", "=like", code + "\\_%"), ("active", "=", True)], limit=1).code
            browser.append(code)
        for code in [lang] + browser + [key.company_id.partner_id.lang, "en_US"]:
            if code and Lang.search_count([("code", "=", code), ("active", "=", True)]):
                return code
        return "en_US"
