// The phone's outbox (docs/domain.md "Working without signal").
//   form[data-offline]  a visit or family-contact form: on submit it is first kept on the phone
//                       (IndexedDB, photos as Blobs), then sent; without network it waits
//   #queue-badge        "N 条待上传" in the top bar of every page while records wait
//   #queue-list         the 待上传 page: each record with its state
//   .task-card          my tasks: a child whose record waits is marked so
// A record leaves the phone only after the server answered that it is saved (or was already
// saved under the same key: the key is made here when the form opens, so a lost answer and a
// second send are one record). A record is sent only for the user who made it, with a CSRF token
// fetched just before, since a page kept for hours may carry a stale one. Registers /sw.js.
(function () {
  "use strict";
  var DB = "shouhu-offline", STORE = "records";
  var UNSENT = {waiting: 1, sending: 1, login: 1, error: 1};
  var LABELS = {waiting: "等待网络", sending: "上传中", login: "请先登录", error: "未能保存", saved: "已保存", conflict: "冲突"};

  function open() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, {keyPath: "key"}); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(STORE, mode), req = fn(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); ok(req ? req.result : undefined); };
        t.onerror = t.onabort = function () { db.close(); fail(t.error); };
      });
    });
  }
  function all() { return run("readonly", function (s) { return s.getAll(); }); }
  function put(rec) { return run("readwrite", function (s) { return s.put(rec); }); }
  function drop(key) { return run("readwrite", function (s) { return s.delete(key); }); }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function badgeEl() { return document.getElementById("queue-badge"); }
  function me() { var b = badgeEl(); return b ? b.getAttribute("data-user") : ""; }

  // -- sending ------------------------------------------------------------------------------------
  function token() {
    return fetch(badgeEl().getAttribute("data-token"), {credentials: "same-origin", redirect: "manual", cache: "no-store"})
      .then(function (res) { return res.ok ? res.json() : null; });  // a redirect to sign in: not signed in
  }
  function keep(rec, state, message) {
    rec.state = state; rec.message = message || "";
    return put(rec).then(function () { refresh(); return {state: state, message: rec.message, errors: rec.errors}; });
  }
  function errorsText(errors) {
    var out = [];
    Object.keys(errors || {}).forEach(function (k) { out = out.concat(errors[k]); });
    return out.join("；");
  }

  // Send one record; resolves to {state, message, data}. Network failure leaves it waiting.
  function send(rec, auth) {
    var body = new FormData();
    rec.fields.forEach(function (f) {
      if (f[0] === "csrfmiddlewaretoken") body.append(f[0], auth.csrf);
      else if (f[1] instanceof Blob) body.append(f[0], f[1], f[1].name || "photo.jpg");
      else body.append(f[0], f[1]);
    });
    rec.state = "sending";
    return put(rec).then(function () {
      refresh();
      return fetch(rec.url, {method: "POST", body: body, credentials: "same-origin", redirect: "manual",
                             headers: {"X-Shouhu-Queue": "1", "X-CSRFToken": auth.csrf}});
    }).then(function (res) {
      if (res.type === "opaqueredirect") return keep(rec, "login", "登录已过期，请重新登录，登录后自动上传");
      if (res.status === 200) {
        return res.json().then(function (data) {
          rec.fields = [];  // saved: the photos and notes need not stay on the phone
          rec.savedAt = Date.now(); rec.next = data.next;
          return keep(rec, data.conflict ? "conflict" : "saved", data.conflict || data.message).then(function (r) { r.data = data; return r; });
        });
      }
      if (res.status === 400) {
        return res.json().then(function (data) { rec.errors = data.errors; return keep(rec, "error", errorsText(data.errors)); });
      }
      if (res.status === 404) return keep(rec, "error", "未找到该儿童，或您已不能为其记录（可能已迁出或分工已调整）");
      // a stale version (409/412) was not saved: it stays, with its content, until the user decides
      if (res.status === 409 || res.status === 412) return keep(rec, "error", "冲突：此记录已被他人修改，未保存，请核对后重新填写");
      if (res.status === 403) return keep(rec, "error", "服务器拒绝了这条记录（无权限），请核对后重新填写");
      return keep(rec, "waiting", "服务器暂时无法保存，稍后自动重试");
    }, function () { return keep(rec, "waiting", ""); });
  }

  var busy = false;
  function sendAll() {
    if (busy || !badgeEl() || !navigator.onLine) return Promise.resolve();
    busy = true;
    var work = function () {
      return all().then(function (recs) {
        var mine = recs.filter(function (r) { return (r.state === "waiting" || r.state === "sending" || r.state === "login") && r.user === me(); });
        if (!mine.length) return;
        return token().then(function (auth) {
          if (!auth) return Promise.all(mine.map(function (r) { return keep(r, "login", "请先登录，登录后自动上传"); }));
          return mine.reduce(function (p, r) {
            return p.then(function (stop) { return stop ? stop : send(r, auth).then(function (out) { return out.state === "waiting"; }); });
          }, Promise.resolve(false));
        }, function () { return true; /* no network after all */ });
      });
    };
    // one tab at a time (two would still save once each: the key)
    var p = navigator.locks ? navigator.locks.request("shouhu-queue", work) : work();
    return p.then(function (failed) { busy = false; refresh(); retry(failed); }, function () { busy = false; refresh(); retry(true); });
  }
  // A signal that comes and goes may fire no "online" event, and the phone may believe it is online
  // all along: after a try the network refused, try again soon, then less often (3 s … 1 min).
  var retryIn = 0, retryTimer = null;
  function retry(failed) {
    clearTimeout(retryTimer);
    if (!failed) { retryIn = 0; return; }
    retryIn = Math.min(retryIn ? retryIn * 2 : 3000, 60000);
    retryTimer = setTimeout(sendAll, retryIn);
  }

  // -- what the pages show ------------------------------------------------------------------------
  function refresh() {
    if (!window.indexedDB) return Promise.resolve();
    return all().then(function (recs) {
      var b = badgeEl(), unsent = recs.filter(function (r) { return UNSENT[r.state]; });
      if (b) {
        var conflicts = recs.filter(function (r) { return r.state === "conflict"; }).length;
        b.textContent = unsent.length ? unsent.length + " 条待上传" : conflicts ? conflicts + " 条冲突" : "";
        b.classList.toggle("d-none", !unsent.length && !conflicts);
        b.classList.toggle("btn-warning", !!unsent.length);
        b.classList.toggle("btn-danger", !unsent.length && !!conflicts);
        b.setAttribute("data-count", String(unsent.length));
      }
      document.querySelectorAll(".task-card .queued-mark").forEach(function (m) { m.remove(); });
      unsent.forEach(function (r) {
        document.querySelectorAll('.task-card[data-kind="' + r.kind + '"][data-child="' + r.child + '"] .card-body > div').forEach(function (el) {
          var m = document.createElement("div");
          m.className = "queued-mark small text-warning-emphasis";
          m.textContent = "已记录，待上传";
          el.appendChild(m);
        });
      });
      renderList(recs);
    });
  }

  function renderList(recs) {
    var box = document.getElementById("queue-list");
    if (!box) return;
    box.textContent = "";
    recs.sort(function (a, b) { return a.at - b.at; });
    if (!recs.length) { box.innerHTML = '<div class="alert alert-success">没有待上传的记录。</div>'; return; }
    recs.forEach(function (r) {
      var card = document.createElement("div");
      card.className = "card shadow-sm mb-2 queue-item queue-" + r.state;
      card.setAttribute("data-key", r.key);
      var body = document.createElement("div");
      body.className = "card-body p-2";
      var head = document.createElement("div");
      head.className = "d-flex justify-content-between gap-2";
      var title = document.createElement("strong");
      title.textContent = r.label;
      var state = document.createElement("span");
      state.className = "badge queue-state " + ({saved: "text-bg-success", conflict: "text-bg-danger", error: "text-bg-danger", sending: "text-bg-info"}[r.state] || "text-bg-warning");
      state.textContent = LABELS[r.state] || r.state;
      head.appendChild(title); head.appendChild(state);
      body.appendChild(head);
      var when = document.createElement("div");
      when.className = "small text-muted";
      when.textContent = "记录于 " + new Date(r.at).toLocaleString("zh-CN") + (r.user !== me() ? " · 由另一账号记录，该账号登录后上传" : "");
      body.appendChild(when);
      if (r.message) {
        var msg = document.createElement("div");
        msg.className = "small queue-message";
        msg.textContent = (r.state === "conflict" ? "冲突：" : "") + r.message;
        body.appendChild(msg);
      }
      var photos = r.fields.filter(function (f) { return f[1] instanceof Blob; }).length;
      var text = r.fields.filter(function (f) { return typeof f[1] === "string" && f[1] && !/^(csrfmiddlewaretoken|client_key|opened_at|next)$/.test(f[0]); });
      if (text.length || photos) {
        var det = document.createElement("details");
        var sum = document.createElement("summary");
        sum.textContent = "内容" + (photos ? "（含照片 " + photos + " 张）" : "");
        det.appendChild(sum);
        text.forEach(function (f) { var d = document.createElement("div"); d.className = "small"; d.textContent = ((r.labels || {})[f[0]] || f[0]) + "：" + f[1]; det.appendChild(d); });
        body.appendChild(det);
      }
      var actions = document.createElement("div");
      actions.className = "d-flex gap-2 mt-1";
      if (r.state === "saved" || r.state === "conflict") actions.appendChild(button("知道了", "btn-outline-secondary", function () { drop(r.key).then(refresh); }));
      if (r.state === "error") {
        actions.appendChild(button("重新上传", "btn-outline-primary", function () { r.state = "waiting"; put(r).then(sendAll); }));
        actions.appendChild(button("删除", "btn-outline-danger", function () {
          if (window.confirm("删除后这条记录不会上传，手机上也不再保留。确定删除？")) drop(r.key).then(refresh);
        }));
      }
      if (actions.childNodes.length) body.appendChild(actions);
      card.appendChild(body);
      box.appendChild(card);
    });
  }
  function button(text, cls, fn) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "btn btn-sm " + cls; b.textContent = text;
    b.addEventListener("click", fn);
    return b;
  }

  // -- the forms ----------------------------------------------------------------------------------
  function showErrors(form, errors) {
    form.querySelectorAll(".queue-error").forEach(function (e) { e.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (e) { e.classList.remove("is-invalid"); });
    var rest = [];
    Object.keys(errors).forEach(function (name) {
      var wrap = form.querySelector("#wrap-" + name);
      if (!wrap) { rest = rest.concat(errors[name]); return; }
      wrap.querySelectorAll("input, select, textarea").forEach(function (i) { i.classList.add("is-invalid"); });
      errors[name].forEach(function (m) {
        var d = document.createElement("div");
        d.className = "invalid-feedback d-block queue-error"; d.id = "err-" + name; d.textContent = m;
        wrap.appendChild(d);
      });
    });
    var top = document.createElement("div");
    top.className = "alert alert-danger queue-error"; top.setAttribute("role", "alert");
    top.textContent = "有 " + Object.keys(errors).length + " 处需要修改，请查看标红的栏目。" + rest.join(" ");
    form.parentNode.insertBefore(top, form);
    var first = form.querySelector(".queue-error");
    if (first) first.scrollIntoView({block: "center"});
  }
  function busyButtons(form, on) {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = on;
      if (on) { b.dataset.label = b.innerHTML; b.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>正在保存…'; }
      else if (b.dataset.label) b.innerHTML = b.dataset.label;
    });
  }
  function waitingNotice(form, rec, text) {
    var n = document.createElement("div");
    n.className = "alert alert-warning"; n.id = "queue-notice"; n.setAttribute("role", "status");
    var p = document.createElement("div");
    p.textContent = text;
    n.appendChild(p);
    var links = document.createElement("div");
    links.className = "d-flex gap-2 mt-2";
    var back = document.createElement("a");
    back.className = "btn btn-primary"; back.href = rec.nextField || "/"; back.textContent = "返回";
    var list = document.createElement("a");
    list.className = "btn btn-outline-secondary"; list.href = badgeEl().getAttribute("href"); list.textContent = "查看待上传";
    links.appendChild(back); links.appendChild(list);
    n.appendChild(links);
    form.parentNode.insertBefore(n, form);
    form.hidden = true;
    window.scrollTo(0, 0);
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute || !form.hasAttribute("data-offline") || !window.indexedDB || !badgeEl()) return;
    e.preventDefault();
    if (form.dataset.queueing) return;  // the second tap of a double tap
    form.dataset.queueing = "1";
    busyButtons(form, true);
    var fields = [], labels = {};
    form.querySelectorAll("[id^=wrap-]").forEach(function (w) {
      var l = w.querySelector(".form-label");
      if (l) labels[w.id.slice(5)] = l.textContent.replace("*", "").trim();
    });
    new FormData(form).forEach(function (v, k) {
      if (v instanceof File && !v.name && !v.size) return;  // an empty file input
      fields.push([k, v]);
    });
    var keyInput = form.querySelector("[name=client_key]"), nextInput = form.querySelector("[name=next]");
    var rec = {key: keyInput.value, user: me(), url: location.pathname + location.search, kind: form.getAttribute("data-offline"),
               child: form.getAttribute("data-child"), label: form.getAttribute("data-label"), fields: fields, labels: labels, state: "waiting",
               message: "", at: Date.now(), nextField: nextInput && nextInput.value};
    put(rec).then(function () {
      refresh();
      if (!navigator.onLine) return {state: "waiting"};
      return token().then(function (auth) {
        return auth ? send(rec, auth) : keep(rec, "login", "登录已过期，请重新登录，登录后自动上传");
      }, function () { return keep(rec, "waiting", ""); });
    }).then(function (out) {
      if (out.state === "saved" || out.state === "conflict") {
        return drop(rec.key).then(function () { location.assign(out.data.next || "/"); });
      }
      delete form.dataset.queueing;
      busyButtons(form, false);
      if (out.state === "error" && out.errors) {  // not saved, and the user is here: fix it on the form
        return drop(rec.key).then(function () { refresh(); showErrors(form, out.errors); });
      }
      if (out.state === "login") return waitingNotice(form, rec, "这条记录已保存在手机上（待上传）。登录已过期：请重新登录，登录后自动上传。");
      if (out.state === "error") return waitingNotice(form, rec, "这条记录已保存在手机上，但服务器未能保存：" + out.message);
      waitingNotice(form, rec, "没有网络：这条记录已保存在手机上（待上传），联网后自动上传，请勿重复填写。");
    }, function () {
      // the phone could not keep it (storage refused): send the form the ordinary way
      delete form.dataset.queueing;
      busyButtons(form, false);
      form.removeAttribute("data-offline");
      form.submit();
    });
  });

  // 待上传 and my tasks kept for use without signal even if 待上传 was never opened: asked for from
  // my tasks, once per sign-in (signing out empties the cache), when the page has been idle a
  // moment — background requests are kept off the moment a page loads.
  function keepPages() {
    var b = badgeEl();
    if (!b || !window.caches || !navigator.onLine || !document.getElementById("task-list")) return;
    var urls = b.getAttribute("data-keep").split(" ");
    caches.open("shouhu-pages").then(function (c) {
      return urls.reduce(function (p, url) {
        return p.then(function () {
          return c.match(url).then(function (hit) {
            if (hit) return;
            return fetch(url, {credentials: "same-origin", redirect: "manual"}).then(function (res) {
              if (res.status === 200) return c.put(url, res);
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    // a fresh key each time a form is opened: a page served again from the phone's cache must not
    // reuse the key of the record made on it last time
    document.querySelectorAll("form[data-offline] [name=client_key]").forEach(function (i) { i.value = newKey(); });
    var again = document.getElementById("queue-send");
    if (again) again.addEventListener("click", sendAll);
    if (window.indexedDB) refresh().then(sendAll);
  });
  window.addEventListener("online", sendAll);
  setInterval(function () { sendAll(); }, 60000);  // a weak signal fires no "online" event
  window.addEventListener("load", function () {
    setTimeout(function () {
      if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
      keepPages();
    }, 1500);
  });
})();
