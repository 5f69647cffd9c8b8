// The child form on a phone (docs/decisions.md 65): the ID number fills sex, birth date and age
// and checks the area code; a field shows only when the answers above make it a question. The
// server applies the same rules (registry/forms.py, rules/record.py): this only saves taps.
(function () {
  "use strict";
  var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], C = "10X98765432";
  var PROVINCES = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split(" ");
  var AWAY = "外出务工", AT_HOME = "在家", DEAD = ["死亡", "宣告死亡", "宣告失踪"], NO_DATE = ["死亡", "宣告死亡"];
  var IN_SCHOOL = ["幼儿园", "小学", "初中", "高中", "中职"];

  function $(id) { return document.getElementById(id); }
  function val(name) {
    var el = $("id_" + name);
    if (el) return el.value;
    var checked = document.querySelector('input[name="' + name + '"]:checked');
    return checked ? checked.value : "";
  }
  function show(name, on) {
    var w = $("wrap-" + name);
    if (!w) return;
    // a field the server found fault with stays in view whatever the answers say
    if (!on && w.querySelector(".is-invalid, .invalid-feedback")) on = true;
    w.hidden = !on;
  }
  function normalise(s) { return (s.normalize ? s.normalize("NFKC") : s).replace(/\s+/g, "").replace(/x/g, "X"); }

  function parseId(s) {
    if (!/^\d{17}[\dX]$/.test(s)) return null;
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += (+s[i]) * W[i];
    if (C[sum % 11] !== s[17]) return { error: "校验位不对（应为 " + C[sum % 11] + "），请逐位核对" };
    var y = +s.slice(6, 10), m = +s.slice(10, 12), d = +s.slice(12, 14), birth = new Date(y, m - 1, d);
    if (birth.getMonth() !== m - 1 || birth.getDate() !== d) return { error: "号码中的出生日期不存在" };
    if (PROVINCES.indexOf(s.slice(0, 2)) < 0) return { error: "前两位不是有效的省级代码" };
    return { birth: s.slice(6, 10) + "-" + s.slice(10, 12) + "-" + s.slice(12, 14), sex: (+s[16]) % 2 ? "男" : "女", area: s.slice(0, 6), date: birth };
  }
  function age(birth) {
    var t = new Date(), a = t.getFullYear() - birth.getFullYear();
    if (t.getMonth() < birth.getMonth() || (t.getMonth() === birth.getMonth() && t.getDate() < birth.getDate())) a--;
    return a;
  }

  function onId() {
    var input = $("id_id_number"), note = $("id-note");
    if (!input || !note) return;
    var s = normalise(input.value);
    if (s !== input.value && /^[\dX]*$/.test(s)) input.value = s;
    note.textContent = "";
    note.className = "form-text";
    if (s.length < 18) return;
    var info = parseId(s);
    if (!info) { note.textContent = "应为18位数字（最后一位可以是X）"; note.className = "form-text text-danger"; return; }
    if (info.error) { note.textContent = info.error; note.className = "form-text text-danger"; return; }
    var radio = document.querySelector('input[name="sex"][value="' + info.sex + '"]');
    if (radio) radio.checked = true;
    var bd = $("id_birth_date");
    if (bd) bd.value = info.birth;
    var county = ($("child-form") || {}).dataset ? $("child-form").dataset.county : "";
    var years = age(info.date);
    note.textContent = info.sex + "，" + info.birth + "出生，" + years + "周岁" +
      (county && info.area !== county ? "；户籍地代码 " + info.area + " 不是本县，请确认是否为外地户籍" : "");
    note.className = "form-text " + (years >= 18 ? "text-danger" : "text-success");
    if (years >= 18) note.textContent += "；已满18周岁，不属于登记范围";
  }

  function parents() {
    ["father", "mother"].forEach(function (p) {
      var s = val(p + "_situation");
      var away = s && s !== AT_HOME;
      show(p + "_work_province", s === AWAY);
      show(p + "_work_city", s === AWAY);
      show(p + "_since", away && NO_DATE.indexOf(s) < 0);
      show(p + "_birth_date", away);
      show(p + "_id_number", away);
      show(p + "_phone", DEAD.indexOf(s) < 0);
    });
    // a carer is asked for when neither parent is at home (未保法 Art. 22 entrustment), or kept when given
    var needCarer = val("father_situation") !== AT_HOME && val("mother_situation") !== AT_HOME;
    var section = document.querySelector('[data-section="委托照护人"]');
    if (section) {
      var keep = needCarer || val("carer_name") || section.querySelector(".is-invalid");
      section.hidden = !keep;
    }
    var h = val("health");
    show("disability", h === "残疾");
    show("illness", h === "患病");
    show("serious_illness", h === "患病");
    var inSchool = IN_SCHOOL.indexOf(val("schooling")) >= 0;
    ["school", "school_class", "boarding"].forEach(function (f) { show(f, inSchool); });
    show("hukou_place", true);
  }

  function xKey() {
    // The numeric keypad has no X: a key beside each ID field types the check character.
    document.querySelectorAll("input[data-id-number]").forEach(function (input) {
      if (input.dataset.xkey) return;
      input.dataset.xkey = "1";
      var group = document.createElement("div");
      group.className = "input-group";
      input.parentNode.insertBefore(group, input);
      group.appendChild(input);
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-outline-secondary x-key";
      b.textContent = "X";
      b.setAttribute("aria-label", "输入校验位X");
      b.addEventListener("click", function () { input.value = normalise(input.value) + "X"; input.dispatchEvent(new Event("input", { bubbles: true })); input.focus(); });
      group.appendChild(b);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = $("child-form");
    if (!form) return;
    xKey();
    var idInput = $("id_id_number");
    if (idInput) {
      var note = document.createElement("div");
      note.id = "id-note";
      note.setAttribute("aria-live", "polite");
      ($("wrap-id_number") || idInput.parentNode).appendChild(note);
      idInput.addEventListener("input", onId);
      onId();
    }
    form.addEventListener("change", parents);
    form.addEventListener("input", function (e) { if (e.target && e.target.id === "id_carer_name") parents(); });
    parents();
    // Hidden questions are not answers: what the answers above ruled out is sent empty.
    form.closest("form").addEventListener("submit", function () {
      form.querySelectorAll("[hidden] input, [hidden] select, [hidden] textarea").forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = false; else if (el.tagName !== "SELECT") el.value = ""; else el.selectedIndex = 0;
      });
    });
  });
})();
