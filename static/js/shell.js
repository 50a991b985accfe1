// The page shell (issue 16 §5, §7, §8). Progressive enhancement: without it every page works.
// 1. A table or figure row wider than a phone scrolls inside its own box; such a box becomes
//    reachable with the keyboard (a tab stop, named after its heading) so it can be scrolled
//    without a mouse.
// 2. One menu group open at a time; a click elsewhere or Escape closes it.
(function () {
  "use strict";
  function nameOf(box) {
    var table = box.querySelector("table");
    if (table && table.getAttribute("aria-label")) { return table.getAttribute("aria-label"); }
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
    return heading ? heading.textContent.trim() : document.title;
  }
  // Each table sits in a box of its own that scrolls sideways, so the table keeps its table
  // semantics for screen readers; the box, not the table, becomes the named scroll region.
  document.querySelectorAll("table.table").forEach(function (table) {
    if (table.parentElement && table.parentElement.classList.contains("table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
  });
  function markScrollable() {
    document.querySelectorAll(".table-scroll, .kpis").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", nameOf(box)); }
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  var groups = document.querySelectorAll(".navgroup");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) { return; }
      groups.forEach(function (other) { if (other !== group) { other.open = false; } });
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (!group.contains(event.target)) { group.open = false; } });
  });
  // Escape closes the open group and puts focus back on its button; leaving a group with the
  // keyboard closes it, so its list never covers what has the focus.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups.forEach(function (group) {
      if (!group.open) { return; }
      group.open = false;
      group.querySelector("summary").focus();
    });
  });
  groups.forEach(function (group) {
    group.addEventListener("focusout", function (event) {
      if (!group.contains(event.relatedTarget)) { group.open = false; }
    });
  });
  markScrollable();
  window.addEventListener("resize", markScrollable);
})();
