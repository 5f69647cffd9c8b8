// Behaviour the pages used to carry inline (onclick, onsubmit, javascript: links): the
// Content-Security-Policy allows scripts only from our own files (docs/decisions.md).
//   [data-back]           go back one page
//   [data-print]          print the page
//   form[data-confirm]    ask before submitting
//   input[data-filter]    filter a list as one types (a sign-in list)
//   [data-confirm-keep]   a merge button: ask with the chosen record's summary (data-summary)
//   every POST form       sent once: its buttons wait and say 正在保存… until the next page (a
//                         visit with photos on a weak connection is otherwise tapped twice);
//                         form[data-offline] goes through the phone's queue instead (offline.js)
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-back], [data-print]");
  if (!el) return;
  e.preventDefault();
  if (el.hasAttribute("data-back")) history.back(); else window.print();
});
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); return; }
  // a merge says what it will do with the record the user chose to keep
  if (e.submitter && e.submitter.hasAttribute("data-confirm-keep")) {
    var keep = form.querySelector('input[name="keep"]:checked');
    if (keep && !window.confirm(keep.getAttribute("data-summary"))) { e.preventDefault(); return; }
  }
  if (e.defaultPrevented || (form.method || "").toLowerCase() !== "post" || form.hasAttribute("hx-post") || form.hasAttribute("data-no-guard")) return;
  if (form.hasAttribute("data-offline") && window.indexedDB) return;
  if (form.dataset.sending) { e.preventDefault(); return; }  // the second tap of a double tap
  form.dataset.sending = "1";
  var submitter = e.submitter;
  if (submitter && submitter.name) {  // a disabled button sends nothing: keep its name and value
    var keep = document.createElement("input");
    keep.type = "hidden"; keep.name = submitter.name; keep.value = submitter.value;
    form.appendChild(keep);
  }
  setTimeout(function () {  // after the browser has taken the form's values
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = true;
      if (b === submitter || !submitter) {
        b.dataset.label = b.innerHTML;
        b.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>' + (form.hasAttribute("data-guard") ? "正在保存…" : "请稍候…");
      }
    });
  }, 0);
  // a response that is a file leaves us on this page: let the form be used again
  setTimeout(function () { window.dispatchEvent(new Event("pageshow")); }, 30000);
});
// Back to a page from the cache (or a download that kept us here): its forms can be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sending]").forEach(function (form) {
    delete form.dataset.sending;
    form.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; if (b.dataset.label) b.innerHTML = b.dataset.label; });
  });
});

// The menu marks where the user is: the entry whose address is the longest start of this page's.
document.addEventListener("DOMContentLoaded", function () {
  var best = null, bestLen = 0, path = location.pathname;
  document.querySelectorAll("#topnav .nav-link[href], #topnav .dropdown-item[href]").forEach(function (a) {
    var href = a.getAttribute("href");
    if (!href || href === "#") return;
    var p = new URL(href, location.href).pathname;
    var hit = p === "/" ? path === "/" : path.indexOf(p) === 0;
    if (hit && p.length > bestLen) { best = a; bestLen = p.length; }
  });
  if (!best) return;
  best.classList.add("active");
  best.setAttribute("aria-current", "page");
  var menu = best.closest(".dropdown");
  if (menu) menu.querySelector(".dropdown-toggle").classList.add("active");
});
// input[data-filter="#list"]: hide the rows of #list ([data-text]) that do not contain what is typed
document.addEventListener("input", function (e) {
  var box = e.target.closest && e.target.closest("input[data-filter]");
  if (!box) return;
  var q = box.value.trim().toLowerCase();
  document.querySelectorAll(box.getAttribute("data-filter") + " [data-text]").forEach(function (row) {
    row.classList.toggle("d-none", q !== "" && row.getAttribute("data-text").toLowerCase().indexOf(q) < 0);
  });
});
