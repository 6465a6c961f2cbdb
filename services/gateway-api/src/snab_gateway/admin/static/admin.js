// The admin's behaviour: CSRF header for htmx, live order updates, the proposal preview.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });

  // Proposal builder: totals as they would be with the markup typed (cheapest offers).
  function kopecks(text) { return Math.round(parseFloat(text) * 100); }
  function rub(k) {
    return (k / 100).toLocaleString("ru-RU", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + "\u00a0₽";
  }
  function preview() {
    var input = document.getElementById("markup");
    var out = document.getElementById("preview");
    if (!input || !out) return;
    var form = input.form;
    var markup = parseFloat((input.value || "").replace(",", "."));
    if (isNaN(markup) || markup < 0) { out.textContent = ""; return; }
    var total = 0, cost = 0, priced = 0, missing = 0;
    document.querySelectorAll(".matrix tbody tr").forEach(function (row) {
      var c = row.getAttribute("data-cost"), q = parseFloat(row.getAttribute("data-qty"));
      if (!c) { missing += 1; return; }
      var unitCost = kopecks(c);
      var unit = Math.round(unitCost * (100 + markup) / 100);
      total += unit * q; cost += unitCost * q; priced += 1;
    });
    var vatRate = parseFloat(form.getAttribute("data-vat")) || 0;
    var vat = Math.round(total * vatRate / (100 + vatRate));
    out.textContent = "Предварительно: итого " + rub(total) + ", в т.ч. НДС " + rub(vat) +
      ", маржа " + rub(total - cost) + (missing ? " (без цены: " + missing + " поз.)" : "");
  }
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input || input.type !== "file") return;
    var shown = input.parentNode.querySelector("[data-file-name]");
    if (shown) shown.textContent = input.files.length ? input.files[0].name : "файл не выбран";
  });
  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "markup") preview();
  });

  // Live order page: the server says something changed, and the changing part is
  // reloaded. Folded sections stay as the manager left them; while something typed or
  // ticked there is not saved, nothing is replaced: a note offers the reload instead.
  var source = null, pending = null;
  function edited(el) {
    if (el.type === "hidden" || el.type === "submit" || el.type === "button") return false;
    if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
    if (el.tagName === "SELECT") {
      var preset = Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; });
      if (!preset) return el.selectedIndex > 0;
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }
  function busy(live) {
    return Array.prototype.some.call(live.querySelectorAll("input, select, textarea"), edited);
  }
  function folds(live) {
    var state = {};
    live.querySelectorAll("details").forEach(function (d) { state[d.id || d.className] = d.open; });
    return state;
  }
  function refold(live, state) {
    live.querySelectorAll("details").forEach(function (d) {
      var key = d.id || d.className;
      if (Object.prototype.hasOwnProperty.call(state, key)) d.open = state[key];
    });
  }
  function refresh(live, asked) {
    var stale = document.getElementById("stale");
    if (!asked && busy(live)) { if (stale) stale.hidden = false; return; }
    if (pending) return;
    pending = setTimeout(function () {
      pending = null;
      if (!asked && busy(live)) { if (stale) stale.hidden = false; return; }
      var state = folds(live);
      htmx.ajax("GET", live.getAttribute("data-live"), { target: "#live", swap: "innerHTML" }).then(function () {
        refold(live, state);
        if (stale) stale.hidden = true;
        preview();
      });
    }, asked ? 0 : 300);
  }
  function listen() {
    var live = document.getElementById("live");
    if (!live || source || !window.EventSource) return;
    // The stream starts where the page was drawn: a change made meanwhile comes too.
    source = new EventSource(live.getAttribute("data-events"));
    source.addEventListener("change", function () { refresh(live, false); });
    document.addEventListener("click", function (e) {
      if (e.target && e.target.closest && e.target.closest("[data-refresh]")) refresh(live, true);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { listen(); preview(); });
})();
