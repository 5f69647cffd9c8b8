// Behaviour the pages used to carry inline (onclick, onsubmit, javascript: links): the
// Content-Security-Policy allows scripts only from our own files (docs/decisions.md).
//   [data-back]           go back one page
//   [data-print]          print the page
//   form[data-confirm]    ask before submitting
document.addEventListener("click", function (e) {
  var el = e.target.closest("[data-back], [data-print]");
  if (!el) return;
  e.preventDefault();
  if (el.hasAttribute("data-back")) history.back(); else window.print();
});
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.hasAttribute && form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
});
