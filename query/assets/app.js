// The dashboard: reads the five published datasets (and nothing else), lets the reader pick
// a council and draws its figures as SVG charts and tables. No libraries, no build step.
//
// Every chart element and key figure carries data-* attributes with the published values
// (data-category, data-people, data-money, ...) so that tests can compare them with the API.
// Withheld values are shown as "suppressed" or "withheld": the published data deliberately do
// not say whether a cell holds 1 to 7 people or was hidden to protect such a cell.

"use strict";

(function () {
  const DATASETS = ["demand", "gap", "trends", "pooling", "mainstream_share"];
  const SVG = "http://www.w3.org/2000/svg";
  const LABELS = {
    employment: "Employment",
    volunteering: "Volunteering",
    learning: "Learning",
    sport_fitness: "Sport and fitness",
    arts_hobbies: "Arts and hobbies",
    relationships: "Relationships",
    community: "Community",
    travel: "Travel",
    home: "Home",
    daily_living: "Daily living",
    personal_care: "Personal care",
    health: "Health",
    safety: "Safety",
    short_breaks: "Short breaks",
    caring_role: "Caring role",
    money: "Money",
    choice_control: "Choice and control",
    digital: "Digital",
    unclassified: "Unclassified",
    all: "All categories",
  };

  const state = { docs: {}, council: null, trendCategory: null };

  // ---- small helpers -------------------------------------------------------------------

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    setAttrs(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setAttrs(node, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, String(v));
    }
  }

  const label = (category) => LABELS[category] || category.replace(/_/g, " ");
  const isWithheld = (row, column) => row.suppressed.includes(column);
  const num = (n) => Number(n).toLocaleString("en-GB");

  function people(row, column) {
    if (isWithheld(row, column)) return "suppressed";
    return num(row[column]);
  }

  function money(row, column) {
    if (isWithheld(row, column) || row[column] === null) return "withheld";
    return "£" + num(row[column]);
  }

  function percent(value) {
    return value === null || value === undefined ? "n/a" : Math.round(value * 100) + "%";
  }

  // A data-* value: the published number, or empty when withheld.
  const dataValue = (row, column) => (isWithheld(row, column) || row[column] === null ? "" : row[column]);

  function rowsOf(dataset, council) {
    return state.docs[dataset].rows.filter((r) => r.local_authority === council);
  }

  // ---- loading -------------------------------------------------------------------------

  async function fetchAll() {
    const docs = {};
    await Promise.all(
      DATASETS.map(async (name) => {
        const response = await fetch("/api/v1/published/" + name, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error("cannot load " + name + ": HTTP " + response.status);
        docs[name] = await response.json();
      })
    );
    return docs;
  }

  async function load() {
    // A new publication may arrive between two requests: read again until all agree.
    for (let attempt = 0; attempt < 3; attempt++) {
      const docs = await fetchAll();
      const ids = new Set(DATASETS.map((d) => docs[d].publication.id));
      if (ids.size === 1) return docs;
    }
    throw new Error("the publication kept changing while loading; reload the page");
  }

  // ---- page-level rendering ------------------------------------------------------------

  function showPublication() {
    const publication = state.docs.gap.publication;
    const p = $("publication");
    p.textContent =
      "Publication " + publication.id +
      (publication.data_to ? " · data up to " + publication.data_to : "") +
      (publication.published_at ? " · published " + publication.published_at.replace("T", " ").replace("Z", " UTC") : "");
    setAttrs(p, { "data-publication": publication.id, "data-data-to": publication.data_to || "" });
    document.body.dataset.publication = publication.id;
    const disclosure = state.docs.gap.disclosure;
    $("rules").textContent =
      disclosure.rule + " Cells marked \u201csuppressed\u201d or \u201cwithheld\u201d are hidden by these rules.";
  }

  function councils() {
    const seen = new Map();
    for (const r of state.docs.demand.rows) seen.set(r.local_authority, r.local_authority_name || r.local_authority);
    return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  }

  function fillCouncils() {
    const select = $("council");
    select.textContent = "";
    const list = councils();
    for (const [code, name] of list) select.appendChild(el("option", { value: code }, name));
    const wanted = new URLSearchParams(location.search).get("council");
    state.council = list.some(([c]) => c === wanted) ? wanted : list.length ? list[0][0] : null;
    select.value = state.council || "";
    select.disabled = list.length === 0;
    select.addEventListener("change", () => {
      state.council = select.value;
      state.trendCategory = null;
      const url = new URL(location.href);
      url.searchParams.set("council", state.council);
      history.replaceState(null, "", url);
      render();
    });
    $("trend-category").addEventListener("change", (e) => {
      state.trendCategory = e.target.value;
      renderTrend();
    });
  }

  function render() {
    if (!state.council) return;
    document.body.dataset.council = state.council;
    renderKeyFigures();
    renderDemand();
    renderTrend();
    renderGap();
    renderOpportunities();
    renderMainstream();
    renderPooling();
  }

  // ---- key figures ---------------------------------------------------------------------

  function renderKeyFigures() {
    const dl = $("key-figures");
    dl.textContent = "";
    const total = rowsOf("gap", state.council).find((r) => r.total);
    const share = rowsOf("mainstream_share", state.council).find((r) => r.total);
    const gaps = rowsOf("gap", state.council).filter((r) => !r.total && r.no_local_service).length;
    const figures = [
      ["people", "People whose plan asks for any outcome", total && people(total, "people"), total && dataValue(total, "people")],
      ["budget_gbp", "Their personal budgets a year", total && money(total, "budget_gbp"), total && dataValue(total, "budget_gbp")],
      ["unmet_people", "People with unarranged support", total && people(total, "unmet_people"), total && dataValue(total, "unmet_people")],
      ["mainstream_share", "Arranged spend with mainstream support", share ? percent(isWithheld(share, "mainstream_share") ? null : share.mainstream_share) : "n/a", share ? dataValue(share, "mainstream_share") : ""],
      ["no_local_service", "Categories in demand with no local service", String(gaps), gaps],
    ];
    for (const [key, text, shown, value] of figures) {
      const div = el("div", { "data-key": key, "data-value": value === undefined ? "" : value });
      div.appendChild(el("dt", {}, text));
      div.appendChild(el("dd", {}, shown || "n/a"));
      dl.appendChild(div);
    }
  }

  // ---- demand bar chart ----------------------------------------------------------------

  // Sorts rows by a published column, largest first, withheld last.
  function byPublished(column) {
    return (a, b) => {
      const va = isWithheld(a, column) || a[column] === null ? -1 : a[column];
      const vb = isWithheld(b, column) || b[column] === null ? -1 : b[column];
      return vb - va || a.category.localeCompare(b.category);
    };
  }

  function horizontalBars(container, rows, opts) {
    container.textContent = "";
    const rowHeight = 28;
    const labelWidth = 190;
    const width = 860;
    const valueWidth = 150;
    const height = rows.length * rowHeight + 10;
    const svg = svgEl("svg", {
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      "aria-label": opts.title,
      id: opts.id,
    });
    svg.appendChild(svgEl("title", {}, opts.title));
    const max = Math.max(opts.max || 0, ...rows.map((r) => (opts.withheld(r) ? 0 : opts.value(r))), 1);
    const span = width - labelWidth - valueWidth;
    rows.forEach((row, i) => {
      const y = i * rowHeight + 5;
      const withheld = opts.withheld(row);
      const g = svgEl("g", Object.assign({ class: "bar-row", "data-category": row.category, "data-suppressed": withheld ? "true" : "false" }, opts.attrs(row)));
      g.appendChild(svgEl("text", { x: labelWidth - 8, y: y + 17, "text-anchor": "end" }, label(row.category)));
      const w = withheld ? 24 : Math.max(1, (opts.value(row) / max) * span);
      const rect = svgEl("rect", {
        x: labelWidth,
        y: y + 3,
        width: w.toFixed(1),
        height: rowHeight - 8,
        class: withheld ? "bar-suppressed" : "bar",
      });
      rect.appendChild(svgEl("title", {}, label(row.category) + ": " + opts.text(row)));
      g.appendChild(rect);
      g.appendChild(svgEl("text", { x: labelWidth + w + 6, y: y + 17, class: withheld ? "muted value" : "value" }, opts.text(row)));
      svg.appendChild(g);
    });
    container.appendChild(svg);
  }

  function renderDemand() {
    const rows = rowsOf("demand", state.council).filter((r) => !r.total).sort(byPublished("people"));
    horizontalBars($("demand-chart"), rows, {
      id: "demand-svg",
      title: "People asking for each outcome category",
      value: (r) => r.people,
      withheld: (r) => isWithheld(r, "people"),
      text: (r) => people(r, "people"),
      attrs: (r) => ({ "data-people": dataValue(r, "people"), "data-budget": dataValue(r, "budget_gbp") }),
    });
    const council = $("council").selectedOptions[0];
    $("demand-caption").textContent =
      "People whose active plan asks for each category in " + (council ? council.textContent : state.council) +
      "; suppressed counts are drawn as dashed stubs.";
  }

  // ---- trend line chart ----------------------------------------------------------------

  function renderTrend() {
    const all = rowsOf("trends", state.council);
    const ranked = rowsOf("demand", state.council).filter((r) => !r.total).sort(byPublished("people")).map((r) => r.category);
    const categories = [...new Set([...ranked, ...all.map((r) => r.category)])].filter((c) => all.some((r) => r.category === c));
    const select = $("trend-category");
    if (!state.trendCategory || !categories.includes(state.trendCategory)) state.trendCategory = categories[0] || null;
    select.textContent = "";
    for (const c of categories) select.appendChild(el("option", { value: c }, label(c)));
    select.value = state.trendCategory || "";

    const container = $("trend-chart");
    container.textContent = "";
    const rows = all.filter((r) => r.category === state.trendCategory).sort((a, b) => a.month.localeCompare(b.month));
    const width = 860, height = 300, left = 60, right = 40, top = 20, bottom = 40;
    const svg = svgEl("svg", {
      viewBox: "0 0 " + width + " " + height,
      role: "img",
      id: "trend-svg",
      "data-category": state.trendCategory || "",
      "aria-label": "People asking for " + label(state.trendCategory || "") + " by month",
    });
    svg.appendChild(svgEl("title", {}, "People asking for " + label(state.trendCategory || "") + " by month"));
    const values = rows.filter((r) => !isWithheld(r, "people")).map((r) => r.people);
    const max = Math.max(5, ...values);
    const x = (i) => left + (rows.length > 1 ? (i / (rows.length - 1)) * (width - left - right) : 0);
    const y = (v) => top + (1 - v / max) * (height - top - bottom);
    // Axes and gridlines.
    for (const v of [0, Math.round(max / 2), max]) {
      svg.appendChild(svgEl("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: "axis" }));
      svg.appendChild(svgEl("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "muted" }, num(v)));
    }
    rows.forEach((r, i) => {
      if (i === 0 || i === rows.length - 1 || r.month.endsWith("-01-01")) {
        svg.appendChild(svgEl("text", { x: x(i), y: height - bottom + 18, "text-anchor": "middle", class: "muted" }, r.month.slice(0, 7)));
      }
    });
    // The line, broken where a month is suppressed.
    let d = "";
    let pen = false;
    rows.forEach((r, i) => {
      if (isWithheld(r, "people")) {
        pen = false;
        return;
      }
      d += (pen ? "L" : "M") + x(i).toFixed(1) + "," + y(r.people).toFixed(1);
      pen = true;
    });
    if (d) svg.appendChild(svgEl("path", { d: d, class: "line" }));
    rows.forEach((r, i) => {
      const withheld = isWithheld(r, "people");
      const point = svgEl("circle", {
        cx: x(i).toFixed(1),
        cy: (withheld ? y(0) : y(r.people)).toFixed(1),
        r: 3.5,
        class: withheld ? "point point-suppressed" : "point",
        "data-month": r.month,
        "data-people": dataValue(r, "people"),
        "data-suppressed": withheld ? "true" : "false",
      });
      point.appendChild(svgEl("title", {}, r.month.slice(0, 7) + ": " + people(r, "people")));
      svg.appendChild(point);
    });
    container.appendChild(svg);
    $("trend-caption").textContent =
      rows.length + " months; hollow points on the axis are suppressed months, where the line breaks.";
  }

  // ---- gap table -----------------------------------------------------------------------

  function cell(text, attrs) {
    return el("td", attrs, text);
  }

  function gapCells(tr, r) {
    const name = el(r.total ? "th" : "td", r.total ? { scope: "row" } : {});
    name.textContent = label(r.category);
    if (r.no_local_service) {
      name.appendChild(document.createTextNode(" "));
      name.appendChild(el("strong", { class: "badge" }, "No local service"));
    }
    tr.appendChild(name);
    const withheld = (c) => (isWithheld(r, c) ? "num suppressed" : "num");
    tr.appendChild(cell(people(r, "people"), { class: withheld("people"), "data-column": "people" }));
    tr.appendChild(cell(money(r, "budget_gbp"), { class: withheld("budget_gbp"), "data-column": "budget_gbp" }));
    tr.appendChild(cell(people(r, "unmet_people"), { class: withheld("unmet_people"), "data-column": "unmet_people" }));
    tr.appendChild(cell(num(r.services), { class: "num", "data-column": "services" }));
    tr.appendChild(cell(num(r.providers), { class: "num", "data-column": "providers" }));
    const pps = isWithheld(r, "people_per_service") ? "suppressed" : r.people_per_service === null ? "no service" : r.people_per_service.toFixed(1);
    tr.appendChild(cell(pps, { class: withheld("people_per_service"), "data-column": "people_per_service" }));
  }

  function renderGap() {
    const rows = rowsOf("gap", state.council);
    const body = $("gap-table").tBodies[0];
    body.textContent = "";
    for (const r of rows.filter((x) => !x.total).sort(byPublished("people"))) {
      const tr = el("tr", {
        class: r.no_local_service ? "no-service" : null,
        "data-category": r.category,
        "data-people": dataValue(r, "people"),
        "data-unmet-people": dataValue(r, "unmet_people"),
        "data-services": r.services,
        "data-no-service": r.no_local_service ? "true" : "false",
      });
      gapCells(tr, r);
      body.appendChild(tr);
    }
    const foot = $("gap-table").tFoot;
    foot.textContent = "";
    const total = rows.find((x) => x.total);
    if (total) {
      const tr = el("tr", { "data-category": "all", "data-people": dataValue(total, "people") });
      gapCells(tr, total);
      foot.appendChild(tr);
    }
    const council = $("council").selectedOptions[0];
    $("gap-caption").textContent = "Demand and supply by category, " + (council ? council.textContent : state.council) +
      " (the total counts each person once)";
  }

  // ---- opportunities -------------------------------------------------------------------

  function opportunities() {
    return rowsOf("gap", state.council)
      // No service offers "unclassified": it is no opportunity.
      .filter((r) => !r.total && r.category !== "unclassified")
      .map((r) => {
        const unsupplied = r.no_local_service;
        const pc = unsupplied ? "people" : "unmet_people";
        const mc = unsupplied ? "budget_gbp" : "unmet_budget_gbp";
        return {
          row: r,
          kind: unsupplied ? "no-local-service" : "unarranged",
          peopleColumn: pc,
          moneyColumn: mc,
          people: isWithheld(r, pc) ? null : r[pc],
          money: isWithheld(r, mc) ? null : r[mc],
        };
      })
      .filter((o) => o.people === null || o.people > 0)
      .sort((a, b) => (b.people ?? -1) - (a.people ?? -1) || (b.money ?? -1) - (a.money ?? -1) || a.row.category.localeCompare(b.row.category))
      .slice(0, 10);
  }

  function renderOpportunities() {
    const list = $("opportunities");
    list.textContent = "";
    const found = opportunities();
    if (found.length === 0) {
      list.appendChild(el("li", {}, "No unmet demand in the published figures."));
      return;
    }
    for (const o of found) {
      const li = el("li", {
        "data-category": o.row.category,
        "data-kind": o.kind,
        "data-people": o.people ?? "",
        "data-money": o.money ?? "",
      });
      li.appendChild(el("span", { class: "what" }, label(o.row.category)));
      const why = o.kind === "no-local-service" ? " — no local service: " : " — support not yet arranged: ";
      li.appendChild(document.createTextNode(
        why + people(o.row, o.peopleColumn) + " people, " + money(o.row, o.moneyColumn) + " of personal budgets a year"
      ));
      list.appendChild(li);
    }
  }

  // ---- mainstream share ----------------------------------------------------------------

  function renderMainstream() {
    const rows = rowsOf("mainstream_share", state.council)
      .filter((r) => !r.total)
      .sort(byPublished("mainstream_share"));
    const withheld = (r) => isWithheld(r, "mainstream_share") || r.mainstream_share === null;
    horizontalBars($("mainstream-chart"), rows, {
      id: "mainstream-svg",
      title: "Share of arranged spend with mainstream, community or personal-assistant support",
      max: 1,
      value: (r) => r.mainstream_share,
      withheld: withheld,
      text: (r) => (isWithheld(r, "mainstream_share") ? "suppressed" : percent(r.mainstream_share) + " of " + money(r, "arranged_spend_gbp")),
      attrs: (r) => ({ "data-share": withheld(r) ? "" : r.mainstream_share, "data-arranged-spend": dataValue(r, "arranged_spend_gbp") }),
    });
    const total = rowsOf("mainstream_share", state.council).find((r) => r.total);
    $("mainstream-caption").textContent = total
      ? "Across all categories: " + percent(withheld(total) ? null : total.mainstream_share) + " of " + money(total, "arranged_spend_gbp") + " arranged a year."
      : "No arranged planned support in the published figures.";
  }

  // ---- pooling -------------------------------------------------------------------------

  function renderPooling() {
    const rows = rowsOf("pooling", state.council).sort(byPublished("people")).slice(0, 20);
    const body = $("pooling-table").tBodies[0];
    body.textContent = "";
    if (rows.length === 0) {
      const tr = el("tr");
      tr.appendChild(el("td", { colspan: 4 }, "No locality has eight or more people asking for the same category."));
      body.appendChild(tr);
    }
    for (const r of rows) {
      const tr = el("tr", { "data-locality": r.locality, "data-category": r.category, "data-people": dataValue(r, "people"), "data-money": dataValue(r, "budget_gbp") });
      tr.appendChild(el("td", {}, r.locality));
      tr.appendChild(el("td", {}, label(r.category)));
      tr.appendChild(cell(people(r, "people"), { class: "num" }));
      tr.appendChild(cell(money(r, "budget_gbp"), { class: "num" }));
      body.appendChild(tr);
    }
    const all = rowsOf("pooling", state.council).length;
    $("pooling-caption").textContent = "Pooling opportunities: the " + rows.length + " largest of " + all;
  }

  // ---- start ---------------------------------------------------------------------------

  async function start() {
    try {
      state.docs = await load();
      showPublication();
      fillCouncils();
      render();
      document.body.dataset.ready = "true";
    } catch (error) {
      const p = $("error");
      p.hidden = false;
      p.textContent = "The figures could not be loaded: " + error.message;
      document.body.dataset.ready = "error";
    }
  }

  start();
})();
