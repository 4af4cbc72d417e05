// The guided stretch window's page: shows the plan's intro, walks its steps one at a time with a
// breathing pacer or countdown for holds, and tells Rust how the break ended.
//
// Routine text comes from files users can write, so it is only ever set with textContent, never
// parsed as HTML. Every wait is driven by the clock (performance.now), not by counting ticks, so a
// busy machine cannot stretch a hold.
"use strict";

const invoke = window.__TAURI__.core.invoke;

// The breath of the pacer and every duration shown come in the plan (plan.words), worded by the
// core, so the tray, the notification and this page say them one way.
// After a hold ends, auto-advance waits this long so the change is never abrupt.
const AUTO_ADVANCE_PAUSE_MS = 1500;

const PLACE_WORDS = {
  floor: "On the floor",
  chair: "In your chair",
  standing: "Standing",
};

const state = {
  plan: null,
  // Index into offeredRoutines(): 0 is the plan's first routine.
  routineIndex: 0,
  screen: "loading",
  stepIndex: 0,
  // How many steps of the routine on screen the user has moved on from (Next, or a hold that
  // advanced by itself): a skip reports the sides whose steps are all behind them.
  stepsPassed: 0,
  startedAt: 0,
  hold: null,
  // True while the daemon keeps the window hidden (prepared on the heads-up, until Start).
  waitingToBeShown: false,
};

const $ = (id) => document.getElementById(id);

document.addEventListener("DOMContentLoaded", start);

async function start() {
  wireControls();
  try {
    state.plan = await invoke("plan");
    state.waitingToBeShown = state.plan.shown === false;
  } catch (error) {
    showProblem(`The stretch plan could not be read: ${error}`);
    return;
  }
  // The daemon decides where the window begins: at the first step when the user already chose
  // Start (on the notification or in the tray), at the intro otherwise.
  if (state.plan.first_screen === "first_step") {
    document.title = `Unhunch — ${currentRoutine().name}`;
    state.startedAt = performance.now();
    showStep(0);
  } else {
    showIntro();
  }
  $("app").setAttribute("aria-busy", "false");
  if (state.waitingToBeShown) {
    readyToBeSeen();
  } else {
    reportPainted();
  }
}

// The window opens hidden and is shown once its first screen is laid out (for a window prepared
// on the heads-up, also once the daemon says so); Rust then calls `unhunchShown`.
function readyToBeSeen() {
  invoke("laid_out").catch((error) => console.error("laid_out:", error));
}

// Two frames: the first runs before the screen is painted, the second after it was, so the
// report is of the first frame painted on screen.
function reportPainted() {
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      invoke("painted").catch((error) => console.error("painted:", error));
    }),
  );
}

// Shown: the page laid out its first screen in the hidden window without starting any clock,
// milliseconds ago for a break that starts now, up to a minute ago for a window the daemon
// prepared on the heads-up. The break starts now, when the user sees it: the step is shown again
// with its hold from the start.
window.unhunchShown = () => {
  const waited = state.waitingToBeShown;
  state.waitingToBeShown = false;
  if (waited && state.screen === "step") {
    state.startedAt = performance.now();
    showStep(state.stepIndex);
  }
  reportPainted();
};

function offeredRoutines() {
  return [state.plan.routine, ...state.plan.alternatives];
}

function currentRoutine() {
  return offeredRoutines()[state.routineIndex];
}

// ---- Screens -------------------------------------------------------------------------------

function showScreen(name) {
  stopHold();
  const hadFocus = document.activeElement instanceof HTMLButtonElement;
  state.screen = name;
  $("app").dataset.screen = name;
  for (const section of document.querySelectorAll(".screen")) {
    section.hidden = section.id !== name;
  }
  $("key-hint").textContent = keyHint(name);
  // A button that was focused may just have been hidden with its screen (Back from the first
  // step, say): the focus goes to the new screen's main control instead of falling to the page.
  if (hadFocus && document.activeElement !== null && document.activeElement.offsetParent === null) {
    focusMainControl();
  }
}

// The control a keyboard user wants first on each screen: Start, Next, Done, or Close.
const MAIN_CONTROL = { intro: "start", step: "next", finish: "done", problem: "problem-close" };

function focusMainControl() {
  const id = MAIN_CONTROL[state.screen];
  if (id) $(id).focus({ preventScroll: true });
}

function showIntro() {
  const routine = currentRoutine();
  const plan = state.plan;
  showScreen("intro");
  $("routine-name").textContent = routine.name;
  $("routine-helps").textContent = routine.helps_with;
  $("routine-place").textContent = PLACE_WORDS[routine.place] || routine.place;
  $("routine-duration").textContent = `About ${plan.words.estimates[routine.id]}`;
  $("routine-area").textContent = capitalise(routine.area);
  $("routine-safety").textContent = routine.safety;
  $("routine-duration").dataset.seconds = String(routine.estimated_secs);

  const snooze = $("snooze");
  snooze.hidden = !canSnooze();
  snooze.textContent = `Snooze ${plan.words.snooze}`;
  snooze.setAttribute(
    "aria-label",
    plan.snoozes_left === null
      ? `Snooze for ${plan.words.snooze_spoken}`
      : `Snooze for ${plan.words.snooze_spoken}, ${plural(plan.snoozes_left, "snooze")} left`,
  );
  $("another").hidden = plan.alternatives.length === 0;
  document.title = `Unhunch — ${routine.name}`;
}

function showStep(index) {
  const routine = currentRoutine();
  const step = routine.steps[index];
  const total = routine.steps.length;
  showScreen("step");
  state.stepIndex = index;

  $("step-routine-name").textContent = routine.name;
  // The safety line goes with the first step (a window opened there has shown no intro); later
  // steps give its room back to the picture.
  $("step-safety").textContent = routine.safety;
  $("step-safety").hidden = index !== 0;
  $("step-counter").textContent = `Step ${index + 1} of ${total}`;
  $("step-progress").style.width = `${((index + 1) / total) * 100}%`;

  const side = $("step-side");
  side.hidden = !step.side;
  side.textContent = step.side ? `${capitalise(step.side)} side` : "";

  const figure = $("step-figure");
  const picture = $("step-illustration");
  figure.dataset.side = step.side || "none";
  picture.classList.toggle("mirrored", step.mirrored);
  figure.classList.remove("missing");
  picture.dataset.illustration = step.illustration;
  picture.src = illustrationUrl(step.illustration);
  picture.alt = illustrationDescription(routine, step);

  $("step-text").textContent = step.text;
  const repeat = $("step-repeat");
  repeat.hidden = step.repeat <= 1;
  repeat.textContent = step.repeat > 1 ? `${step.repeat} times` : "";

  // Back from the first step returns to the intro; the label stays short, the name says where.
  $("back").setAttribute("aria-label", index === 0 ? "Back to the intro" : "Back to the previous step");
  $("next").textContent = index === total - 1 ? "Finish" : "Next";

  startHold(step);
}

function showFinish() {
  const routine = currentRoutine();
  const tookSecs = Math.max(1, Math.round((performance.now() - state.startedAt) / 1000));
  showScreen("finish");
  $("finish-took").textContent = `${routine.name} took ${tookWords(tookSecs)}.`;
  $("finish-took").dataset.seconds = String(tookSecs);
  const nextBreak = new Date(Date.now() + state.plan.interval_secs * 1000);
  const clock = nextBreak.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  $("finish-next").textContent = `Your next break is at ${clock}, in ${state.plan.words.interval}.`;
  $("done").focus({ preventScroll: true });
  chime("finish");
  endBreak({ kind: "completed", routine: routine.id, duration_secs: tookSecs });
}

function showProblem(message) {
  showScreen("problem");
  $("problem-text").textContent = message;
  $("app").setAttribute("aria-busy", "false");
  // A window still hidden comes on screen to say what went wrong.
  readyToBeSeen();
}

// ---- Moving through the break -----------------------------------------------------------------

function next() {
  if (state.screen === "intro") {
    state.startedAt = performance.now();
    showStep(0);
  } else if (state.screen === "step") {
    state.stepsPassed = Math.max(state.stepsPassed, state.stepIndex + 1);
    const last = currentRoutine().steps.length - 1;
    if (state.stepIndex < last) showStep(state.stepIndex + 1);
    else showFinish();
  } else if (state.screen === "finish") {
    closeWindow();
  }
}

function back() {
  if (state.screen !== "step") return;
  if (state.stepIndex === 0) showIntro();
  else showStep(state.stepIndex - 1);
}

function anotherStretch() {
  if (state.screen !== "intro" || state.plan.alternatives.length === 0) return;
  state.routineIndex = (state.routineIndex + 1) % offeredRoutines().length;
  state.stepsPassed = 0;
  showIntro();
  invoke("switch_routine", { routineId: currentRoutine().id }).catch((error) =>
    console.error("switch_routine:", error),
  );
}

function snooze() {
  if (!canSnooze() || !["intro", "step"].includes(state.screen)) return;
  endBreak({ kind: "snoozed" });
}

function skip() {
  if (!["intro", "step"].includes(state.screen)) return;
  endBreak({ kind: "skipped", sides_done: sidesDone() });
}

// The sides whose every step the user has moved on from, in the order the routine does them: a
// stretch stopped after its left side has done the left side only.
function sidesDone() {
  const steps = currentRoutine().steps;
  const sides = [];
  for (const step of steps) {
    if (step.side && !sides.includes(step.side)) sides.push(step.side);
  }
  return sides.filter((side) =>
    steps.every((step, index) => step.side !== side || index < state.stepsPassed),
  );
}

function canSnooze() {
  return state.plan.snoozes_left === null || state.plan.snoozes_left > 0;
}

let outcomeSent = false;

// Sends the outcome once. Snooze and Skip close the window from Rust; a completed break stays on
// its finish screen until Done.
function endBreak(outcome) {
  if (outcomeSent) return;
  outcomeSent = true;
  stopHold();
  // Snooze and Skip close the window: no second click while it goes.
  if (outcome.kind !== "completed") document.body.classList.add("ending");
  invoke("finish", { outcome }).catch((error) => showProblem(`The break could not be ended: ${error}`));
}

function closeWindow() {
  invoke("close").catch((error) => {
    // Closing from the problem screen failed too: say so there, without a loop.
    if (state.screen !== "problem") showProblem(`The window could not be closed: ${error}`);
    else $("problem-text").textContent += ` The window could not be closed either: ${error}`;
  });
}

// ---- Holds: the breathing pacer and the countdown ---------------------------------------------

function startHold(step) {
  const hold = step.hold;
  const box = $("hold");
  box.hidden = !hold;
  $("hold-round").hidden = true;
  if (!hold) return;

  const rounds = Math.max(1, step.repeat);
  const roundMs = hold.kind === "breaths" ? hold.count * breathMs() : hold.secs * 1000;
  box.dataset.kind = hold.kind;
  box.classList.remove("held");
  $("hold-label").textContent =
    hold.kind === "breaths"
      ? `Hold — ${plural(hold.count, "slow breath")}`
      : `Hold — ${plural(hold.secs, "second")}`;

  // Restart the ring from its small size: drop the old phase and let the browser see that before
  // the first in-breath begins, so the growth is animated on every step.
  const pacer = $("pacer");
  delete pacer.dataset.phase;
  pacer.style.setProperty("--breath-in", `${state.plan.words.breath_in_ms}ms`);
  pacer.style.setProperty("--breath-out", `${state.plan.words.breath_out_ms}ms`);
  void pacer.offsetWidth;

  // Laid out, but no clock runs in a window nobody sees yet (`unhunchShown` starts it).
  if (state.waitingToBeShown) return;
  state.hold = {
    step,
    rounds,
    roundMs,
    startedAt: performance.now(),
    timer: null,
    phase: null,
    advanceTimer: null,
  };
  tickHold();
  state.hold.timer = setInterval(tickHold, 200);
}

function tickHold() {
  const hold = state.hold;
  if (!hold) return;
  const elapsed = performance.now() - hold.startedAt;
  const totalMs = hold.roundMs * hold.rounds;
  if (elapsed >= totalMs) {
    holdFinished();
    return;
  }
  const round = Math.floor(elapsed / hold.roundMs);
  const inRound = elapsed - round * hold.roundMs;
  const roundLabel = $("hold-round");
  roundLabel.hidden = hold.rounds <= 1;
  roundLabel.textContent = `Round ${round + 1} of ${hold.rounds}`;

  if (hold.step.hold.kind === "breaths") {
    const breath = Math.floor(inRound / breathMs());
    const breathingIn = inRound - breath * breathMs() < state.plan.words.breath_in_ms;
    const phase = `${round}-${breath}-${breathingIn ? "in" : "out"}`;
    if (phase !== hold.phase) {
      hold.phase = phase;
      setPacerPhase(breathingIn ? "in" : "out");
      const left = hold.step.hold.count - breath;
      $("hold-count").textContent = `${plural(left, "breath")} left`;
    }
  } else {
    const secondsLeft = Math.ceil((hold.roundMs - inRound) / 1000);
    $("pacer").style.setProperty("--progress", String(inRound / hold.roundMs));
    setPacerPhase("count");
    $("pacer-phase").textContent = String(secondsLeft);
    $("hold-count").textContent = `${plural(secondsLeft, "second")} left`;
  }
}

function setPacerPhase(phase) {
  const pacer = $("pacer");
  pacer.dataset.phase = phase;
  if (phase === "in") $("pacer-phase").textContent = "In";
  if (phase === "out") $("pacer-phase").textContent = "Out";
}

function holdFinished() {
  const hold = state.hold;
  clearInterval(hold.timer);
  hold.timer = null;
  $("hold").classList.add("held");
  $("pacer").dataset.phase = "done";
  $("pacer").style.setProperty("--progress", "1");
  $("pacer-phase").textContent = "✓";
  $("hold-count").textContent = "Well held.";
  $("hold-round").hidden = true;
  chime("hold");
  if (state.plan.auto_advance) {
    hold.advanceTimer = setTimeout(() => {
      if (state.hold === hold) next();
    }, AUTO_ADVANCE_PAUSE_MS);
  }
}

function stopHold() {
  const hold = state.hold;
  if (!hold) return;
  clearInterval(hold.timer);
  clearTimeout(hold.advanceTimer);
  state.hold = null;
  const pacer = $("pacer");
  delete pacer.dataset.phase;
  pacer.style.removeProperty("--progress");
}

// ---- Sound -------------------------------------------------------------------------------------

// Each tone the page started, for the tests (they look here rather than listening): the moment
// ("hold" or "finish") and when. Empty while the setting is off.
window.unhunchSounds = [];
let audio = null;

// A soft tone at the end of a hold or of the stretch, when `[stretch] sound` is on: a sine made
// here with Web Audio, fading in and out over half a second, so no file is needed and nothing is
// fetched. The daemon never plays anything.
function chime(moment) {
  if (!state.plan.sound) return;
  try {
    audio = audio || new AudioContext();
    const now = audio.currentTime;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = moment === "finish" ? 660 : 528;
    volume.gain.setValueAtTime(0, now);
    volume.gain.linearRampToValueAtTime(0.12, now + 0.05);
    volume.gain.exponentialRampToValueAtTime(0.0001, now + 0.6);
    tone.connect(volume).connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.65);
    window.unhunchSounds.push({ moment, at: performance.now() });
  } catch (error) {
    // No sound device: the stretch goes on in silence.
    console.error("sound:", error);
  }
}

// ---- Controls and keys --------------------------------------------------------------------------

function wireControls() {
  $("start").addEventListener("click", next);
  $("next").addEventListener("click", next);
  $("back").addEventListener("click", back);
  $("done").addEventListener("click", closeWindow);
  $("snooze").addEventListener("click", snooze);
  $("skip").addEventListener("click", skip);
  $("another").addEventListener("click", anotherStretch);
  $("problem-close").addEventListener("click", closeWindow);
  // The window opens without taking the keyboard; when the user gives it the keyboard, the
  // screen's main control has the focus, unless they had already put it somewhere.
  window.addEventListener("focus", () => {
    if (!(document.activeElement instanceof HTMLButtonElement)) focusMainControl();
  });
  $("step-illustration").addEventListener("error", () => $("step-figure").classList.add("missing"));
  $("step-illustration").addEventListener("load", () => $("step-figure").classList.remove("missing"));
  document.addEventListener("keydown", onKey);
}

function onKey(event) {
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
  // A focused button keeps its own Enter and Space: a keyboard user who tabbed to Skip means Skip.
  const onButton = event.target instanceof HTMLButtonElement;
  switch (event.key) {
    case "Enter":
    case " ":
      if (onButton) return;
      next();
      break;
    case "Backspace":
    case "ArrowLeft":
      back();
      break;
    case "ArrowRight":
      if (state.screen === "step") next();
      break;
    case "s":
    case "S":
      snooze();
      break;
    case "Escape":
      if (state.screen === "finish" || state.screen === "problem") closeWindow();
      else skip();
      break;
    default:
      return;
  }
  event.preventDefault();
}

function keyHint(screen) {
  const snoozeKey = state.plan && canSnooze() ? " · S snooze" : "";
  switch (screen) {
    case "intro":
      return `Enter start${snoozeKey} · Esc skip`;
    case "step":
      return `Enter next · ← back${snoozeKey} · Esc skip`;
    case "finish":
      return "Enter done";
    default:
      return "";
  }
}

// ---- Pictures ----------------------------------------------------------------------------------

// WebKitGTK does not pass the colour scheme into SVGs shown with <img>, so the pictures carry their
// dark colours behind a #dark target, which the page asks for when the desktop is dark.
const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");

function illustrationUrl(name) {
  return `illustrations/${name}.svg${darkScheme.matches ? "#dark" : ""}`;
}

darkScheme.addEventListener("change", () => {
  const picture = $("step-illustration");
  if (picture.dataset.illustration) picture.src = illustrationUrl(picture.dataset.illustration);
});

// ---- Words -------------------------------------------------------------------------------------

function illustrationDescription(routine, step) {
  const side = step.side ? `, ${step.side} side` : "";
  return `${routine.name}: the pose for this step${side}`;
}

function breathMs() {
  return state.plan.words.breath_in_ms + state.plan.words.breath_out_ms;
}

// How long the walk took, the one length only the page knows: whole minutes, or seconds under
// one, the way the core's words round ("2 min", "45 s").
function tookWords(secs) {
  return secs < 60 ? `${secs} s` : `${Math.round(secs / 60)} min`;
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function capitalise(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
}
