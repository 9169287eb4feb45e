// On a narrow screen a wide table scrolls inside its own box (site.css, or a
// page's own wrapper such as .rollout-table-wrap); such a box must take the
// keyboard's focus so it can be scrolled without a mouse. Boxes that the page
// made focusable itself are left alone.
(function () {
  function scrolls(box) {
    var overflow = window.getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") &&
      box.scrollWidth > box.clientWidth;
  }
  function focusable() {
    document.querySelectorAll("main table, main div, main section").forEach(function (box) {
      if (box.hasAttribute("tabindex") && !box.hasAttribute("data-scroll-focus")) {
        return;
      }
      if (scrolls(box)) {
        box.tabIndex = 0;
        box.setAttribute("data-scroll-focus", "");
      } else if (box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }
  focusable();
  window.addEventListener("resize", focusable);
})();
