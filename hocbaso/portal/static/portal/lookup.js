// A link to the lookup page may carry the code in its fragment (#code: the QR code
// printed on every page). The fragment never reaches the server; this moves it
// into the form (sent only as a POST body) and clears it from the address bar;
// the reader adds who they are and why, then looks up.
(function () {
  var code = decodeURIComponent((window.location.hash || "").slice(1)).trim();
  if (!/^[0-9a-fA-F-]{32,36}$/.test(code)) { return; }
  var field = document.getElementById("id_code");
  if (!field) { return; }
  field.value = code;
  history.replaceState(null, "", window.location.pathname);
  var next = document.getElementById("id_organisation");
  if (next) { next.focus(); }
})();
