// 网格上报 service worker (served by intake.views_offline.grid_service_worker, scope: the grid form).
// Keeps a copy of the form page and the static files it names, so the form opens without a connection.
// It stores no report: drafts live in IndexedDB (grid_offline.js) and are posted by the page, not here.
"use strict";

var CACHE = "{{ cache_name|escapejs }}";
var PAGE = "{{ grid_url|escapejs }}";
var STATIC = "{{ static_url|escapejs }}";

function assetsOf(html) {
  var found = [];
  var pattern = /(?:src|href)="([^"]+)"/g;
  var match;
  while ((match = pattern.exec(html)) !== null) {
    var url = match[1].replace(/&amp;/g, "&");
    if (url.indexOf(STATIC) === 0 && found.indexOf(url) < 0) found.push(url);
  }
  return found;
}

// Fetch the form page afresh (it is the signed-in user's: their areas) and the files it names.
function refresh() {
  return fetch(PAGE, { credentials: "same-origin" }).then(function (response) {
    if (!response.ok || response.redirected) return; // signed out: keep what we have
    return response.clone().text().then(function (html) {
      return caches.open(CACHE).then(function (cache) {
        return cache.addAll(assetsOf(html)).then(function () { return cache.put(PAGE, response); });
      });
    });
  }).catch(function () { /* offline: keep the copy we have */ });
}

self.addEventListener("install", function (event) {
  event.waitUntil(refresh().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("anju-grid-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return; // reports are posted by the page straight to the server
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    // The network first (the page shows this user's current areas); the copy when there is none.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) refresh();
      return response;
    }, function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(PAGE); }).then(function (copy) {
        return copy || Response.error();
      });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (copy) { return copy || fetch(request); });
    }));
  }
});
