/* Lead scoring tracker: add to any website page
 *   <script src="https://<odoo>/lead_scoring/static/src/js/lead_scoring_tracker.js"
 *           data-endpoint="https://<odoo>/api/crm/v1/events" data-key="<publishable API key>" async></script>
 * It records a page view per page, a download per click on a link to a file, keeps an
 * anonymous visitor id in localStorage and adds it (hidden input "visitor_id") to every
 * form of the page, so that the visitor's past events join the lead the form creates.
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
    var visitorId;
    try {
        visitorId = window.localStorage.getItem(storageKey);
        if (!visitorId) {
            visitorId = "v-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
            window.localStorage.setItem(storageKey, visitorId);
        }
    } catch (error) {
        visitorId = "v-" + Math.random().toString(36).slice(2, 12);
    }

    function track(type, url) {
        var body = JSON.stringify({events: [{type: type, url: url || window.location.href,
            visitor_id: visitorId}]});
        // the key in the address: the server checks it before it reads the body
        var address = endpoint + (endpoint.indexOf("?") === -1 ? "?" : "&") + "key=" + encodeURIComponent(key);
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

    function tagForms() {
        var forms = document.getElementsByTagName("form");
        for (var i = 0; i < forms.length; i++) {
            if (!forms[i].querySelector("input[name=visitor_id]")) {
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
    track("page_view", window.location.href);
    window.leadScoring = {visitorId: visitorId, track: track};
}());
