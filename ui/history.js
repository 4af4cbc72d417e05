// The history window's page: asks Rust for the numbers (history_stats) and draws them. Every chart
// is SVG built here with createElementNS, attributes and textContent (never markup from text), and
// every bar and calendar day has an aria-label a screen reader reads. Each chart is one Tab stop;
// the arrow keys move inside it (a roving tabindex).
"use strict";

const invoke = window.__TAURI__.core.invoke;
const SVG = "http://www.w3.org/2000/svg";
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const byId = (id) => document.getElementById(id);

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes || {})) {
    element.setAttribute(key, String(value));
  }
  return element;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

// "Wed 2 Dec" from "2026-12-02" and the weekday (0 is Monday).
function dayName(date, weekday) {
  const [, month, day] = date.split("-").map(Number);
  const name = `${Number(day)} ${MONTHS[month - 1]}`;
  return weekday === undefined ? name : `${WEEKDAYS[weekday]} ${name}`;
}

// Moves the one tabindex="0" among `items` with the arrow keys; `step` maps a key to a move.
function rovingFocus(items, step) {
  items.forEach((item, index) => {
    item.setAttribute("tabindex", index === items.length - 1 ? "0" : "-1");
    item.addEventListener("keydown", (event) => {
      const move = step(event.key);
      if (move === undefined) {
        return;
      }
      event.preventDefault();
      const next = Math.min(items.length - 1, Math.max(0, index + move));
      items[index].setAttribute("tabindex", "-1");
      items[next].setAttribute("tabindex", "0");
      items[next].focus();
    });
  });
}

function showToday(today) {
  byId("today-date").textContent = dayName(today.date);
  byId("today-taken").textContent = String(today.taken);
  byId("today-snoozed").textContent = String(today.snoozed);
  byId("today-skipped").textContent = String(today.skipped);
  byId("today-natural").textContent = String(today.natural_breaks);
  byId("today-minutes").textContent = String(today.minutes_stretched);
  byId("today-streak").textContent = plural(today.streak_days, "day");
}

function drawBars(days) {
  const width = 700;
  const height = 150;
  const top = 16;
  const bottom = 30;
  const left = 28;
  const plot = height - top - bottom;
  const slot = (width - left) / days.length;
  const barWidth = Math.min(28, slot * 0.6);
  const most = Math.max(1, ...days.map((day) => day.taken + day.snoozed + day.skipped));
  const svg = svgElement("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "group",
    "aria-labelledby": "days-heading",
    "aria-describedby": "chart-hint",
  });
  const baseline = top + plot;
  svg.append(svgElement("line", { class: "axis", x1: left, x2: width, y1: baseline, y2: baseline }));
  svg.append(svgElement("line", { class: "axis", x1: left, x2: width, y1: top, y2: top }));
  const mostLabel = svgElement("text", { x: left - 6, y: top + 4, "text-anchor": "end" });
  mostLabel.textContent = String(most);
  svg.append(mostLabel);
  const groups = days.map((day, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    const group = svgElement("g", {
      role: "img",
      class: "day",
      "data-date": day.date,
      "aria-label": `${dayName(day.date, day.weekday)}: ${day.taken} taken, ${day.snoozed} snoozed, ${day.skipped} skipped`,
    });
    group.append(svgElement("rect", { class: "day-hit", x: x - 3, y: top - 3, width: barWidth + 6, height: plot + 6, rx: 4 }));
    let y = baseline;
    for (const kind of ["taken", "snoozed", "skipped"]) {
      const size = (day[kind] / most) * plot;
      if (size > 0) {
        y -= size;
        group.append(svgElement("rect", { class: kind, x, y, width: barWidth, height: size }));
      }
    }
    const label = svgElement("text", { x: x + barWidth / 2, y: height - 16, "text-anchor": "middle", "aria-hidden": "true" });
    label.textContent = WEEKDAYS[day.weekday].slice(0, 2);
    const date = svgElement("text", { x: x + barWidth / 2, y: height - 3, "text-anchor": "middle", "aria-hidden": "true" });
    date.textContent = String(Number(day.date.slice(8)));
    svg.append(group, label, date);
    return group;
  });
  rovingFocus(groups, (key) => ({ ArrowLeft: -1, ArrowRight: 1, Home: -groups.length, End: groups.length })[key]);
  byId("bars").replaceChildren(svg);
}

function drawCalendar(days) {
  const cell = 14;
  const gap = 3;
  const left = 34;
  const top = 18;
  const weeks = days.length / 7;
  const width = left + weeks * (cell + gap);
  const height = top + 7 * (cell + gap);
  const svg = svgElement("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: width * 1.4,
    height: height * 1.4,
    role: "group",
    "aria-labelledby": "weeks-heading",
    "aria-describedby": "calendar-hint",
    class: "calendar",
  });
  for (const row of [0, 2, 4, 6]) {
    const label = svgElement("text", { x: 0, y: top + row * (cell + gap) + cell - 3, "aria-hidden": "true" });
    label.textContent = WEEKDAYS[row];
    svg.append(label);
  }
  const cells = [];
  days.forEach((day, index) => {
    const week = Math.floor(index / 7);
    const weekday = index % 7;
    const x = left + week * (cell + gap);
    const y = top + weekday * (cell + gap);
    if (weekday === 0 && Number(day.date.slice(8)) <= 7) {
      const month = svgElement("text", { x, y: top - 6, "aria-hidden": "true" });
      month.textContent = MONTHS[Number(day.date.slice(5, 7)) - 1];
      svg.append(month);
    }
    if (day.future) {
      svg.append(svgElement("rect", { class: "future", x: x + 0.5, y: y + 0.5, width: cell - 1, height: cell - 1, rx: 3 }));
      return;
    }
    const group = svgElement("g", {
      role: "img",
      class: "calendar-day",
      "data-date": day.date,
      "data-level": day.level,
      "aria-label": `${dayName(day.date, weekday)}: ${plural(day.taken, "stretch")}`.replace("stretchs", "stretches"),
    });
    group.append(svgElement("rect", { class: `level-${day.level}`, x, y, width: cell, height: cell, rx: 3 }));
    svg.append(group);
    cells.push(group);
  });
  rovingFocus(cells, (key) => ({ ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 })[key]);
  byId("calendar").replaceChildren(svg);
}

function showTopStretches(top, names) {
  const list = byId("top-stretches");
  const items = top.slice(0, 5).map((count) => {
    const item = document.createElement("li");
    item.className = "top-stretch";
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = names[count.routine] || count.routine;
    const times = document.createElement("span");
    times.className = "times";
    times.textContent = ` — ${plural(count.times, "time")}`;
    item.append(name, times);
    return item;
  });
  list.replaceChildren(...items);
  byId("top-none").hidden = items.length > 0;
}

function drawSides(sides) {
  const total = sides.right + sides.left;
  byId("sides-text").textContent =
    total === 0
      ? "No stretch with sides done yet."
      : `Right side ${plural(sides.right, "time")}, left side ${plural(sides.left, "time")}.`;
  const width = 300;
  const svg = svgElement("svg", { viewBox: `0 0 ${width} 20`, "aria-hidden": "true" });
  if (total > 0) {
    const right = (sides.right / total) * width;
    svg.append(svgElement("rect", { class: "right", x: 0, y: 2, width: right, height: 16, rx: 3 }));
    svg.append(svgElement("rect", { class: "left", x: right, y: 2, width: width - right, height: 16, rx: 3 }));
  }
  byId("sides").replaceChildren(svg);
}

function showProblem(text) {
  const problem = byId("problem");
  problem.textContent = text;
  problem.hidden = false;
}

// One read at a time: the focus that comes with opening the window must not read the file twice.
let reading = null;

function refresh() {
  if (reading === null) {
    reading = show().finally(() => {
      reading = null;
    });
  }
  return reading;
}

async function show() {
  let view;
  try {
    view = await invoke("history_stats");
  } catch (error) {
    showProblem(String(error));
    return;
  }
  byId("problem").hidden = true;
  const stats = view.stats;
  showToday(stats.today);
  drawBars(stats.last_days);
  drawCalendar(stats.heat_map);
  showTopStretches(stats.top_stretches, view.names);
  drawSides(stats.sides);
  byId("export-path").textContent = view.export_file;
  byId("history-path").textContent = view.history_file;
  byId("damaged").textContent =
    view.damaged_lines > 0 ? ` (${plural(view.damaged_lines, "damaged line")} left out)` : "";
  const main = byId("history");
  main.setAttribute("aria-busy", "false");
  main.dataset.records = String(stats.records);
  // Said once the charts are on screen: the next frame is the first with them painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => invoke("history_drawn", { records: stats.records }).catch(() => {})),
  );
}

async function exportCsv() {
  try {
    const path = await invoke("export_history_csv");
    byId("message").textContent = `Exported to ${path}.`;
  } catch (error) {
    byId("message").textContent = String(error);
  }
}

async function clearHistory() {
  byId("confirm-clear").close();
  try {
    const backup = await invoke("clear_history");
    byId("message").textContent = backup
      ? `History cleared. The old one is kept in ${backup}.`
      : "There was no history to clear.";
  } catch (error) {
    byId("message").textContent = String(error);
  }
  await refresh();
  byId("clear").focus();
}

byId("export").addEventListener("click", exportCsv);
byId("clear").addEventListener("click", () => {
  byId("confirm-clear").showModal();
  byId("confirm-cancel").focus();
});
byId("confirm-cancel").addEventListener("click", () => {
  byId("confirm-clear").close();
  byId("clear").focus();
});
byId("confirm-yes").addEventListener("click", clearHistory);
// Raised again from the tray (or back from another window): the file may have grown.
window.addEventListener("focus", refresh);
refresh();
