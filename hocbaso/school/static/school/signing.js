// Runs a signing batch from the page: the server hands out digests, the local
// signing agent (hocbaso sign-agent) signs them on the token, the page posts the
// signatures back. With the demo key the server signs each class itself. The
// batch's status is polled while it runs; an interrupted batch resumes. With a
// remote signing certificate the server asks the signing service itself; the page
// sends the credential ids and one OTP per call, and asks for a new one when told.
(function () {
  "use strict";
  const panel = document.getElementById("signing-panel");
  if (!panel) return;
  const csrf = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
  const $ = (id) => document.getElementById(id);
  const text = (name) => panel.dataset["text" + name];
  let polling = null;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k]));
  }

  async function server(url, body) {
    const response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  async function agent(path, body) {
    const port = $("agent-port").value.trim();
    const token = $("agent-token").value.trim();
    sessionStorage.setItem("hocbaso-agent", JSON.stringify({ port, token }));
    let response;
    try {
      response = await fetch("http://127.0.0.1:" + port + path, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
        body: JSON.stringify(body),
      });
    } catch (e) {
      throw new Error(text("Agent"));
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function render(status) {
    $("batch-progress").hidden = false;
    $("batch-bar").max = Math.max(status.total, 1);
    $("batch-bar").value = status.done;
    let summary = format(text("Progress"), status);
    if (status.status === "done") summary += " " + text("Finished");
    else if (status.failed) summary += " " + text("Refused");
    $("batch-summary").textContent = summary;
    $("batch-retry").hidden = !status.failed;
    const body = $("batch-items");
    body.replaceChildren();
    for (const item of status.items) {
      const row = document.createElement("tr");
      row.className = "batch-item state-" + item.state;
      for (const value of [item.class, item.state_label, item.records, item.accepted, item.error]) {
        const cell = document.createElement("td");
        cell.textContent = value;
        row.appendChild(cell);
      }
      body.appendChild(row);
    }
  }

  function startPolling(url) {
    stopPolling();
    polling = setInterval(() => server(url).then(render).catch(() => {}), 1000);
  }
  function stopPolling() {
    if (polling) clearInterval(polling);
    polling = null;
  }

  async function run(batch, mode) {
    panel.dataset.lastMode = "agent";
    const base = panel.dataset.batchesUrl + batch + "/";
    localStorage.setItem("hocbaso-batch-" + panel.dataset.kind, batch);
    startPolling(base);
    $("batch-error").textContent = "";
    try {
      for (;;) {
        let answer = await server(base + "next/", {});
        render(answer.status);
        while (answer.work) {
          const work = answer.work;
          if (work.round === "certificate") {
            const cert = await agent("/certificate", { key: work.key });
            answer = await server(base + "certificate/", { item: work.item, chain: cert.chain });
          } else {
            const signed = await agent("/sign", { batch, key: work.key, digests: work.digests });
            answer = await server(base + "signatures/", {
              item: work.item, round: work.round, signatures: signed.signatures,
            });
          }
          render(answer.status);
        }
        const s = answer.status;
        if (s.status !== "open" || s.done + s.failed >= s.total) break;
      }
      const last = await server(base);
      render(last);
      document.dispatchEvent(new CustomEvent("hocbaso:batch-finished", { detail: last }));
    } catch (e) {
      $("batch-error").textContent = e.message;
    } finally {
      stopPolling();
    }
  }

  const NEEDS = {
    otp: (key) => (key === "seal" ? "NeedOtpSeal" : "NeedOtpPersonal"),
    seal_credential: () => "NeedSealCredential",
    credential: () => "NeedCredential",
  };

  async function runRemote(batch) {
    const base = panel.dataset.batchesUrl + batch + "/";
    localStorage.setItem("hocbaso-batch-" + panel.dataset.kind, batch);
    panel.dataset.remoteBatch = batch; // kept until the batch ends: a retry continues it
    panel.dataset.lastMode = "remote";
    startPolling(base);
    $("batch-error").textContent = "";
    const body = {
      credential: $("remote-credential").value.trim(),
      seal_credential: $("remote-seal") ? $("remote-seal").value.trim() : "",
      pin: $("remote-pin").value,
      otp: $("remote-otp").value.trim(),
    };
    $("remote-otp").value = ""; // a code is accepted once
    try {
      const answer = await server(base + "remote/", body);
      render(answer.status);
      if (answer.need) {
        $("remote-ask").textContent = text(NEEDS[answer.need](answer.key));
        return;
      }
      $("remote-ask").textContent = "";
      delete panel.dataset.remoteBatch;
      const last = await server(base);
      render(last);
      document.dispatchEvent(new CustomEvent("hocbaso:batch-finished", { detail: last }));
    } catch (e) {
      $("batch-error").textContent = e.message;
    } finally {
      stopPolling();
    }
  }

  function chosenClasses() {
    if (panel.dataset.classes) return [Number(panel.dataset.classes)];
    return Array.from(document.querySelectorAll(".choose-class:checked")).map((c) => Number(c.value));
  }

  async function start(mode) {
    const classes = chosenClasses();
    if (!classes.length) {
      $("batch-error").textContent = text("Choose");
      return;
    }
    const reason = $("batch-reason") ? $("batch-reason").value : "";
    try {
      const created = await server(panel.dataset.createUrl, {
        // A remote certificate is the teacher's own, as with the agent.
        kind: panel.dataset.kind, mode: mode === "remote" ? "agent" : mode, classes, reason,
      });
      render(created);
      if (mode === "remote") await runRemote(created.batch);
      else await run(created.batch, mode);
    } catch (e) {
      $("batch-error").textContent = e.message;
    }
  }

  const saved = JSON.parse(sessionStorage.getItem("hocbaso-agent") || "null");
  if (saved) {
    $("agent-port").value = saved.port;
    $("agent-token").value = saved.token;
  }
  $("sign-agent").addEventListener("click", () => start("agent"));
  if ($("sign-remote")) {
    $("sign-remote").addEventListener("click", () => {
      if (panel.dataset.remoteBatch) runRemote(panel.dataset.remoteBatch);
      else start("remote");
    });
  }
  if ($("sign-demo")) $("sign-demo").addEventListener("click", () => start("demo"));
  if ($("batch-resume")) {
    $("batch-resume").addEventListener("click", (e) => {
      const button = e.currentTarget;
      run(button.dataset.batch, button.dataset.mode);
    });
  }
  $("batch-retry").addEventListener("click", async () => {
    const batch = localStorage.getItem("hocbaso-batch-" + panel.dataset.kind);
    if (!batch) return;
    await server(panel.dataset.batchesUrl + batch + "/retry/", {});
    if (panel.dataset.lastMode === "remote") runRemote(batch);
    else run(batch, null);
  });
})();
