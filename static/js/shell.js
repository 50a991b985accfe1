// The page shell (issue 16 §5, §7, §8). Progressive enhancement: without it every page works.
// 1. A table or figure row wider than a phone scrolls inside its own box; such a box becomes
//    reachable with the keyboard (a tab stop, named after its heading) so it can be scrolled
//    without a mouse.
// 2. One menu group open at a time; a click elsewhere or Escape closes it.
(function () {
  "use strict";
  function nameOf(box) {
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
    return heading ? heading.textContent.trim() : document.title;
  }
  function markScrollable() {
    document.querySelectorAll(".table, .kpis").forEach(function (box) {
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
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { groups.forEach(function (group) { group.open = false; }); }
  });
  markScrollable();
  window.addEventListener("resize", markScrollable);
})();
