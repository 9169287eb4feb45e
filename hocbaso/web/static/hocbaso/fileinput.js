// A file input speaks the page's language, not the browser's: Chromium and
// Firefox draw "Choose File / No file chosen" in their own locale, whatever the
// page says. Each <input type=file> gets a drawn button and a state line whose
// words the template renders on this script's tag (base.html, data-*); the
// native input stays the real control, transparent over them (site.css,
// ".file-input"), so focus, the label, required, accept, drag and drop and the
// form's submission are the browser's own. Without this script the native
// input works as before.
(function () {
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var words = script.dataset;
  // A name could carry direction marks that make "x\u202Efdp.exe" read as
  // "xexe.pdf": they are shown as a visible mark instead of obeyed.
  var BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

  function describe(input) {
    var files = input.files;
    if (!files || files.length === 0) {
      return words.none;
    }
    if (files.length === 1) {
      return files[0].name.replace(BIDI, "\uFFFD");
    }
    return words.many.replace("{count}", String(files.length));
  }

  function part(className, text) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text; // a file's name is text, never markup
    return span;
  }

  function enhance(input, n) {
    var box = part("file-input", "");
    var button = part("file-input-button", words.choose);
    var state = part("file-input-state", "");
    button.setAttribute("aria-hidden", "true"); // the input itself is the button
    state.id = (input.id || "file-input-" + n) + "-state";
    input.parentNode.insertBefore(box, input);
    box.append(input, button, state);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + state.id);
    function show() {
      state.textContent = describe(input);
      box.classList.toggle("chosen", Boolean(input.files && input.files.length));
    }
    input.addEventListener("change", show);
    if (input.form) {
      // reset empties the input after its event: read it on the next turn
      input.form.addEventListener("reset", function () { setTimeout(show, 0); });
    }
    show();
    return show;
  }

  var shows = [];
  document.querySelectorAll("input[type=file]").forEach(function (input, n) {
    if (!input.closest(".file-input")) {
      shows.push(enhance(input, n));
    }
  });
  // Back and forward may restore a page with its chosen files.
  window.addEventListener("pageshow", function () {
    shows.forEach(function (show) { show(); });
  });
})();
