/* Mitra Graduasi service worker: keeps a facilitator's own pages for reading without signal.
 *
 * Served at /sw.js (scope: the whole site). What it keeps comes from /offline/pages.json
 * (matchmaker/offline: a registry of pages, only her own households). Pages are fetched with
 * the header Mg-Offline-Copy: 1 (the server masks every NIK in them) and stored in gzip-compressed
 * bundles of 25 pages in the cache "mg-pages-<user id>"; "mg-meta-<user id>" holds when she was
 * last seen signed in, when the pages were refreshed and which bundle holds which page. Every name starts with "mg-": logout and expiry delete
 * them all (with the outbox's IndexedDB databases).
 *
 * Navigations go to the network first; only when the network fails is a kept copy shown,
 * marked data-mg-cached on <body> so that offline.js says so. POST requests are never touched:
 * the outbox (outbox.js) queues them itself.
 */
"use strict";

var PREFIX = "mg-";
var PAGES = "mg-pages-";
var META_CACHE = "mg-meta-";
var META_KEY = "/__mg/meta";
var BUNDLE = "/__mg/bundle/";
var BUNDLE_PAGES = 25;
var UNAVAILABLE = "/offline/unavailable";
var DAY_MS = 24 * 60 * 60 * 1000;
var DEFAULT_DAYS = 14;
var STALE_MS = 6 * 60 * 60 * 1000; // refresh in the background when older than this (and online)
var CONCURRENCY = 4;
var refreshing = null;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(expireIfStale().then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return; // POSTs go to the network untouched (the outbox queues them)
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var work = null;
  if (data.type === "seen") work = seen(data);
  else if (data.type === "refresh") work = refresh().catch(function () { tell({ type: "refresh-failed" }); });
  else if (data.type === "clear") work = clearAll();
  if (work) event.waitUntil(work);
});

/* ---- storage ---- */

function keysStartingWith(prefix) {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(prefix) === 0; });
  });
}

function readMeta(user) {
  return caches.match(META_KEY, { cacheName: META_CACHE + user }).then(function (hit) {
    return hit ? hit.json() : null;
  });
}

function writeMeta(user, meta) {
  return caches.open(META_CACHE + user).then(function (cache) {
    return cache.put(META_KEY, new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }));
  });
}

function deleteDatabase(name) {
  return new Promise(function (resolve) {
    var request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
  });
}

/* Delete every cache and IndexedDB database whose name starts with "mg-". */
function clearAll() {
  var dropCaches = keysStartingWith(PREFIX).then(function (names) {
    return Promise.all(names.map(function (name) { return caches.delete(name); }));
  });
  var dropDatabases = (self.indexedDB && indexedDB.databases ? indexedDB.databases() : Promise.resolve([]))
    .then(function (databases) {
      return Promise.all(databases.filter(function (db) { return db.name && db.name.indexOf(PREFIX) === 0; })
        .map(function (db) { return deleteDatabase(db.name); }));
    });
  return Promise.all([dropCaches, dropDatabases]);
}

/* The user whose pages this phone keeps (at most one: another's are deleted when she signs in). */
function keptUser() {
  return keysStartingWith(META_CACHE).then(function (names) {
    return names.length ? names[0].slice(META_CACHE.length) : null;
  });
}

/* Past the allowed days without signing in online, delete everything (works without signal). */
function expireIfStale() {
  return keptUser().then(function (user) {
    if (user === null) {
      // Pages without their record of when she was last seen cannot be trusted to expire.
      return keysStartingWith(PAGES).then(function (names) {
        if (!names.length) return false;
        return clearAll().then(function () { return true; });
      });
    }
    return readMeta(user).then(function (meta) {
      var days = (meta && meta.maxDays) || DEFAULT_DAYS;
      if (meta && meta.seenAt && Date.now() - meta.seenAt <= days * DAY_MS) return false;
      return clearAll().then(function () { return true; });
    });
  });
}

/* ---- what a page tells us ---- */

/* An online page of a signed-in user: note the time, forget other users' pages, refresh if due. */
function seen(data) {
  var user = String(data.user);
  return Promise.all([keysStartingWith(PAGES), keysStartingWith(META_CACHE)]).then(function (found) {
    var others = found[0].concat(found[1]).filter(function (name) {
      return !data.keep || (name !== PAGES + user && name !== META_CACHE + user);
    });
    return Promise.all(others.map(function (name) { return caches.delete(name); }));
  }).then(function () {
    if (!data.keep) return null; // other roles keep nothing
    return readMeta(user).then(function (meta) {
      meta = meta || {};
      var newLogin = meta.session !== data.session;
      meta.user = user;
      meta.session = data.session;
      meta.seenAt = Date.now();
      meta.maxDays = Number(data.maxDays) || DEFAULT_DAYS;
      return writeMeta(user, meta).then(function () {
        if (newLogin || !meta.refreshedAt || Date.now() - meta.refreshedAt > STALE_MS) {
          return refresh().catch(function () { tell({ type: "refresh-failed" }); });
        }
        return null;
      });
    });
  });
}

function tell(message) {
  return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

/* ---- keeping pages ---- */

function pack(response) {
  var headers = {
    "Content-Type": response.headers.get("Content-Type") || "application/octet-stream"
  };
  if (typeof CompressionStream !== "function") {
    return response.blob().then(function (blob) { return { size: blob.size, response: new Response(blob, { headers: headers }) }; });
  }
  headers["Mg-Gzip"] = "1";
  return new Response(response.body.pipeThrough(new CompressionStream("gzip"))).blob().then(function (blob) {
    return { size: blob.size, response: new Response(blob, { headers: headers }) };
  });
}

function unpack(hit) {
  var headers = { "Content-Type": hit.headers.get("Content-Type") || "application/octet-stream" };
  var body = hit.headers.get("Mg-Gzip") ? hit.body.pipeThrough(new DecompressionStream("gzip")) : hit.body;
  return new Response(body, { headers: headers });
}

function gzipText(text) {
  var blob = new Blob([text]);
  if (typeof CompressionStream !== "function") return Promise.resolve({ gzip: false, blob: blob });
  return new Response(blob.stream().pipeThrough(new CompressionStream("gzip"))).blob().then(function (packed) {
    return { gzip: true, blob: packed };
  });
}

function gunzipText(hit) {
  var body = hit.headers.get("Mg-Gzip") ? hit.body.pipeThrough(new DecompressionStream("gzip")) : hit.body;
  return new Response(body).text();
}

function absolute(url) {
  return new URL(url, self.location.origin).href;
}

/* Fetch the list of her pages and keep them; drop what is no longer on the list.
 *
 * Static files are kept one by one. Pages are kept in bundles of BUNDLE_PAGES consecutive pages
 * of the list (her households' pages one after another), each bundle gzip-compressed as one: the
 * pages of two households differ in a few words, so a bundle costs little more than one page.
 * The index (address -> bundle) is in the meta record. If the signal goes during a refresh, the
 * copy kept before stays whole.
 */
function refresh() {
  if (refreshing) return refreshing;
  var started = Date.now();
  refreshing = fetch("/offline/pages.json", { credentials: "same-origin", cache: "no-store" }).then(function (listing) {
    if (!listing.ok || listing.redirected) throw new Error("not signed in");
    return listing.json();
  }).then(function (list) {
    var user = String(list.user);
    var urls = list["static"].concat(list.pages);
    var statics = {};
    list["static"].forEach(function (url) { statics[url] = true; });
    if (!list.pages.length) return keysStartingWith(PAGES).then(function (names) {
      return Promise.all(names.map(function (name) { return caches.delete(name); }));
    });
    var done = 0, failed = 0, lost = 0, bytes = 0, queue = urls.slice(), pages = {};
    tell({ type: "progress", done: 0, total: urls.length });
    return caches.open(PAGES + user).then(function (cache) {
      function next() {
        var url = queue.shift();
        if (url === undefined) return Promise.resolve();
        return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Mg-Offline-Copy": "1" } })
          .then(function (response) {
            if (!response.ok || response.redirected) { failed += 1; return null; }
            if (statics[url]) {
              return pack(response).then(function (packed) {
                bytes += packed.size;
                return cache.put(url, packed.response);
              });
            }
            return response.text().then(function (html) {
              pages[absolute(url)] = { saved: Date.now(), csp: response.headers.get("Content-Security-Policy") || "",
                                       html: html };
            });
          })
          .catch(function () { lost += 1; })
          .then(function () {
            done += 1;
            if (done % 10 === 0) tell({ type: "progress", done: done, total: urls.length });
            return next();
          });
      }
      var workers = [];
      for (var i = 0; i < CONCURRENCY; i += 1) workers.push(next());
      var index = {};
      var bundles = {};
      return Promise.all(workers).then(function () {
        if (lost) throw new Error("the signal went during the refresh");
        var stamp = String(Date.now());
        var kept = list.pages.map(absolute).filter(function (url) { return pages[url]; });
        var puts = [];
        for (var start = 0; start < kept.length; start += BUNDLE_PAGES) {
          var key = absolute(BUNDLE + stamp + "-" + (start / BUNDLE_PAGES));
          var group = {};
          kept.slice(start, start + BUNDLE_PAGES).forEach(function (url) { group[url] = pages[url]; index[url] = key; });
          bundles[key] = true;
          puts.push(gzipText(JSON.stringify(group)).then(function (key, packed) {
            bytes += packed.blob.size;
            var headers = { "Content-Type": "application/json" };
            if (packed.gzip) headers["Mg-Gzip"] = "1";
            return cache.put(key, new Response(packed.blob, { headers: headers }));
          }.bind(null, key)));
        }
        return Promise.all(puts);
      }).then(function () {
        return readMeta(user);
      }).then(function (meta) {
        meta = meta || { user: user, seenAt: Date.now(), maxDays: list.max_days };
        meta.refreshedAt = Date.now();
        meta.pages = Object.keys(index).length;
        meta.failed = failed;
        meta.bytes = bytes;
        meta.seconds = (Date.now() - started) / 1000;
        meta.index = index;
        return writeMeta(user, meta).then(function () { return cache.keys(); }).then(function (requests) {
          // Old bundles, and a household moved to another facilitator, leave her phone now.
          var keep = {};
          list["static"].forEach(function (url) { keep[absolute(url)] = true; });
          return Promise.all(requests.filter(function (request) { return !keep[request.url] && !bundles[request.url]; })
            .map(function (request) { return cache.delete(request); }));
        }).then(function () {
          var message = { type: "refreshed" };
          Object.keys(meta).forEach(function (key) { if (key !== "session" && key !== "index") message[key] = meta[key]; });
          return tell(message);
        });
      });
    });
  });
  refreshing = refreshing.then(function (value) { refreshing = null; return value; },
    function (error) { refreshing = null; throw error; });
  return refreshing;
}

/* ---- serving ---- */

function keptCopy(url) {
  return keptUser().then(function (user) {
    if (user === null) return null;
    return caches.match(url, { cacheName: PAGES + user, ignoreVary: true });
  });
}

/* The kept page at ``url`` as a response marked data-mg-cached, or null. */
function keptPage(url) {
  return keptUser().then(function (user) {
    if (user === null) return null;
    return readMeta(user).then(function (meta) {
      var key = meta && meta.index && meta.index[url];
      if (!key) return null;
      return caches.match(key, { cacheName: PAGES + user }).then(function (hit) {
        return hit ? gunzipText(hit).then(function (text) { return JSON.parse(text)[url] || null; }) : null;
      });
    });
  }).then(function (page) {
    if (!page) return null;
    var headers = { "Content-Type": "text/html; charset=utf-8" };
    if (page.csp) headers["Content-Security-Policy"] = page.csp;
    var html = page.html.replace("<body", '<body data-mg-cached="' + page.saved + '"');
    return new Response(html, { headers: headers });
  });
}

function navigate(request) {
  return fetch(request).catch(function () {
    return expireIfStale().then(function (expired) {
      return expired ? null : keptPage(request.url).then(function (page) {
        return page || keptPage(absolute(UNAVAILABLE));
      });
    }).then(function (page) {
      if (page) return page;
      return new Response(
        "<!doctype html><html lang=id><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<title>Offline · Mitra Graduasi</title><main><h1>Offline</h1>" +
        "<p>Tidak ada sinyal, dan halaman ini tidak tersimpan di ponsel.</p>" +
        "<p lang=en>No signal, and this page is not kept on this phone.</p></main></html>",
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  });
}

function staticFile(request) {
  return keptCopy(request.url).then(function (hit) {
    return hit ? unpack(hit) : fetch(request);
  });
}
