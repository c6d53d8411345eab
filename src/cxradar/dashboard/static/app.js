/* cxradar report: page tabs, language switch, charts drawn when their page is first shown.
   No network request: ECharts is inlined above this script and the data below it. */
(function () {
  "use strict";
  var root = document.documentElement;
  var data = JSON.parse(document.getElementById("cx-charts").textContent);
  var charts = {};
  var pages = Array.prototype.slice.call(document.querySelectorAll("section.cx-page"));
  var links = Array.prototype.slice.call(document.querySelectorAll("nav.cx-nav a"));

  function lang() { return root.getAttribute("data-lang") === "en" ? "en" : "zh"; }

  function draw(scope) {
    var boxes = scope.querySelectorAll(".cx-chart");
    for (var i = 0; i < boxes.length; i++) {
      var el = boxes[i];
      if (!charts[el.id] && el.offsetWidth > 0) {
        charts[el.id] = echarts.init(el, null, { renderer: "canvas" });
        charts[el.id].setOption(data[el.id][lang()]);
        el.setAttribute("data-drawn", "1");
      }
    }
  }

  function resizeAll() { for (var id in charts) { charts[id].resize(); } }

  function show(id) {
    var found = false;
    pages.forEach(function (p) { var on = p.id === "page-" + id; p.classList.toggle("active", on); found = found || on; });
    if (!found && pages.length) { return show(pages[0].id.replace("page-", "")); }
    links.forEach(function (a) { a.classList.toggle("active", a.getAttribute("href") === "#" + id); });
    var page = document.getElementById("page-" + id);
    draw(page);
    root.setAttribute("data-page", id);
  }

  function setLang(next) {
    root.setAttribute("data-lang", next);
    root.setAttribute("lang", next === "zh" ? "zh-CN" : "en");
    for (var id in charts) { charts[id].setOption(data[id][next], true); }
    try { window.localStorage.setItem("cxradar-lang", next); } catch (e) { /* file:// may forbid storage */ }
  }

  document.getElementById("cx-lang").addEventListener("click", function () { setLang(lang() === "zh" ? "en" : "zh"); });
  document.getElementById("cx-print").addEventListener("click", function () { window.print(); });
  var picker = document.getElementById("cx-month");
  if (picker) { picker.addEventListener("change", function () { window.location.href = picker.value; }); }
  window.addEventListener("hashchange", function () { show(window.location.hash.slice(1)); });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", function () {
    root.classList.add("cx-printing");
    pages.forEach(function (p) { p.classList.add("active"); });
    draw(document);
    resizeAll();
  });
  window.addEventListener("afterprint", function () {
    root.classList.remove("cx-printing");
    show(root.getAttribute("data-page") || "");
    resizeAll();
  });

  try {
    var saved = window.localStorage.getItem("cxradar-lang");
    if (saved === "en" || saved === "zh") { setLang(saved); }
  } catch (e) { /* ignore */ }
  show(window.location.hash.slice(1));
  root.setAttribute("data-render-ms", String(Math.round(window.performance.now())));
  root.setAttribute("data-ready", "1");
})();
