// "J'aime" without reloading the page. Without JavaScript the form posts and the page reloads.
(function () {
    "use strict";
    document.addEventListener("submit", function (event) {
        var form = event.target;
        if (!form.matches("form[data-reaction]")) {
            return;
        }
        event.preventDefault();
        var button = form.querySelector("button");
        button.disabled = true;
        fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json" },
            credentials: "same-origin",
        })
            .then(function (response) {
                if (!response.ok || !(response.headers.get("Content-Type") || "").includes("application/json")) {
                    throw new Error(response.statusText);
                }
                return response.json();
            })
            .then(function (data) {
                button.setAttribute("aria-pressed", data.reacted ? "true" : "false");
                form.querySelector("[data-reaction-count]").textContent = data.count;
                button.disabled = false;
            })
            .catch(function () {
                form.submit();
            });
    });
})();
