/*
 * The phone's outbox (issue 17): forms marked data-offline-form are queued in IndexedDB when
 * there is no signal (or when the network fails), each with a once-only key, and replayed in
 * order to /sync/actions when the signal returns, every minute, and on "Kirim sekarang".
 *
 * - Storage: the IndexedDB database "mg-outbox-<user id>" (every client-side name starts with
 *   "mg-" and holds the user's id, so that logout clears it and a shared phone keeps users apart).
 * - The once-only key is the form's submission_token (matchmaker/submissions.py) or a random one:
 *   the server applies a key once, so a replay after a lost answer does nothing twice.
 * - Edits carry data-offline-version (the version she read) and the values she read ("base"):
 *   a record changed since is refused as a conflict, kept here as "conflict" with a link to the
 *   page where she chooses field by field.
 * - Forms and links marked data-needs-online say "Perlu sinyal" offline instead of failing.
 * Hand-written (no library): idb would save a few lines only, and nothing could be vendored here.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-outbox]");
  if (!box || !window.indexedDB || !window.fetch) {
    return; // Without IndexedDB the forms are sent as usual.
  }
  var uid = (document.body && document.body.getAttribute("data-user")) || box.getAttribute("data-user");
  var DB_NAME = "mg-outbox-" + uid;
  var STORE = "actions";
  var REPLAY_EVERY = 60000;
  var PROBE_TIMEOUT = 8000;
  var SUPERSEDED = { profile: true, checkin: true }; // a form holding the whole record: the latest wins
  var countEl = box.querySelector("[data-outbox-count]");
  var listEl = box.querySelector("[data-outbox-list]");
  var sendButton = box.querySelector("[data-outbox-send]");
  var running = false;
  // Other open tabs of the app show the same count: tell them when it changes.
  var channel = window.BroadcastChannel ? new BroadcastChannel(DB_NAME) : null;
  if (channel) {
    channel.onmessage = function () { render(); };
  }
  function changed() {
    if (channel) { channel.postMessage("changed"); }
  }

  function text(name) {
    return box.getAttribute("data-text-" + name) || "";
  }

  // IndexedDB ------------------------------------------------------------------------------

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        var store = req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        store.createIndex("key", "key", { unique: true });
      };
      dbPromise = request(req);
    }
    return dbPromise;
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      var tx = db.transaction(STORE, mode);
      var result = work(tx.objectStore(STORE));
      return new Promise(function (resolve, reject) {
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function allItems() {
    return openDb().then(function (db) {
      return request(db.transaction(STORE, "readonly").objectStore(STORE).getAll());
    }).then(function (items) {
      return items.sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function putItem(item) {
    return withStore("readwrite", function (store) { store.put(item); });
  }

  function removeItem(seq) {
    return withStore("readwrite", function (store) { store["delete"](seq); });
  }

  // Forms ----------------------------------------------------------------------------------

  function randomKey() {
    var bytes = new Uint8Array(24);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function fieldsOf(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (error) {
      data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
    }
    var pairs = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") {
        pairs.push([name, value]);
      }
    });
    return pairs;
  }

  // The values the page was rendered with: what she read before changing anything.
  function baseOf(form) {
    var pairs = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.name === "csrf_token") {
        return;
      }
      var type = (el.type || "").toLowerCase();
      if (type === "submit" || type === "button" || type === "file" || type === "reset") {
        return;
      }
      if (type === "checkbox" || type === "radio") {
        if (el.defaultChecked) { pairs.push([el.name, el.value]); }
      } else if (el.tagName === "SELECT") {
        Array.prototype.forEach.call(el.options, function (option) {
          if (option.defaultSelected) { pairs.push([el.name, option.value]); }
        });
      } else {
        pairs.push([el.name, el.defaultValue]);
      }
    });
    return pairs;
  }

  function say(near, message) {
    var note = near.nextElementSibling;
    if (!note || !note.hasAttribute("data-outbox-note")) {
      note = document.createElement("p");
      note.className = "outbox-note";
      note.setAttribute("aria-live", "polite");
      note.setAttribute("data-outbox-note", "");
      near.parentNode.insertBefore(note, near.nextSibling);
    }
    note.textContent = message;
  }

  // A full NIK or KK number is kept on the phone only when she changed it: the server fills them in.
  var KEPT_ONLY_IF_CHANGED = ["nik", "kk_number"];

  function valuesOf(pairs, name) {
    return JSON.stringify(pairs.filter(function (pair) { return pair[0] === name; }).map(function (pair) { return pair[1]; }));
  }

  function withoutUnchanged(fields, base) {
    var drop = KEPT_ONLY_IF_CHANGED.filter(function (name) { return valuesOf(fields, name) === valuesOf(base, name); });
    var keep = function (pair) { return drop.indexOf(pair[0]) === -1; };
    return [fields.filter(keep), base.filter(keep)];
  }

  function queue(form, submitter) {
    var trimmed = withoutUnchanged(fieldsOf(form, submitter), baseOf(form));
    var fields = trimmed[0];
    var tokenInput = form.querySelector("input[name='submission_token']");
    var key = tokenInput && tokenInput.value ? tokenInput.value : randomKey();
    var item = {
      key: key,
      kind: form.getAttribute("data-offline-kind"),
      target: form.getAttribute("data-offline-target"),
      version: form.getAttribute("data-offline-version") || null,
      label: form.getAttribute("data-offline-label") || "",
      fields: fields,
      base: trimmed[1],
      created: Date.now(),
      status: "queued"
    };
    return allItems().then(function (items) {
      return withStore("readwrite", function (store) {
        items.forEach(function (old) {
          if (SUPERSEDED[item.kind] && old.status === "queued" && old.kind === item.kind && old.target === item.target) {
            store["delete"](old.seq); // her latest form holds the earlier change too
          }
        });
        store.put(item);
      });
    }).then(function () {
      if (item.kind === "visit") {
        form.reset();
      }
      if (tokenInput) {
        tokenInput.value = randomKey(); // the next action from this form is another one
      }
      say(form, text("queued"));
      changed();
      return render();
    });
  }

  // The server ---------------------------------------------------------------------------------

  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("json") === -1) {
        throw new Error("not json: " + response.status); // a login or error page: try again later
      }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }

  function freshToken() {
    return fetchJson(box.getAttribute("data-token-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (!answer.body.csrf_token) {
          throw new Error(answer.body.status || "no token");
        }
        return answer.body.csrf_token;
      });
  }

  // Whether the server answers now (signal bars can lie): the page is sent as usual if it does.
  function probe() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, PROBE_TIMEOUT);
    return fetch(box.getAttribute("data-token-url"), {
      credentials: "same-origin", cache: "no-store", signal: controller ? controller.signal : undefined
    }).then(function () { return true; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  function send(item, csrf) {
    return fetchJson(box.getAttribute("data-sync-url"), {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({
        key: item.key, kind: item.kind, target: item.target, version: item.version,
        fields: item.fields, base: item.base
      })
    });
  }

  // One tab replays at a time (two open tabs both hear "online"); the others skip their turn.
  function replay() {
    if (running || !navigator.onLine) {
      return Promise.resolve();
    }
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request(DB_NAME, { ifAvailable: true }, function (lock) {
        return lock ? replayNow() : render();
      });
    }
    return replayNow();
  }

  // Sends what waits, oldest first; stops at the first failure of the network or the server.
  function replayNow() {
    if (running) {
      return Promise.resolve();
    }
    running = true;
    box.setAttribute("aria-busy", "true");
    var stopped = null;
    return allItems().then(function (items) {
      var pending = items.filter(function (item) { return item.status === "queued" || item.status === "conflict"; });
      if (!pending.length) {
        return null;
      }
      return freshToken().then(function (csrf) {
        return pending.reduce(function (chain, item) {
          return chain.then(function () {
            if (stopped) { return null; }
            return send(item, csrf).then(function (answer) {
              var body = answer.body;
              if (body.status === "applied") {
                return removeItem(item.seq);
              }
              if (body.status === "conflict" || body.status === "invalid" || body.status === "refused") {
                item.status = body.status;
                item.message = body.message || "";
                item.errors = body.errors || {};
                item.resolve = body.resolve_url || null;
                return putItem(item);
              }
              stopped = body.status === "login" ? text("login") : text("no-signal");
              return null;
            });
          });
        }, Promise.resolve());
      });
    }).catch(function () {
      stopped = text("no-signal");
    }).then(function () {
      running = false;
      box.removeAttribute("aria-busy");
      changed();
      return render(stopped);
    });
  }

  // The count (always, in words) and the list of what waits ---------------------------------------

  function render(message) {
    return allItems().then(function (items) {
      countEl.textContent = items.length ? text("count").replace("{n}", String(items.length)) : text("none");
      // Nothing waiting: one short line of text, no button to press, more of the page in view.
      sendButton.hidden = !items.length;
      box.classList.toggle("outbox--idle", !items.length);
      if (message && items.length) {
        countEl.textContent += " " + message;
      }
      listEl.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("data-outbox-item", item.status);
        li.appendChild(document.createTextNode(item.label + " — " + text("state-" + item.status)));
        if (item.message && (item.status === "invalid" || item.status === "refused")) {
          var errors = [];
          Object.keys(item.errors || {}).forEach(function (name) { errors = errors.concat(item.errors[name]); });
          li.appendChild(document.createTextNode(": " + [item.message].concat(errors).join(" ")));
        }
        if (item.status === "conflict" && item.resolve) {
          var link = document.createElement("a");
          link.href = item.resolve;
          link.textContent = text("resolve");
          li.appendChild(document.createTextNode(" "));
          li.appendChild(link);
        }
        if (item.status === "invalid" || item.status === "refused") {
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "linkish";
          discard.textContent = text("discard");
          discard.addEventListener("click", function () { removeItem(item.seq).then(function () { render(); }); });
          li.appendChild(document.createTextNode(" "));
          li.appendChild(discard);
        }
        listEl.appendChild(li);
      });
    });
  }

  // Wiring -------------------------------------------------------------------------------------

  // Logging out clears everything kept on the phone, the outbox included: send what waits first,
  // and when it cannot be sent, say so and log out only when she presses again.
  function guardLogout(event, form, submitter) {
    if (form.hasAttribute("data-outbox-pass")) {
      form.removeAttribute("data-outbox-pass");
      return;
    }
    event.preventDefault();
    var waiting = function () { return allItems().then(function (items) { return items.length; }); };
    var leave = function () {
      form.setAttribute("data-outbox-pass", "");
      form.requestSubmit(submitter || undefined);
    };
    waiting().then(function (count) {
      if (!count || form.hasAttribute("data-logout-warned")) {
        return leave();
      }
      return replay().then(waiting).then(function (left) {
        if (!left) {
          return leave();
        }
        form.setAttribute("data-logout-warned", "");
        say(submitter || form, text("logout-waiting").replace("{n}", String(left)));
        return render();
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (form.hasAttribute("data-logout")) {
      guardLogout(event, form, submitter);
      return;
    }
    var needsOnline = form.hasAttribute("data-needs-online") || (submitter && submitter.hasAttribute("data-needs-online"));
    if (needsOnline) {
      if (!navigator.onLine) {
        event.preventDefault();
        say(submitter || form, text("needs-online"));
      }
      return;
    }
    if (!form.hasAttribute("data-offline-form")) {
      return;
    }
    if (form.hasAttribute("data-outbox-pass")) {
      form.removeAttribute("data-outbox-pass"); // the server answered: sent as usual
      return;
    }
    event.preventDefault();
    if (!navigator.onLine) {
      queue(form, submitter);
      return;
    }
    probe().then(function (reachable) {
      if (reachable) {
        form.setAttribute("data-outbox-pass", "");
        form.requestSubmit(submitter || undefined);
      } else {
        queue(form, submitter);
      }
    });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-needs-online], [data-needs-online] a");
    if (link && !navigator.onLine) {
      event.preventDefault();
      say(link, text("needs-online"));
    }
  });

  sendButton.addEventListener("click", function () {
    if (!navigator.onLine) {
      render(text("no-signal"));
      return;
    }
    replay();
  });
  window.addEventListener("online", function () { replay(); });
  setInterval(replay, REPLAY_EVERY);
  render().then(replay);
})();
