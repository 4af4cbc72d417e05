// The settings window's page: builds one labelled input per setting from the form Rust sends,
// asks Rust (the core's own check) about every change, and saves only when nothing is wrong.
// Every text from Rust is set with textContent, never parsed as markup.

"use strict";

const invoke = window.__TAURI__.core.invoke;

const GROUP_TITLES = { breaks: "Breaks", stretch: "Stretches", schedule: "Working hours" };
const TABLE_SWITCH_LABELS = { schedule: "Use working hours" };

const state = { form: null };

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  if (text) {
    node.textContent = text;
  }
  return node;
}

function fieldId(group, field) {
  return `${group.table}.${field.key}`;
}

function defaultText(value) {
  if (Array.isArray(value)) {
    return value.length === 0 ? "none" : value.join(", ");
  }
  if (value === true) {
    return "on";
  }
  if (value === false) {
    return "off";
  }
  return String(value);
}

// The setting's name in words, with its key in config.toml beside it in small print (and as a
// tooltip), so someone who edits the file by hand can match the two.
function nameOf(group, field, labelAttributes) {
  const id = fieldId(group, field);
  const name = element("div", { class: "name" });
  const where = `In config.toml: [${group.table}] ${field.key}`;
  const label = element("label", { ...labelAttributes, title: where }, field.label);
  const key = element("code", { class: "key", id: `${id}-key`, title: where }, field.key);
  name.append(label, key);
  return name;
}

// Whether a list of days is exactly what the seven checkboxes write: known short names, each
// once, in the week's order. Anything else was written by hand and is kept as it is.
function daysAsTheBoxesWrite(value, days) {
  if (!Array.isArray(value)) {
    return false;
  }
  const inOrder = days.filter((day) => value.includes(day));
  return inOrder.length === value.length && inOrder.every((day, index) => value[index] === day);
}

// Seven checkboxes for the working days. Until one is changed the form sends the file's own
// value back untouched, so a hand-written list ("Monday", another order) is never rewritten
// behind the user's back.
function buildDays(id, field, value) {
  const group = element("div", { class: "days", role: "group", "aria-labelledby": `${id}-label` });
  group.dataset.original = JSON.stringify(value);
  const lower = Array.isArray(value) ? value.map((day) => String(day).toLowerCase()) : [];
  for (const day of field.kind.days) {
    const box = element("input", { type: "checkbox", id: `${id}-${day}` });
    box.dataset.day = day;
    box.checked = lower.includes(day);
    box.addEventListener("change", () => {
      group.dataset.touched = "true";
      const note = document.getElementById(`${id}-as-written`);
      if (note) {
        note.hidden = true;
      }
    });
    const dayLabel = element("label", { for: box.id, class: "day" },
      day.charAt(0).toUpperCase() + day.slice(1));
    group.append(element("span", { class: "day-choice" }));
    group.lastChild.append(box, dayLabel);
  }
  return group;
}

function buildField(group, field, value) {
  const id = fieldId(group, field);
  const row = element("div", { class: "field", "data-key": id });
  const help = element("p", { class: "explanation", id: `${id}-about` },
    `${field.explanation} Default: ${defaultText(field.default)}.`);
  const problem = element("p", { class: "field-problem", id: `${id}-problem`, role: "alert" });
  problem.hidden = true;
  let input;
  switch (field.kind.type) {
    case "switch":
      input = element("input", { type: "checkbox", role: "switch" });
      input.checked = value === true;
      break;
    case "choice":
      input = element("select");
      for (const option of field.kind.options) {
        const choice = element("option", { value: option }, option);
        choice.selected = option === value;
        input.append(choice);
      }
      break;
    case "days":
      input = buildDays(id, field, value);
      break;
    case "whole":
      input = element("input", { type: "text", inputmode: "numeric" });
      input.value = String(value);
      break;
    case "list":
      input = element("input", { type: "text" });
      input.value = Array.isArray(value) ? value.join(", ") : String(value);
      break;
    default:
      input = element("input", { type: "text", spellcheck: "false" });
      input.value = String(value);
  }
  input.id = id;
  input.setAttribute("name", id);
  input.dataset.kind = field.kind.type;
  input.setAttribute("aria-describedby", `${id}-about ${id}-problem`);
  const name = field.kind.type === "days"
    ? nameOf(group, field, { id: `${id}-label` })
    : nameOf(group, field, { for: id, id: `${id}-label` });
  if (field.kind.type === "days") {
    // The label names the group of checkboxes; a <label for> names a single control only.
    name.firstChild.removeAttribute("for");
  }
  if (field.kind.type === "switch") {
    row.classList.add("switch");
    row.append(input, name, help, problem);
  } else {
    row.append(name, input, help, problem);
  }
  if (field.kind.type === "days" && !daysAsTheBoxesWrite(value, field.kind.days)) {
    const note = element("p", { class: "explanation as-written", id: `${id}-as-written` },
      `Your file says ${JSON.stringify(value)}; it stays as written until you tick or clear a day here.`);
    row.append(note);
  }
  input.addEventListener("change", check);
  return row;
}

function buildForm(form) {
  const container = document.getElementById("form");
  container.replaceChildren();
  for (const group of form.groups) {
    const fieldset = element("fieldset", { id: `group-${group.table}` });
    fieldset.append(element("legend", {}, GROUP_TITLES[group.table] || group.table));
    if (group.about) {
      fieldset.append(element("p", { class: "explanation" }, group.about));
    }
    const fields = element("div", { class: "fields" });
    if (group.optional) {
      const row = element("div", { class: "field switch" });
      const toggle = element("input", { type: "checkbox", role: "switch", id: `table-${group.table}` });
      toggle.checked = form.tables_on.includes(group.table);
      toggle.dataset.table = group.table;
      const label = element("label", { for: toggle.id },
        TABLE_SWITCH_LABELS[group.table] || `Use [${group.table}]`);
      toggle.addEventListener("change", () => {
        fields.hidden = !toggle.checked;
        check();
      });
      row.append(toggle, label);
      fieldset.append(row);
      fields.hidden = !toggle.checked;
    }
    for (const field of group.fields) {
      fields.append(buildField(group, field, form.values[fieldId(group, field)]));
    }
    fieldset.append(fields);
    container.append(fieldset);
  }
}

// The form's values as Rust reads them.
function formInput() {
  const values = {};
  for (const input of document.querySelectorAll("#form [data-kind]")) {
    const key = input.getAttribute("name");
    switch (input.dataset.kind) {
      case "switch":
        values[key] = input.checked;
        break;
      case "days":
        values[key] = input.dataset.touched === "true"
          ? [...input.querySelectorAll("[data-day]")].filter((box) => box.checked).map((box) => box.dataset.day)
          : JSON.parse(input.dataset.original);
        break;
      case "whole": {
        const text = input.value.trim();
        // A number when it is one; otherwise the text, which the check then refuses in words.
        values[key] = /^-?\d+$/.test(text) ? Number(text) : text;
        break;
      }
      case "list":
        values[key] = input.value.split(",").map((part) => part.trim()).filter((part) => part);
        break;
      default:
        values[key] = input.value.trim();
    }
  }
  const tables_on = [...document.querySelectorAll("#form [data-table]")]
    .filter((toggle) => toggle.checked)
    .map((toggle) => toggle.dataset.table);
  return { values, tables_on };
}

function showProblems(problems) {
  for (const row of document.querySelectorAll("#form .field[data-key]")) {
    const problem = row.querySelector(".field-problem");
    const input = row.querySelector("[data-kind]");
    const mine = problems.filter((found) => found.key === row.dataset.key);
    problem.textContent = mine.map((found) => found.message).join(" ");
    problem.hidden = mine.length === 0;
    input.setAttribute("aria-invalid", mine.length > 0 ? "true" : "false");
  }
  const known = new Set([...document.querySelectorAll("#form .field[data-key]")].map((row) => row.dataset.key));
  const others = problems.filter((found) => !known.has(found.key));
  const banner = document.getElementById("file-problems");
  banner.replaceChildren(...others.map((found) => element("p", {}, found.full)));
  banner.hidden = others.length === 0;
  document.getElementById("save").disabled = problems.length > 0;
}

async function check() {
  document.getElementById("saved").textContent = "";
  try {
    showProblems(await invoke("settings_check", { input: formInput() }));
  } catch (error) {
    document.getElementById("saved").textContent = `The settings could not be checked: ${error}`;
  }
}

async function save(event) {
  event.preventDefault();
  const status = document.getElementById("saved");
  status.textContent = "";
  try {
    const answer = await invoke("settings_save", { input: formInput() });
    document.getElementById("conflict").hidden = !answer.changed_on_disk;
    showProblems(answer.problems);
    if (answer.saved) {
      status.textContent = "Saved. Unhunch uses the new settings now.";
    } else if (answer.changed_on_disk) {
      document.getElementById("reload").focus();
    } else {
      const first = document.querySelector("#form [aria-invalid='true']");
      if (first) {
        // A group of checkboxes takes the focus on its first box.
        (first.querySelector("input") || first).focus();
      }
    }
  } catch (error) {
    status.textContent = `Not saved: ${error}`;
  }
}

// The ids in the leave_out field, which stays the one place the choice is held (the switches
// below only edit it, so Save and the check see it like any other setting).
function leftOut() {
  const input = document.getElementById("stretch.leave_out");
  return input ? input.value.split(",").map((part) => part.trim()).filter((part) => part) : [];
}

function syncSwitches() {
  const out = new Set(leftOut());
  for (const toggle of document.querySelectorAll("#routine-list input[data-routine]")) {
    toggle.checked = !out.has(toggle.dataset.routine);
  }
}

function buildStretches(page) {
  document.getElementById("routines-path").textContent = page.folder;
  const list = document.getElementById("routine-list");
  list.replaceChildren();
  for (const routine of page.routines) {
    const item = element("li", { class: "routine field switch" });
    const id = `pick-${routine.id}`;
    const toggle = element("input", { type: "checkbox", id, "aria-describedby": `${id}-about` });
    toggle.dataset.routine = routine.id;
    toggle.addEventListener("change", () => {
      const out = leftOut().filter((other) => other !== routine.id);
      if (!toggle.checked) {
        out.push(routine.id);
      }
      document.getElementById("stretch.leave_out").value = out.join(", ");
      check();
    });
    const picture = element("img", { src: `illustrations/${routine.illustration}.svg`, alt: "", class: "routine-picture" });
    const label = element("label", { for: id }, routine.name);
    const about = element("p", { class: "explanation", id: `${id}-about` },
      `${routine.place}, ${routine.sides}, about ${routine.about}${routine.own ? " (your own)" : ""}.`);
    item.append(toggle, picture, label, about, tryNowControls(routine));
    list.append(item);
  }
  syncSwitches();
  const problems = document.getElementById("routine-problems");
  document.getElementById("routine-problem-list")
    .replaceChildren(...page.problems.map((problem) => element("li", {}, problem)));
  problems.hidden = page.problems.length === 0;
}

// "Try now": the daemon starts this stretch at once (or says why not, in words beside the button).
function tryNowControls(routine) {
  const box = element("div", { class: "try-now" });
  const button = element("button", { type: "button", class: "secondary", "aria-label": `Try now: ${routine.name}` }, "Try now");
  button.dataset.tryRoutine = routine.id;
  const answer = element("span", { class: "try-now-answer", role: "status", "aria-live": "polite" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    answer.classList.remove("refused");
    answer.textContent = "Asking Unhunch…";
    try {
      answer.textContent = (await invoke("settings_try_now", { routineId: routine.id })) || "Starting the stretch.";
    } catch (error) {
      answer.classList.add("refused");
      answer.textContent = `Not started: ${error}`;
    }
    button.disabled = false;
  });
  box.append(button, answer);
  return box;
}

async function loadStretches() {
  try {
    buildStretches(await invoke("settings_stretches"));
  } catch (error) {
    document.getElementById("stretches").hidden = true;
  }
}

async function load() {
  const main = document.getElementById("settings");
  try {
    state.form = await invoke("settings_form");
    document.getElementById("config-path").textContent = state.form.path;
    buildForm(state.form);
    document.getElementById("conflict").hidden = true;
    showProblems(state.form.problems);
    await loadStretches();
    const login = document.getElementById("login");
    login.hidden = state.form.starts_at_login === null;
    document.getElementById("start-at-login").checked = state.form.starts_at_login === true;
    const first = document.querySelector("#form [data-kind], #form [data-table]");
    if (first) {
      first.focus();
    }
  } catch (error) {
    document.getElementById("saved").textContent = `The settings could not be read: ${error}`;
  }
  main.setAttribute("aria-busy", "false");
}

document.getElementById("form").addEventListener("submit", save);
document.getElementById("reload").addEventListener("click", load);
document.getElementById("open-file").addEventListener("click", () => {
  invoke("settings_open_file").catch((error) => {
    document.getElementById("saved").textContent = `${error}`;
  });
});
document.getElementById("open-routines").addEventListener("click", () => {
  invoke("settings_open_routines").catch((error) => {
    document.getElementById("saved").textContent = `${error}`;
  });
});
document.getElementById("start-at-login").addEventListener("change", async (event) => {
  const toggle = event.target;
  const status = document.getElementById("saved");
  try {
    toggle.checked = await invoke("settings_set_autostart", { on: toggle.checked });
    status.textContent = toggle.checked
      ? "Unhunch now starts when you log in."
      : "Unhunch no longer starts when you log in.";
  } catch (error) {
    toggle.checked = !toggle.checked;
    status.textContent = `${error}`;
  }
});
document.getElementById("form").addEventListener("change", (event) => {
  if (event.target.id === "stretch.leave_out") {
    syncSwitches();
  }
});
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === "s") {
    event.preventDefault();
    document.getElementById("form").requestSubmit();
  }
});
load();
