// The service worker (served at /sw.js by shouhu.web.pwa, which puts CONFIG above this text, so
// its scope is the whole site). It keeps the pages a village director needs without signal —
// my tasks, the visit and family-contact forms, 待上传 — and the files they are made of
// (docs/domain.md "Working without signal"). Records themselves are queued by the page
// (static/js/offline.js), never here: a worker that held form posts would be a second outbox.
//   static files: cache first (their version is in CONFIG.version: a new deploy is a new cache)
//   those pages: network first, the last copy when there is no network
//   any other page without network: a short page saying so
/* global CONFIG */
"use strict";
var STATIC = "shouhu-static-" + CONFIG.version;
var PAGES = "shouhu-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(CONFIG.shell); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("shouhu-static-") === 0 && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage() {
  var html = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>没有网络 · 守护</title></head><body><h1>没有网络</h1><p>这个页面没有保存在手机上。没有信号时可以打开' +
    '<a href="' + CONFIG.tasks + '">我的待办</a>、走访和亲情联系表单（打开过的），以及<a href="' + CONFIG.queue + '">待上传</a>。</p></body></html>';
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function kept(path) {
  return CONFIG.pages.some(function (p) { return new RegExp(p).test(path); });
}

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== "GET") {
    // Signing out or in: the pages kept for the last user (children's names) go with them.
    if (req.method === "POST" && (url.pathname === CONFIG.logout || url.pathname === CONFIG.login)) event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        if (res.ok) { var copy = res.clone(); caches.open(STATIC).then(function (c) { c.put(req, copy); }); }
        return res;
      });
    }));
    return;
  }
  if (req.mode !== "navigate") return;
  event.respondWith(fetch(req).then(function (res) {
    // only a page the user was given (not a redirect to sign in, not an error)
    if (res.status === 200 && !res.redirected && kept(url.pathname)) {
      var copy = res.clone();
      event.waitUntil(caches.open(PAGES).then(function (c) { return c.put(req, copy); }));
    }
    return res;
  }, function () {
    return caches.open(PAGES).then(function (c) {
      return c.match(req).then(function (hit) { return hit || (kept(url.pathname) ? c.match(req, {ignoreSearch: true}) : undefined); });
    }).then(function (hit) { return hit || offlinePage(); });
  }));
});
