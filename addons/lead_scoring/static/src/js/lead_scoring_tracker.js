/* Lead scoring tracker: add to any website page
 *   <script src="https://<odoo>/api/crm/v1/tracker.js"
 *           data-endpoint="https://<odoo>/api/crm/v1/events" data-key="<publishable API key>" async></script>
 * It records a page view per page, a download per click on a link to a file, asks the
 * server once for an anonymous visitor id (signed: /api/crm/v1/visitor), keeps it in
 * localStorage with the key it was issued for and adds it (hidden input "visitor_id") to every form of the page, so that
 * the visitor's past events join the lead the form creates.
 * A stored id is checked once per page load: its first event goes by XMLHttpRequest, whose
 * answer sendBeacon never sees. An id the server refuses (403 invalid_visitor: another
 * company's, or signed before the database's secret changed) or issued for another key is
 * replaced by a new one, and the events wait for it.
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
    // a stored id is not trusted until the server took one of its events
    var checked = false;
    var checking = false;

    function withKey(address) {
        // the key in the address: the server checks it before it reads the body
        return address + (address.indexOf("?") === -1 ? "?" : "&") + "key=" + encodeURIComponent(key);
    }

    function refused(request) {
        var code = null;
        try {
            code = JSON.parse(request.responseText).error.code;
        } catch (error) {
            code = null;
        }
        return request.status === 403 && code === "invalid_visitor";
    }

    function check(type, url, body, address) {
        // the first event of a stored id: its answer says whether the server takes the id
        checking = true;
        var request = new XMLHttpRequest();
        request.open("POST", address, true);
        request.setRequestHeader("Content-Type", "text/plain");
        request.onloadend = function () {
            checking = false;
            if (refused(request)) {
                // the event waits for a new id, with the ones recorded meanwhile
                pending.unshift([type, url]);
                visitorId = null;
                forget();
                askVisitorId();
                return;
            }
            checked = true;
            flush();
        };
        request.send(body);
    }

    function send(type, url) {
        var body = JSON.stringify({events: [{type: type, url: url, visitor_id: visitorId}]});
        var address = withKey(endpoint);
        if (!checked) {
            check(type, url, body, address);
            return;
        }
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
        if (visitorId && !checking) {
            send(type, url);
        } else {
            pending.push([type, url]);
        }
    }

    function flush() {
        while (pending.length && !checking) {
            var event = pending.shift();
            send(event[0], event[1]);
        }
    }

    function known(id, fresh) {
        visitorId = id;
        // an id the server just handed out needs no check
        checked = checked || !!fresh;
        window.leadScoring.visitorId = id;
        // the embeddable form of crm_leads sends it with the lead
        window.crmLeadsVisitorId = id;
        tagForms();
        flush();
    }

    function forget() {
        try {
            window.localStorage.removeItem(storageKey);
        } catch (error) {
            // private browsing: nothing stored
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
                window.localStorage.setItem(storageKey, JSON.stringify({id: id, key: key}));
            } catch (error) {
                // private browsing: the id lasts for the page
            }
            known(id, true);
        };
        request.send();
    }

    function tagForms() {
        var forms = document.getElementsByTagName("form");
        for (var i = 0; i < forms.length; i++) {
            if (!visitorId) {
                continue;
            }
            var input = forms[i].querySelector("input[name=visitor_id]");
            if (!input) {
                input = document.createElement("input");
                input.type = "hidden";
                input.name = "visitor_id";
                input.setAttribute("data-lead-scoring", "1");
                forms[i].appendChild(input);
            }
            if (input.getAttribute("data-lead-scoring")) {
                // a replaced id replaces the one given to the form
                input.value = visitorId;
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
    var storedKey = null;
    if (stored && stored.charAt(0) === "{") {
        try {
            stored = JSON.parse(stored);
            storedKey = stored.key;
            stored = stored.id;
        } catch (error) {
            stored = null;
        }
    }
    // ids of trackers before signed ids ("v-...") are not accepted any more, nor an id issued
    // for another key (another company's, most likely): a new one is asked. An id stored
    // alone (trackers before the key was stored with it) is checked with its first event.
    if (typeof stored === "string" && stored.indexOf("v1.") === 0 && (storedKey === null || storedKey === key)) {
        known(stored, false);
    } else {
        askVisitorId();
    }
}());
