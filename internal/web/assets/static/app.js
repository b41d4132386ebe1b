// fanout's run page: live updates over server-sent events. Everything
// this script shows, a refresh of the page shows too; item names and
// reasons are set as text, never as markup.
"use strict";

(function () {
  const main = document.getElementById("run");
  if (!main || main.dataset.final === "true") {
    return;
  }
  const svgNS = "http://www.w3.org/2000/svg";
  const fields = Array.from(document.querySelectorAll("[data-field]"));
  const state = document.getElementById("state");
  const bar = document.getElementById("bar");
  const chart = document.getElementById("timeline");
  const classSelect = document.getElementById("class");
  const hasClasses = main.dataset.classes === "true";
  const remote = main.dataset.remote === "true";
  let shownFailed = Number(main.dataset.failed);
  let shownFailures = Number(main.dataset.failures);
  let fetching = false;
  let again = false;

  // drawTimeline lays bars out as the server does (format.go, bars).
  function drawTimeline(t) {
    const counts = t.counts || [];
    const peak = counts.reduce((a, b) => Math.max(a, b), 0);
    const w = 600 / Math.max(counts.length, 60);
    const rects = [];
    counts.forEach((c, i) => {
      const h = peak > 0 ? (c / peak) * 100 : 0;
      const r = document.createElementNS(svgNS, "rect");
      r.setAttribute("x", String(i * w));
      r.setAttribute("y", String(100 - h));
      r.setAttribute("width", String(w * 0.9));
      r.setAttribute("height", String(h));
      rects.push(r);
    });
    chart.replaceChildren(...rects);
  }

  function updateClasses(classes) {
    if (!classSelect || !classes) {
      return;
    }
    for (const c of classes) {
      const label = c.class + " (" + c.count.toLocaleString("en-US") + ")";
      let opt = Array.from(classSelect.options).find((o) => o.value === c.class);
      if (!opt) {
        opt = document.createElement("option");
        opt.value = c.class;
        classSelect.append(opt);
      }
      opt.textContent = label;
    }
  }

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = String(text);
    if (cls) {
      td.className = cls;
    }
    return td;
  }

  function pageLink(page, text, rel) {
    const params = new URLSearchParams(location.search);
    if (page > 1) {
      params.set("page", String(page));
    } else {
      params.delete("page");
    }
    const a = document.createElement("a");
    const qs = params.toString();
    a.href = location.pathname + (qs ? "?" + qs : "");
    a.rel = rel;
    a.textContent = text;
    return a;
  }

  function showFailures(p) {
    const rows = (p.rows || []).map((f) => {
      const tr = document.createElement("tr");
      tr.append(cell(f.n), cell(f.item, "item"));
      if (hasClasses) {
        tr.append(cell(f.class));
      }
      tr.append(cell(f.reason, "reason"), cell(f.attempts));
      if (remote) {
        tr.append(cell(f.worker || ""));
      }
      return tr;
    });
    document.getElementById("fail-rows").replaceChildren(...rows);
    const set = (name, v) => {
      const el = document.querySelector('[data-fail="' + name + '"]');
      if (el) {
        el.textContent = v;
      }
    };
    set("matches", p.matches.toLocaleString("en-US"));
    set("page", String(p.page));
    set("pages", String(p.pages));
    const links = [];
    if (p.page > 1) {
      links.push(pageLink(Math.min(p.page - 1, p.pages), "previous page", "prev"));
    }
    if (p.page < p.pages) {
      links.push(pageLink(p.page + 1, "next page", "next"));
    }
    document.getElementById("pager").replaceChildren(...links);
  }

  // refreshFailures fetches the failures the address selects, at most one
  // request at a time.
  function refreshFailures() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetch(main.dataset.json + location.search, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
      .then(showFailures)
      .catch(() => {})
      .finally(() => {
        fetching = false;
        if (again) {
          again = false;
          setTimeout(refreshFailures, 500);
        }
      });
  }

  const events = new EventSource(main.dataset.events);
  events.addEventListener("update", (ev) => {
    const u = JSON.parse(ev.data);
    for (const el of fields) {
      const v = u.text[el.dataset.field];
      if (v !== undefined) {
        el.textContent = v;
      }
    }
    state.className = "state state-" + u.state;
    document.title = "fanout " + main.dataset.job + ": " + u.state;
    if (u.total > 0) {
      bar.max = u.total;
      bar.value = Math.min(u.done, u.total);
      bar.textContent = u.text.percent;
    } else {
      bar.removeAttribute("value");
    }
    drawTimeline(u.timeline);
    updateClasses(u.classes);
    if (u.failed !== shownFailed || u.failures !== shownFailures) {
      shownFailed = u.failed;
      shownFailures = u.failures;
      refreshFailures();
    }
    if (u.final) {
      events.close();
      main.dataset.final = "true";
    }
  });
})();
