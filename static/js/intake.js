// Intake form: show only the fields asked for the chosen kind of customer (person or company).
// Progressive enhancement: without this script every field shows and the server refuses a field
// that does not apply, with a message.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=intake-form]");
  if (!form) { return; }
  function apply() {
    var chosen = form.querySelector("input[name=kind]:checked");
    var kind = chosen ? chosen.value : "";
    form.querySelectorAll("[data-for]").forEach(function (wrapper) {
      var forKind = wrapper.getAttribute("data-for");
      var hide = kind !== "" && forKind !== "both" && forKind !== kind;
      wrapper.hidden = hide;
      // Disabled fields are not sent, so a value typed before switching kind is kept in the
      // page (switch back to see it) but never submitted for the wrong kind of customer.
      wrapper.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = hide;
      });
    });
  }
  form.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", apply);
  });
  apply();
})();
