// fanout's runs page: live rows over server-sent events. Every value is
// set as text, never as markup; a refresh shows the same rows.
"use strict";

(function () {
  const main = document.getElementById("runs");
  if (!main) {
    return;
  }
  const body = document.getElementById("run-rows");

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = String(text);
    if (cls) {
      td.className = cls;
    }
    return td;
  }

  function row(r) {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    const link = document.createElement("a");
    link.href = r.link;
    link.textContent = r.id;
    const id = document.createElement("td");
    id.append(link);
    const state = document.createElement("span");
    state.className = "state state-" + r.state;
    state.textContent = r.state;
    const st = document.createElement("td");
    st.append(state);
    const done = cell(r.done, "num");
    done.dataset.col = "done";
    const total = cell(r.total, "num");
    total.dataset.col = "total";
    const bar = document.createElement("progress");
    if (r.totaln > 0) {
      bar.max = r.totaln;
      bar.value = r.donen;
    }
    bar.textContent = r.percent;
    const prog = document.createElement("td");
    prog.append(bar, " " + r.percent);
    tr.append(id, cell(r.job), cell(r.host), cell(r.started), st, done, cell(r.failed, "num"), total,
      cell(r.rate, "num"), cell(r.eta, "num"), prog);
    return tr;
  }

  const events = new EventSource(main.dataset.events);
  events.addEventListener("runs", (ev) => {
    const rows = JSON.parse(ev.data) || [];
    if (rows.length === 0) {
      return;
    }
    body.replaceChildren(...rows.map(row));
  });
})();
