// On a narrow screen a wide table scrolls inside its own box (site.css); such a
// box must take the keyboard's focus so it can be scrolled without a mouse.
(function () {
  function focusable() {
    document.querySelectorAll("table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth) {
        table.tabIndex = 0;
      } else {
        table.removeAttribute("tabindex");
      }
    });
  }
  focusable();
  window.addEventListener("resize", focusable);
})();
