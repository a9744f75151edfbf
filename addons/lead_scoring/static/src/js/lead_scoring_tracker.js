/* Lead scoring tracker: add to any website page
 *   <script src="https://<odoo>/api/crm/v1/tracker.js"
 *           data-endpoint="https://<odoo>/api/crm/v1/events" data-key="<publishable API key>" async></script>
 * It records a page view per page, a download per click on a link to a file, asks the
 * server once for an anonymous visitor id (signed: /api/crm/v1/visitor), keeps it in
 * localStorage and adds it (hidden input "visitor_id") to every form of the page, so that
 * the visitor's past events join the lead the form creates.
 * window.leadScoring.track(type, url) records any other event.
 */
(function () {
    "use strict";
    var script = document.currentScript;
    if (!script) {
        return;
    }
    var endpoint = script.getAttribute("data-endpoint");
    var key = script.getAttribute("data-key");
    var storageKey = "lead_scoring_visitor";
    // the visitor id is handed out (signed) by the server, once per browser; made-up ids
    // are refused by the events endpoint
    var visitorEndpoint = script.getAttribute("data-visitor-endpoint")
        || endpoint.replace(/\/events(\?|$)/, "/visitor$1");
    var visitorId = null;
    var pending = [];

    function withKey(address) {
        // the key in the address: the server checks it before it reads the body
        return address + (address.indexOf("?") === -1 ? "?" : "&") + "key=" + encodeURIComponent(key);
    }

    function send(type, url) {
        var body = JSON.stringify({events: [{type: type, url: url, visitor_id: visitorId}]});
        var address = withKey(endpoint);
        // text/plain: a simple request, no CORS preflight
        if (navigator.sendBeacon) {
            navigator.sendBeacon(address, new Blob([body], {type: "text/plain"}));
        } else {
            var request = new XMLHttpRequest();
            request.open("POST", address, true);
            request.setRequestHeader("Content-Type", "text/plain");
            request.send(body);
        }
    }

    function track(type, url) {
        url = url || window.location.href;
        if (visitorId) {
            send(type, url);
        } else {
            pending.push([type, url]);
        }
    }

    function known(id) {
        visitorId = id;
        window.leadScoring.visitorId = id;
        // the embeddable form of crm_leads sends it with the lead
        window.crmLeadsVisitorId = id;
        tagForms();
        while (pending.length) {
            var event = pending.shift();
            send(event[0], event[1]);
        }
    }

    function askVisitorId() {
        // a simple GET: no CORS preflight
        var request = new XMLHttpRequest();
        request.open("GET", withKey(visitorEndpoint), true);
        request.onload = function () {
            var id = null;
            try {
                id = JSON.parse(request.responseText).visitor_id;
            } catch (error) {
                id = null;
            }
            if (!id) {
                return;
            }
            try {
                window.localStorage.setItem(storageKey, id);
            } catch (error) {
                // private browsing: the id lasts for the page
            }
            known(id);
        };
        request.send();
    }

    function tagForms() {
        var forms = document.getElementsByTagName("form");
        for (var i = 0; i < forms.length; i++) {
            if (visitorId && !forms[i].querySelector("input[name=visitor_id]")) {
                var input = document.createElement("input");
                input.type = "hidden";
                input.name = "visitor_id";
                input.value = visitorId;
                forms[i].appendChild(input);
            }
        }
    }

    document.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest("a[href]") : null;
        if (link && /\.(pdf|zip|docx?|xlsx?|pptx?)(\?|$)/i.test(link.href)) {
            track("download", link.href);
        }
    });
    document.addEventListener("submit", function () {
        track("form", window.location.href);
    });
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", tagForms);
    } else {
        tagForms();
    }
    window.leadScoring = {visitorId: null, track: track};
    track("page_view", window.location.href);
    var stored = null;
    try {
        stored = window.localStorage.getItem(storageKey);
    } catch (error) {
        stored = null;
    }
    // ids of trackers before signed ids ("v-...") are not accepted any more: a new one is asked
    if (stored && stored.indexOf("v1.") === 0) {
        known(stored);
    } else {
        askVisitorId();
    }
}());
