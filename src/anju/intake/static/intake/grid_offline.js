// 网格上报 without a connection: a report made offline (or whose sending failed on the network) is kept on
// the phone as a draft in IndexedDB — its fields, photos (Blobs), position and a key made here — and the
// queue above the form lists it. When the connection returns (and on each visit) the drafts are sent one by
// one with their key; the server receives a key once (intake.actions.submit_report), so a draft whose reply
// was lost is not received twice. A sent draft is deleted at once. Messages come from the template.
(function () {
  "use strict";

  var DB_NAME = "anju-grid";
  var STORE = "drafts";
  var RETRY_MS = 20000;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function setup(root, form) {
    var msg = root.dataset;
    var owner = root.dataset.user;
    var keyInput = form.querySelector("input[name=idempotency_key]");
    var submitButton = form.querySelector("button[type=submit]");
    var countEl = root.querySelector("[data-queue-count]");
    var listEl = root.querySelector("[data-queue-list]");
    var statusEl = root.querySelector("[data-queue-status]");
    var offlineNote = document.querySelector("[data-offline-note]");
    var flushing = false;

    function drafts() {
      return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
        // Only this user's drafts: another account signed in on the same phone never sends them.
        return all.filter(function (d) { return d.owner === owner; })
          .sort(function (a, b) { return a.createdAt - b.createdAt; });
      });
    }
    function save(draft) { return withStore("readwrite", function (store) { return store.put(draft); }); }
    function remove(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }

    function say(text, link) {
      statusEl.textContent = text || "";
      if (link) {
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.text;
        statusEl.append(" ", a);
      }
    }

    function item(draft) {
      var li = document.createElement("li");
      var when = document.createElement("time");
      when.dateTime = new Date(draft.createdAt).toISOString();
      when.textContent = new Date(draft.createdAt).toLocaleString(document.documentElement.lang || undefined);
      var text = draft.fields.filter(function (f) { return f[0] === "text"; }).map(function (f) { return f[1]; })[0] || "";
      var summary = document.createElement("span");
      summary.textContent = text.slice(0, 20) + (text.length > 20 ? "…" : "") +
        (draft.files.length ? " · " + msg.msgPhotos.replace("%s", draft.files.length) : "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn secondary";
      button.textContent = msg.msgDelete;
      button.addEventListener("click", function () {
        if (!window.confirm(msg.msgConfirmDelete)) return;
        remove(draft.id).then(render);
      });
      li.append(when, summary, button);
      if (draft.problem) {
        var problem = document.createElement("span");
        problem.className = "problem";
        problem.textContent = draft.problem;
        li.append(problem);
      }
      return li;
    }

    function render() {
      return drafts().then(function (list) {
        countEl.textContent = msg.msgCount.replace("%s", list.length);
        listEl.replaceChildren.apply(listEl, list.map(item));
        root.dataset.count = String(list.length);
        root.hidden = list.length === 0 && !statusEl.textContent;
      });
    }

    function csrfToken() {
      // Read when sending: a page kept offline carries the token of its day, the cookie the current one.
      var prefix = root.dataset.csrfCookie + "=";
      var cookie = document.cookie.split("; ").filter(function (c) { return c.indexOf(prefix) === 0; })[0];
      if (cookie) return decodeURIComponent(cookie.slice(prefix.length));
      var input = form.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    function collect() {
      var fields = [];
      var files = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.disabled || el.name === "csrfmiddlewaretoken" || el.name === "idempotency_key") return;
        if (el.type === "file") {
          Array.prototype.forEach.call(el.files, function (file) {
            files.push({ field: el.name, name: file.name, blob: file });
          });
        } else if ((el.type === "checkbox" || el.type === "radio") && !el.checked) {
          return;
        } else if (el.type !== "submit" && el.type !== "button") {
          fields.push([el.name, el.value]);
        }
      });
      return { id: keyInput.value || newKey(), owner: owner, createdAt: Date.now(), fields: fields, files: files, problem: "" };
    }

    // -> {kind: "sent", receipt, url} | {kind: "refused", errors} | {kind: "login"} | {kind: "network"}
    function send(draft, live) {
      var body = new FormData();
      draft.fields.forEach(function (f) { body.append(f[0], f[1]); });
      draft.files.forEach(function (f) { body.append(f.field, f.blob, f.name); });
      body.append("idempotency_key", draft.id);
      if (live) body.append("live", "1");
      return fetch(root.dataset.sendUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual", // the login redirect of a signed-out phone must not be followed
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      }).then(function (response) {
        var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.type === "opaqueredirect" || response.status === 401) return { kind: "login" };
        if (isJson) {
          return response.json().then(function (data) {
            return data.ok ? { kind: "sent", receipt: data.receipt, url: data.url }
              : { kind: "refused", errors: data.errors || [] };
          });
        }
        if (response.status === 403) return { kind: "login" }; // a stale CSRF cookie: sign in again
        if (response.status >= 500 || response.status === 0) return { kind: "network" };
        return { kind: "refused", errors: [] };
      }, function () { return { kind: "network" }; });
    }

    function flush(retryRefused) {
      if (flushing || !navigator.onLine) return Promise.resolve();
      flushing = true;
      var receiptsSent = [];
      return drafts().then(function (list) {
        var pending = list.filter(function (d) { return retryRefused || !d.problem; });
        var next = function (i) {
          if (i >= pending.length) return null;
          var draft = pending[i];
          say(msg.msgSending);
          return send(draft, false).then(function (result) {
            if (result.kind === "sent") {
              receiptsSent.push(result.receipt);
              return remove(draft.id).then(function () { return next(i + 1); });
            }
            if (result.kind === "refused") {
              draft.problem = msg.msgRefused + result.errors.join(" ");
              return save(draft).then(function () { return next(i + 1); });
            }
            return result.kind; // login or network: stop and keep the rest
          });
        };
        return next(0);
      }).then(function (stopped) {
        if (stopped === "login") say(msg.msgLogin, { href: msg.loginUrl, text: msg.msgSignIn });
        else say(receiptsSent.length ? msg.msgSent.replace("%s", receiptsSent.join("、")) : "");
      }).catch(function () { say(""); }).then(function () {
        flushing = false;
        return render();
      });
    }

    function clearForm() {
      form.reset();
      ["latitude", "longitude"].forEach(function (name) {
        var input = form.querySelector("input[name=" + name + "]");
        if (input) input.value = "";
      });
      var anonymous = form.querySelector("input[name=anonymous]");
      if (anonymous) anonymous.dispatchEvent(new Event("change"));
      keyInput.value = newKey();
    }

    function keep(draft, message, link) {
      return save(draft).then(function () {
        clearForm();
        say(message, link);
        return render();
      }, function () { say(msg.msgNoStorage); root.hidden = false; });
    }

    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return; // another check (e.g. the upload checks) stopped it
      event.preventDefault();
      var draft = collect();
      var text = draft.fields.filter(function (f) { return f[0] === "text"; })[0];
      if (!navigator.onLine) {
        if (!text || !text[1].trim()) { say(msg.msgTextRequired); root.hidden = false; return; }
        keep(draft, msg.msgSaved);
        return;
      }
      submitButton.disabled = true;
      send(draft, true).then(function (result) {
        if (result.kind === "sent") { window.location.assign(result.url); return; }
        if (result.kind === "refused") { form.submit(); return; } // the server marks each field to correct
        submitButton.disabled = false;
        if (result.kind === "login") keep(draft, msg.msgLogin, { href: msg.loginUrl, text: msg.msgSignIn });
        else keep(draft, msg.msgSaved);
      });
    });

    function showConnection() { offlineNote.hidden = navigator.onLine; }
    window.addEventListener("online", function () { showConnection(); flush(false); });
    window.addEventListener("offline", showConnection);
    root.querySelector("[data-queue-send]").addEventListener("click", function () { flush(true); });

    // Weak signal: the browser may think it is online while sending failed, or miss the "online" event;
    // while drafts wait, try again now and then (flush does nothing when offline or already sending).
    window.setInterval(function () {
      if (root.dataset.count !== "0") flush(false);
    }, RETRY_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") flush(false);
    });

    if (!keyInput.value) keyInput.value = newKey();
    showConnection();
    render().then(function () { return flush(false); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-grid-queue]");
    var form = document.querySelector("form[data-grid-form]");
    if (!root || !form) return;
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.swScope }).catch(function () {});
    }
    if (!window.indexedDB || !window.Promise) return; // the form posts as a plain form
    setup(root, form);
  });
})();
