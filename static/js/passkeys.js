// Passkeys (issue 21 §1): the browser side of django-otp-webauthn's ceremonies, in the page's
// own words. A button carries its two addresses and its messages (translated on the server):
//   data-passkey="add" | "verify", data-begin, data-complete,
//   data-working, data-failed, data-unsupported, data-done; a [data-passkey-status] element
//   (role=status) shows what happens. Without WebAuthn in the browser, the button says so and
//   the code form below it stays the way in.
(function () {
  "use strict";
  var LOGIN = "/accounts/login/";
  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 429 || data.code === "locked_out") {
          // Locked out (django-axes answers the attempt that locks with its own page): the
          // session is over; the sign-in page says why.
          data.redirect_url = data.redirect_url || LOGIN;
        }
        if (!response.ok) {
          var error = new Error(data.detail || "");
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }
  function supported(kind) {
    return !!(window.PublicKeyCredential && navigator.credentials &&
      (kind === "add" ? PublicKeyCredential.parseCreationOptionsFromJSON
                      : PublicKeyCredential.parseRequestOptionsFromJSON));
  }
  document.querySelectorAll("[data-passkey]").forEach(function (button) {
    var kind = button.getAttribute("data-passkey");
    var status = document.querySelector("[data-passkey-status]");
    function say(text) { if (status) { status.textContent = text; } }
    if (!supported(kind)) {
      button.disabled = true;
      say(button.getAttribute("data-unsupported"));
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      say(button.getAttribute("data-working"));
      var nameField = document.querySelector("[data-passkey-name]");
      post(button.getAttribute("data-begin")).then(function (options) {
        if (kind === "add") {
          return navigator.credentials.create({
            publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
          });
        }
        return navigator.credentials.get({
          publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
        });
      }).then(function (credential) {
        var body = credential.toJSON();
        if (kind === "add" && nameField) { body.name = nameField.value; }
        return post(button.getAttribute("data-complete"), body);
      }).then(function (answer) {
        say(button.getAttribute("data-done"));
        window.location.href = kind === "add" ? window.location.pathname : answer.redirect_url;
      }).catch(function (error) {
        var data = (error && error.data) || {};
        if (data.redirect_url) { window.location.href = data.redirect_url; return; }
        // The page's own words only: the library's details are in English.
        say(button.getAttribute("data-failed"));
        button.disabled = false;
      });
    });
  });
})();
