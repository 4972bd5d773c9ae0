/* Mitra Graduasi offline shell (issue 17): starts the service worker (/sw.js), says whether the
 * phone is online or offline and when the kept pages were refreshed, says so on a page shown
 * from the phone's copy, asks for a refresh after login and on the button, and deletes every
 * "mg-" cache, IndexedDB database and localStorage key after a logout or past the allowed days.
 *
 * <body> carries data-user, data-session (changes at each login), data-offline ("pages" for a
 * facilitator, "none" for other roles), data-offline-days, data-mg-clear (after a logout) and,
 * on a kept copy, data-mg-cached (set by the service worker). Texts come from the template.
 */
(function () {
  "use strict";

  var PREFIX = "mg-";
  var META_KEY = "/__mg/meta";
  var DAY_MS = 24 * 60 * 60 * 1000;
  var body = document.body;
  var data = body.dataset;
  var user = data.user || "";
  var bar = document.getElementById("mg-offline");
  var state = document.getElementById("mg-offline-state");
  var when = document.getElementById("mg-offline-when");
  var button = document.getElementById("mg-offline-refresh");
  var banner = document.getElementById("mg-offline-banner");
  var locale = document.documentElement.lang === "en" ? "en-GB" : "id-ID";

  function text(element, key, values) {
    var result = (element && element.getAttribute("data-text-" + key)) || "";
    Object.keys(values || {}).forEach(function (name) { result = result.replace("{" + name + "}", values[name]); });
    return result;
  }

  function moment(ms) {
    return new Date(Number(ms)).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  }

  /* ---- clearing ---- */

  function clearAll() {
    var jobs = [];
    try {
      Object.keys(window.localStorage).forEach(function (key) {
        if (key.indexOf(PREFIX) === 0) window.localStorage.removeItem(key);
      });
    } catch (ignored) { /* storage disabled: nothing kept there */ }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
          .map(function (name) { return caches.delete(name); }));
      }));
    }
    if (window.indexedDB && indexedDB.databases) {
      jobs.push(indexedDB.databases().then(function (databases) {
        return Promise.all(databases.filter(function (db) { return db.name && db.name.indexOf(PREFIX) === 0; })
          .map(function (db) {
            return new Promise(function (resolve) {
              var request = indexedDB.deleteDatabase(db.name);
              request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
            });
          }));
      }));
    }
    return Promise.all(jobs);
  }

  function readMeta() {
    if (!window.caches || !user) return Promise.resolve(null);
    return caches.match(META_KEY, { cacheName: "mg-meta-" + user }).then(function (hit) {
      return hit ? hit.json() : null;
    }).catch(function () { return null; });
  }

  /* ---- the indicator ---- */

  function showState() {
    if (!bar) return;
    var online = navigator.onLine;
    bar.hidden = false;
    bar.classList.toggle("offline-bar--offline", !online);
    bar.setAttribute("data-state", online ? "online" : "offline");
    state.textContent = text(bar, online ? "online" : "offline");
    if (button) button.hidden = !online;
  }

  function showRefreshed(meta) {
    if (!when || data.offline !== "pages") return;
    if (meta && meta.refreshedAt) {
      when.textContent = text(bar, "refreshed", { time: moment(meta.refreshedAt) });
      bar.setAttribute("data-refreshed-at", String(meta.refreshedAt));
    } else {
      when.textContent = text(bar, "never");
    }
  }

  function showBanner() {
    if (!banner || !data.mgCached) return;
    banner.textContent = text(banner, "cached", { time: moment(data.mgCached) });
    banner.hidden = false;
  }

  /* ---- talking to the service worker ---- */

  function send(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  function listen() {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.type === "progress" && when) {
        when.textContent = text(bar, "refreshing", { done: message.done, total: message.total });
      } else if (message.type === "refreshed") {
        showRefreshed(message);
      } else if (message.type === "refresh-failed" && when) {
        when.textContent = text(bar, "failed");
      }
    });
  }

  function start() {
    if (data.mgClear) {
      // The page after a logout: nothing of hers stays on the phone.
      clearAll().then(function () { body.setAttribute("data-mg-cleared", "1"); });
      return;
    }
    showState();
    showBanner();
    window.addEventListener("online", showState);
    window.addEventListener("offline", showState);
    if (!("serviceWorker" in navigator) || !window.caches) return;
    listen();
    readMeta().then(function (meta) {
      var days = Number(data.offlineDays) || 14;
      if (meta && meta.seenAt && Date.now() - meta.seenAt > days * DAY_MS) {
        // Too long without signing in online: the script enforces it too, not only the worker.
        return clearAll().then(function () { showRefreshed(null); });
      }
      showRefreshed(meta);
      return null;
    });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* offline: the registration already made stays in force */
    });
    if (user && !data.mgCached && navigator.onLine) {
      send({ type: "seen", user: user, session: data.session, maxDays: Number(data.offlineDays) || 14,
             keep: data.offline === "pages" });
    }
    if (button) {
      button.addEventListener("click", function () { send({ type: "refresh" }); });
    }
  }

  start();
}());
