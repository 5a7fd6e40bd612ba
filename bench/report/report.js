/* drvbench report: draws the records embedded in this page (the JSON in
 * #drvbench-data, written by bench/src/report*.c) with uPlot. Reads nothing
 * from the network. #drvbench-selftest receives what was drawn (plots,
 * series, points, errors) for the headless-browser test. */
(function () {
  "use strict";
  var t0 = performance.now();
  var selftest = { errors: [], plots: [], loadMs: 0 };
  window.addEventListener("error", function (e) { selftest.errors.push(String(e.message)); });
  var palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function section(title) {
    var s = el("section");
    s.appendChild(el("h2", {}, title));
    document.getElementById("drvbench-main").appendChild(s);
    return s;
  }
  function width() { return Math.max(480, Math.min(1100, document.documentElement.clientWidth - 48)); }

  function record(id, title, u, labels) {
    var p = { id: id, title: title, series: [] };
    for (var i = 1; i < u.series.length; i++) {
      var ys = u.data[i], n = 0, first = null, last = null;
      for (var k = 0; k < ys.length; k++) if (ys[k] !== null && ys[k] !== undefined) {
        if (first === null) first = ys[k];
        last = ys[k];
        n++;
      }
      p.series.push({ label: labels[i - 1], points: n, first: first, last: last });
    }
    selftest.plots.push(p);
  }

  /* One plot: x, then [{name, y, slope?, at?, dash?}]; a series with a slope
   * gets its fitted line beside it. */
  function plot(parent, id, title, xlabel, x, series, marks, xnames) {
    var opts = {
      title: title, width: width(), height: 260, scales: { x: { time: false } },
      series: [{ label: xlabel }], axes: [{ label: xlabel }, { size: 80 }],
      hooks: { draw: [function (u) {
        (marks || []).forEach(function (m) {
          var px = u.valToPos(m, "x", true), c = u.ctx;
          c.save(); c.strokeStyle = "#888"; c.setLineDash([4, 4]); c.beginPath();
          c.moveTo(px, u.bbox.top); c.lineTo(px, u.bbox.top + u.bbox.height); c.stroke();
          c.restore();
        });
      }] }
    };
    if (xnames) {
      opts.axes[0].values = function (u, splits) {
        return splits.map(function (v) { return Number.isInteger(v) && xnames[v] !== undefined ? xnames[v] : ""; });
      };
      opts.axes[0].splits = function () { return xnames.map(function (_, i) { return i; }); };
    }
    var data = [x], labels = [];
    series.forEach(function (s, i) {
      var color = palette[i % palette.length];
      opts.series.push({ label: s.name, stroke: color, width: 1.5, points: { show: !!xnames } });
      data.push(s.y);
      labels.push(s.name);
      if (s.slope !== undefined) {
        opts.series.push({ label: "fit " + s.name + " (" + s.slope.toFixed(5) + "/cycle)",
                           stroke: color, dash: [6, 4], width: 1 });
        data.push(x.map(function (v) { return s.at + s.slope * v; }));
        labels.push("fit " + s.name);
      }
    });
    var box = el("div", { id: id, "class": "plot" });
    parent.appendChild(box);
    var u = new uPlot(opts, data, box);
    record(id, title, u, labels);
  }

  function table(parent, head, rows, cls) {
    var t = el("table", { "class": cls || "" }), tr = el("tr");
    head.forEach(function (h) { tr.appendChild(el("th", {}, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (v, i) {
        var td = el("td", {}, v === null || v === undefined ? "" : String(v));
        if (head[i] === "result") td.className = "r-" + String(v).replace(" ", "-");
        row.appendChild(td);
      });
      t.appendChild(row);
    });
    parent.appendChild(t);
  }

  function trends(d) {
    var s = section("Release over release");
    if (!d.trends.length) { s.appendChild(el("p", {}, "Nothing recorded under two labels yet.")); return; }
    var x = d.labels.map(function (_, i) { return i; });
    d.trends.forEach(function (t) { plot(s, t.id, t.title, "release", x, t.series, [], d.labels); });
  }

  function cycles(d) {
    var s = section("Cycle runs: counters per cycle, with the fitted slope");
    if (!d.cycles.length) { s.appendChild(el("p", {}, "No cycle run recorded.")); return; }
    d.cycles.forEach(function (c) {
      var h = el("h3", {}, c.kind + " on " + c.host + ", " + c.label + ": " + c.result + ", " +
                 c.done + " cycles" + (c.decimated ? " (min/max per pixel column of " + c.columns + ")" : ""));
      s.appendChild(h);
      if (c.why) s.appendChild(el("p", { "class": "why" }, c.why));
      c.plots.forEach(function (p) { plot(s, p.id, p.title, "cycle", p.x, p.series, c.marks); });
    });
  }

  function scenarios(d) {
    var s = section("Latest scenarios" + (d.scenarios ? " (" + d.scenarios.label + ")" : ""));
    if (!d.scenarios || !d.scenarios.rows.length) { s.appendChild(el("p", {}, "No scenario run recorded.")); return; }
    table(s, ["scenario", "host", "result", "ms", "objects", "log drops", "reason"], d.scenarios.rows, "scen");
    var f = section("Findings" + (d.findings.label ? " (" + d.findings.label + ")" : ""));
    if (!d.findings.rows.length) f.appendChild(el("p", {}, "No qualification findings recorded."));
    else table(f, ["check", "severity", "where", "message"], d.findings.rows);
  }

  /* gcovr's JSON (format 0.x): files[].functions[] and files[].lines[]. */
  function coverage(d) {
    var s = section("Coverage of the driver" + (d.coverage ? " (" + d.coverage.label + ")" : ""));
    if (!d.coverage) {
      s.appendChild(el("p", {}, "No coverage recorded: record from a coverage build (meson -Db_coverage=true) with gcovr installed."));
      return;
    }
    var files = d.coverage.gcovr.files || [], rows = [], never = [], fnTotal = 0, fnHit = 0, lnTotal = 0, lnHit = 0;
    files.forEach(function (f) {
      var fh = 0, ft = 0, lh = 0, lt = 0;
      (f.functions || []).forEach(function (fn) {
        ft++; var c = fn.execution_count !== undefined ? fn.execution_count : fn.count;
        if (c > 0) fh++; else never.push([f.file, fn.demangled_name || fn.name, fn.lineno]);
      });
      (f.lines || []).forEach(function (l) { if (l.gcovr_noncode) return; lt++; if (l.count > 0) lh++; });
      fnTotal += ft; fnHit += fh; lnTotal += lt; lnHit += lh;
      rows.push([f.file, fh + "/" + ft, lh + "/" + lt]);
    });
    s.appendChild(el("p", {}, "Functions reached " + fnHit + " of " + fnTotal + ", lines " + lnHit + " of " + lnTotal + "."));
    table(s, ["file", "functions reached", "lines reached"], rows);
    s.appendChild(el("h3", {}, "Never reached"));
    table(s, ["file", "function", "line"], never);
  }

  /* Each campaign's coverage features and corpus over its executions. */
  function fuzz(d) {
    var s = section("Fuzz campaigns: coverage over executions");
    if (!d.fuzz || !d.fuzz.length) { s.appendChild(el("p", {}, "No fuzz campaign recorded (drvbench fuzz --record).")); return; }
    d.fuzz.forEach(function (f) {
      plot(s, f.id, f.target + " on " + f.host + ", " + f.label, "executions", f.x, f.series, []);
    });
  }

  /* How often each selector was reached, refused by the shim's checks,
   * failed by its method, or passed; never-reached ones stand out. */
  function selectors(d) {
    var sel = d.selectors || { rows: [] };
    var s = section("User-client selectors reached" + (sel.label ? " (" + sel.label + ")" : ""));
    if (!sel.rows.length) { s.appendChild(el("p", {}, "No selector coverage recorded (run, cycle or fuzz with --record).")); return; }
    var never = sel.rows.filter(function (r) { return r[4] === 0; }).length;
    s.appendChild(el("p", {}, sel.rows.length + " selector rows, " + never + " never reached."));
    table(s, ["recorded by", "client", "selector", "method", "reached", "refused by the shim",
              "failed by the method", "passed"], sel.rows, "selectors");
    var rows = s.querySelectorAll("table.selectors tr");
    sel.rows.forEach(function (r, i) { if (r[4] === 0) rows[i + 1].className = "never"; });
  }

  function main() {
    var d = JSON.parse(document.getElementById("drvbench-data").textContent);
    document.getElementById("drvbench-title").textContent = "drvbench records: " + d.file;
    if (d.empty) {
      section("No records").appendChild(el("p", { id: "drvbench-empty" },
        "This records file holds no runs yet. Record some with --record (drvbench run, cycle or fuzz)."));
      return;
    }
    var meta = section("Labels");
    table(meta, ["label", "runs", "kext", "machine", "last recorded"], d.labelRows);
    trends(d);
    cycles(d);
    scenarios(d);
    fuzz(d);
    selectors(d);
    coverage(d);
  }

  try { main(); } catch (e) { selftest.errors.push(String(e && e.stack || e)); }
  selftest.loadMs = performance.now() - t0;
  document.getElementById("drvbench-selftest").textContent = JSON.stringify(selftest);
})();
