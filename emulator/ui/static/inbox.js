// The web inbox's behaviour: follow the change log and redraw what changed, keep the clock
// ticking, and send what the page changes to the control plane as same-origin JSON.
// Text from the store only ever reaches the page as text: regions are redrawn from the
// server's escaped HTML, parsed inertly, and messages are set with textContent.
(() => {
  "use strict";

  // How often the page looks for changes: the server's --inbox-refresh-seconds.
  const POLL_MS = Math.max(Number(document.body.dataset.refreshMs) || 1000, 50);
  const EVENTS_PAGE = 1000;
  const body = document.body;
  const page = body.dataset.page;
  const number = body.dataset.number || null;
  let cursor = Number(body.dataset.cursor || 0);

  document.documentElement.classList.add("js");

  // Talking to the control plane

  async function call(method, path, payload) {
    const options = {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    const response = await fetch(path, options);
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = {};
    }
    if (!response.ok) {
      const details = Array.isArray(data.details) ? data.details.join(" ") : "";
      const message = data.message || `The emulator answered ${response.status}.`;
      const error = new Error(details ? `${message} ${details}` : message);
      error.status = response.status;
      error.details = Array.isArray(data.details) ? data.details : [];
      throw error;
    }
    return data;
  }

  function say(element, text, tone) {
    if (!element) return;
    element.textContent = text;
    if (tone) element.dataset.tone = tone;
    else delete element.dataset.tone;
  }

  // The clock: the emulator's time, ticking locally and set again by each look for changes

  const clocks = [
    { element: document.getElementById("emulator-clock"), withYear: false },
    { element: document.getElementById("clock-large"), withYear: true },
  ].filter((clock) => clock.element);
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  let clockBase = clocks.length ? Date.parse(clocks[0].element.dateTime) : Date.now();
  let clockRead = performance.now();

  function two(value) {
    return String(value).padStart(2, "0");
  }

  // Times show in the viewer's own zone, or in UTC for everyone with --inbox-times-utc; each
  // <time> keeps its UTC value in `datetime`, shown on hover.
  const inUtc = body.dataset.times === "utc";
  const zoneName = inUtc ? "UTC" : localZoneName();

  function localZoneName() {
    const format = new Intl.DateTimeFormat(undefined, { timeZoneName: "short" });
    const zone = format.formatToParts(new Date()).find((part) => part.type === "timeZoneName");
    return zone ? zone.value : "local time";
  }

  function fieldsOf(moment) {
    const date = new Date(moment);
    return inUtc
      ? [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  }

  function formatClock(moment, withYear) {
    const [year, month, day, hours, minutes, seconds] = fieldsOf(moment);
    const date = `${two(day)} ${MONTHS[month]}`;
    const time = `${two(hours)}:${two(minutes)}:${two(seconds)}`;
    return withYear ? `${date} ${year} ${time}` : `${date} ${time}`;
  }

  // As the server writes them: `10:32:05` today, `26 Nov 10:32` this year, else with the year.
  function shortTime(moment, now) {
    const [year, month, day, hours, minutes, seconds] = fieldsOf(moment);
    const [thisYear, thisMonth, today] = fieldsOf(now);
    if (year === thisYear && month === thisMonth && day === today) {
      return `${two(hours)}:${two(minutes)}:${two(seconds)}`;
    }
    const date = `${two(day)} ${MONTHS[month]}`;
    return year === thisYear ? `${date} ${two(hours)}:${two(minutes)}` : `${date} ${year} ${two(hours)}:${two(minutes)}`;
  }

  function showTimesIn(root) {
    const now = clockBase + (performance.now() - clockRead);
    for (const time of root.querySelectorAll("time[datetime]")) {
      if (time.id === "emulator-clock" || time.id === "clock-large") continue;
      const moment = Date.parse(time.dateTime);
      if (Number.isNaN(moment)) continue;
      time.textContent = shortTime(moment, now);
      time.title = `${time.dateTime} (UTC)`;
    }
    for (const zone of document.querySelectorAll(".clock-zone")) zone.textContent = zoneName;
    for (const clock of clocks) clock.element.title = `The emulator's clock (${zoneName})`;
  }

  function setClock(iso) {
    const moment = Date.parse(iso);
    if (Number.isNaN(moment)) return;
    clockBase = moment;
    clockRead = performance.now();
    tick();
  }

  function tick() {
    const now = clockBase + (performance.now() - clockRead);
    for (const clock of clocks) {
      clock.element.textContent = formatClock(now, clock.withYear);
      clock.element.dateTime = new Date(now).toISOString();
    }
  }

  async function syncClock() {
    try {
      setClock((await call("GET", "/_emulator/clock")).now);
    } catch (error) {
      // The live indicator already tells when the emulator cannot be reached.
    }
  }

  // Live updates

  const indicator = document.getElementById("live-indicator");

  function setLive(state, label) {
    if (!indicator) return;
    indicator.dataset.state = state;
    indicator.querySelector(".live-label").textContent = label;
  }

  function concerns(event) {
    if (event.kind === "reset") return true;
    switch (page) {
      case "handsets":
        return ["message_accepted", "status_changed", "reply", "inbox_changed"].includes(event.kind);
      case "conversation":
        return event.number === number && event.kind !== "webhook_attempt";
      case "webhooks":
        return event.kind !== "features_changed";
      case "accounts":
        return event.kind === "features_changed";
      case "chaos":
        return event.kind === "chaos" || event.kind === "chaos_rules_changed";
      case "numbers":
        return event.kind.startsWith("dedicated_number_") || event.kind.startsWith("sender_address_");
      case "reports":
        return ["message_accepted", "status_changed", "reply", "features_changed"].includes(event.kind);
      default:
        return false;
    }
  }

  async function poll() {
    let changed = false;
    try {
      for (;;) {
        const query = `after=${cursor}&limit=${EVENTS_PAGE}`;
        const answer = await call("GET", `/changes?${query}`);
        setClock(answer.now);
        if (answer.last_seq < cursor) {
          // A new store: its log starts again from the beginning.
          cursor = 0;
          changed = true;
          continue;
        }
        changed = changed || answer.events.some(concerns);
        cursor = answer.next;
        if (answer.events.length < EVENTS_PAGE) break;
      }
      setLive("live", "Live");
      if (changed) await redraw();
    } catch (error) {
      // A 403 means the admin token changed or the cookie went: reloading asks for it again.
      setLive("offline", error.status === 403 ? "Reload to sign in" : "Offline");
    } finally {
      window.setTimeout(poll, POLL_MS);
    }
  }

  let drawing = null;
  let drawAgain = false;

  function redraw() {
    if (drawing) {
      drawAgain = true;
      return drawing;
    }
    drawing = (async () => {
      do {
        drawAgain = false;
        const response = await fetch(window.location.href, {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "text/html" },
        });
        if (!response.ok || response.redirected) return;
        const html = await response.text();
        swapRegions(new DOMParser().parseFromString(html, "text/html"));
      } while (drawAgain);
    })().finally(() => {
      drawing = null;
    });
    return drawing;
  }

  function keyOf(element) {
    const keyed = element && element.closest("[data-key]");
    return keyed ? keyed.dataset.key.split("|")[0] : null;
  }

  function swapRegions(doc) {
    const atBottom = threadAtLatest();
    let arrived = false;
    for (const fresh of doc.querySelectorAll("[data-region]")) {
      const selector = `[data-region="${CSS.escape(fresh.dataset.region)}"]`;
      const current = document.querySelector(selector);
      if (!current) continue;
      const opened = [...current.querySelectorAll("details[open][id]")].map((item) => item.id);
      const known = new Set([...current.querySelectorAll("[data-key]")].map((item) => item.dataset.key));
      const active = document.activeElement;
      const focused = active && current.contains(active) ? active : null;
      const focusedDetails = focused && focused.closest("details[id]");
      const replacement = document.importNode(fresh, true);
      keepWhatThePersonDid(current, replacement);
      for (const id of opened) {
        const details = replacement.querySelector(`#${CSS.escape(id)}`);
        if (details) details.open = true;
      }
      const knownIds = new Set([...known].map((key) => key.split("|")[0]));
      for (const item of replacement.querySelectorAll("[data-key]")) {
        if (!known.has(item.dataset.key)) item.classList.add("fresh");
        if (item.matches(".bubble-row") && !knownIds.has(keyOf(item))) arrived = true;
      }
      showTimesIn(replacement);
      current.replaceWith(replacement);
      if (focused) restoreFocus(replacement, focused, focusedDetails);
    }
    const clock = doc.getElementById("emulator-clock");
    if (clock) setClock(clock.dateTime);
    if (atBottom) showLatestOfThread();
    else if (arrived) showNewMessagesMarker();
  }

  // A redraw must not wipe what the person is typing or the answer to what they just did.
  function keepWhatThePersonDid(current, replacement) {
    for (const status of current.querySelectorAll(".form-status")) {
      const owner = status.closest("[data-account]");
      if (!owner || !status.textContent) continue;
      const selector = `[data-account="${CSS.escape(owner.dataset.account)}"] .form-status`;
      const kept = replacement.querySelector(selector);
      if (kept) say(kept, status.textContent, status.dataset.tone);
    }
    for (const bubble of current.querySelectorAll(".bubble.show-details")) {
      const key = keyOf(bubble);
      for (const item of replacement.querySelectorAll(".bubble-row[data-key]")) {
        if (keyOf(item) === key) showDetails(item.querySelector(".bubble"), true);
      }
    }
    for (const input of current.querySelectorAll("input[id], textarea[id]")) {
      if (input.type === "checkbox" || input.value === input.defaultValue) continue;
      const kept = replacement.querySelector(`#${CSS.escape(input.id)}`);
      if (kept) kept.value = input.value;
    }
  }

  function restoreFocus(region, focused, focusedDetails) {
    let target = focused.id ? region.querySelector(`#${CSS.escape(focused.id)}`) : null;
    if (!target && focusedDetails) {
      const details = region.querySelector(`#${CSS.escape(focusedDetails.id)}`);
      target = details && details.querySelector("summary");
    }
    const key = keyOf(focused);
    if (!target && key) {
      for (const item of region.querySelectorAll("[data-key]")) {
        if (item.dataset.key.split("|")[0] === key) {
          target = item.matches("a, button, input, select, textarea, summary")
            ? item
            : item.querySelector("a, button, input, select, textarea, summary");
          break;
        }
      }
    }
    if (target) target.focus({ preventScroll: true });
  }

  // The conversation: scrolled to the latest, and the composer

  // On a wide screen the thread scrolls in its phone; on a narrow one it grows with the page,
  // which scrolls instead once the page is taller than the window.
  function threadScroller() {
    const thread = document.getElementById("thread-scroller");
    if (!thread) return null;
    if (thread.scrollHeight > thread.clientHeight + 1) return thread;
    const whole = document.scrollingElement;
    return whole.scrollHeight > whole.clientHeight + 1 ? whole : null;
  }

  function threadAtLatest() {
    const scroller = threadScroller();
    return !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function showLatestOfThread() {
    const scroller = threadScroller();
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
    hideNewMessagesMarker();
  }

  const newMessages = document.getElementById("new-messages");

  function showNewMessagesMarker() {
    if (newMessages) newMessages.hidden = false;
  }

  function hideNewMessagesMarker() {
    if (newMessages) newMessages.hidden = true;
  }

  function showDetails(bubble, shown) {
    if (!bubble) return;
    bubble.classList.toggle("show-details", shown);
    const button = bubble.querySelector(".bubble-more");
    if (button) button.setAttribute("aria-expanded", String(shown));
  }

  if (newMessages) {
    newMessages.addEventListener("click", showLatestOfThread);
    const follow = () => {
      if (!newMessages.hidden && threadAtLatest()) hideNewMessagesMarker();
    };
    document.getElementById("thread-scroller").addEventListener("scroll", follow, { passive: true });
    window.addEventListener("scroll", follow, { passive: true });
    document.addEventListener("click", (event) => {
      const more = event.target.closest(".bubble-more");
      if (more) showDetails(more.closest(".bubble"), more.getAttribute("aria-expanded") !== "true");
    });
  }

  showLatestOfThread();

  const composer = document.getElementById("composer");

  function readAsBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(new Error("The image could not be read."));
      reader.readAsDataURL(file);
    });
  }

  async function sendAsApp(text, status, button) {
    const source = document.getElementById("app-source");
    const chosen = source.selectedOptions[0];
    const account = document.getElementById("app-account").value;
    const sent = { account, content: text.value.trim() };
    if (chosen && chosen.value) {
      sent.source_number = chosen.value;
      if ("alpha" in chosen.dataset) sent.source_number_type = "ALPHANUMERIC";
    }
    button.disabled = true;
    say(status, "Sending…");
    try {
      await call("POST", `/handsets/${encodeURIComponent(composer.dataset.number)}/messages`, sent);
      text.value = "";
      fitComposer(text);
      say(status, `Sent as ${account}.`, "ok");
      await redraw();
      showLatestOfThread();
    } catch (error) {
      say(status, error.message, "bad");
    } finally {
      button.disabled = false;
      text.focus();
    }
  }

  // The From list offers the chosen account's numbers and alpha tags only.
  function offerSourcesOf(account) {
    const source = document.getElementById("app-source");
    let first = null;
    for (const option of source.options) {
      const mine = option.dataset.account === account;
      option.hidden = !mine;
      option.disabled = !mine;
      if (mine && !first) first = option;
    }
    if (first) first.selected = true;
  }

  function setComposerMode(mode) {
    const label = document.getElementById("composer-label");
    const text = composer.querySelector("textarea");
    label.dataset.reply = label.dataset.reply || label.textContent;
    composer.dataset.mode = mode;
    document.getElementById("composer-app").hidden = mode !== "app";
    label.textContent = mode === "app" ? label.dataset.app : label.dataset.reply;
    text.placeholder = label.textContent;
    say(document.getElementById("composer-status"), "");
  }

  async function sendReply() {
    const text = composer.querySelector("textarea");
    const image = document.getElementById("composer-image");
    const status = document.getElementById("composer-status");
    const button = composer.querySelector("button[type=submit]");
    const content = text.value.trim();
    if (!content) {
      say(status, "Write something to send.", "bad");
      text.focus();
      return;
    }
    if (composer.dataset.mode === "app") {
      await sendAsApp(text, status, button);
      return;
    }
    if (!composer.dataset.destination && !document.querySelector(".bubble-in")) {
      // A reply answers a message; with none sent here there is nothing to answer yet.
      const number = composer.dataset.number;
      say(status, `Nothing was sent to ${number} yet: it can reply once a message reaches it.`, "bad");
      return;
    }
    const reply = { source_number: composer.dataset.number, content };
    if (composer.dataset.destination) reply.destination_number = composer.dataset.destination;
    button.disabled = true;
    say(status, "Sending…");
    try {
      const file = image.files && image.files[0];
      if (file) {
        reply.attachments = [
          { content_type: file.type || "image/png", content: await readAsBase64(file), original_name: file.name },
        ];
      }
      await call("POST", "/_emulator/replies", reply);
      text.value = "";
      image.value = "";
      say(document.getElementById("composer-image-name"), "");
      fitComposer(text);
      say(status, content.toUpperCase() === "STOP" ? "Sent STOP: this handset is now opted out." : "Sent.", "ok");
      await redraw();
      showLatestOfThread();
    } catch (error) {
      say(status, error.message, "bad");
    } finally {
      button.disabled = false;
      text.focus();
    }
  }

  function fitComposer(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = `${Math.min(textarea.scrollHeight + 2, 128)}px`;
  }

  if (composer) {
    const text = composer.querySelector("textarea");
    composer.addEventListener("submit", (event) => {
      event.preventDefault();
      sendReply();
    });
    text.addEventListener("input", () => fitComposer(text));
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        sendReply();
      }
    });
    for (const quick of composer.querySelectorAll("[data-quick]")) {
      quick.addEventListener("click", () => {
        text.value = quick.dataset.quick;
        sendReply();
      });
    }
    for (const mode of composer.querySelectorAll("input[name=mode]")) {
      mode.addEventListener("change", () => setComposerMode(mode.value));
    }
    const appAccount = document.getElementById("app-account");
    appAccount.addEventListener("change", () => offerSourcesOf(appAccount.value));
    offerSourcesOf(appAccount.value);
    document.getElementById("composer-image").addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      say(document.getElementById("composer-image-name"), file ? file.name : "");
    });
  }

  // Accounts and time

  async function advance(seconds) {
    const status = document.getElementById("clock-status");
    const buttons = document.querySelectorAll("[data-advance], #advance-form button");
    for (const button of buttons) button.disabled = true;
    say(status, "Advancing…");
    try {
      const answer = await call("POST", "/_emulator/clock/advance", { seconds });
      setClock(answer.now);
      say(status, `Advanced ${seconds} s. Now ${formatClock(Date.parse(answer.now), true)} ${zoneName}.`, "ok");
    } catch (error) {
      say(status, error.message, "bad");
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  }

  async function changeFeature(control, value, undo) {
    const card = control.closest("[data-account]");
    const status = card.querySelector(".form-status");
    say(status, "Saving…");
    try {
      await call("PATCH", `/_emulator/accounts/${encodeURIComponent(card.dataset.account)}`, {
        features: { [control.dataset.feature]: value },
      });
      say(status, "Saved.", "ok");
    } catch (error) {
      undo();
      say(status, error.message, "bad");
    }
  }

  document.addEventListener("click", (event) => {
    const step = event.target.closest("[data-advance]");
    if (step) advance(Number(step.dataset.advance));
    const start = document.getElementById("reset-start");
    const confirm = document.getElementById("reset-confirm");
    if (event.target === start) {
      confirm.hidden = false;
      start.setAttribute("aria-expanded", "true");
      document.getElementById("reset-no").focus();
    } else if (event.target.id === "reset-no") {
      confirm.hidden = true;
      start.setAttribute("aria-expanded", "false");
      start.focus();
    } else if (event.target.id === "reset-yes") {
      resetEmulator(start, confirm);
    }
  });

  // Handsets: delete one from the inbox, once the person confirms

  const deleteDialog = document.getElementById("delete-handset");

  async function deleteHandset(handset) {
    const status = document.getElementById("handsets-status");
    say(status, "Deleting…");
    try {
      const scope = deleteDialog.dataset.scope ? `?account=${encodeURIComponent(deleteDialog.dataset.scope)}` : "";
      await call("DELETE", `/handsets/${encodeURIComponent(handset)}${scope}`);
      say(status, `Deleted ${handset} from the inbox.`, "ok");
      await redraw();
    } catch (error) {
      say(status, error.message, "bad");
    }
  }

  if (deleteDialog) {
    document.addEventListener("click", (event) => {
      const button = event.target.closest("[data-delete-handset]");
      if (!button) return;
      deleteDialog.dataset.number = button.dataset.deleteHandset;
      say(document.getElementById("delete-handset-number"), button.dataset.deleteHandset);
      deleteDialog.returnValue = "";
      deleteDialog.showModal();
    });
    deleteDialog.addEventListener("close", () => {
      if (deleteDialog.returnValue === "delete") deleteHandset(deleteDialog.dataset.number);
    });
  }

  // Webhooks: deliver one again by hand

  async function redeliver(button) {
    const status = document.getElementById("webhooks-status");
    button.disabled = true;
    say(status, "Redelivering…");
    try {
      const attempt = await call("POST", `/webhooks/${encodeURIComponent(button.dataset.redeliver)}/redeliver`, {});
      const answered = attempt.status_code !== undefined;
      const delivered = answered && attempt.status_code >= 200 && attempt.status_code < 300;
      const result = answered ? `the receiver answered ${attempt.status_code}` : attempt.error;
      say(status, `Redelivered: ${result}.`, delivered ? "ok" : "bad");
      await redraw();
    } catch (error) {
      say(status, error.message, "bad");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-redeliver]");
    if (button) redeliver(button);
  });

  // Chaos: remove a rule, or every rule

  async function removeRules(path, done) {
    const status = document.getElementById("chaos-status");
    say(status, "Removing…");
    try {
      await call("DELETE", path);
      say(status, done, "ok");
      await redraw();
    } catch (error) {
      say(status, error.message, "bad");
    }
  }

  document.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove-rule]");
    if (remove) {
      remove.disabled = true;
      removeRules(`/_emulator/chaos/${encodeURIComponent(remove.dataset.removeRule)}`, "Rule removed.");
    } else if (event.target.id === "chaos-clear") {
      event.target.disabled = true;
      removeRules("/_emulator/chaos", "Every rule removed: no more faults.");
    }
  });

  // Chaos: switch a rule off or on

  async function switchRule(control) {
    const status = document.getElementById("chaos-status");
    const enabled = control.checked;
    say(status, "Saving…");
    try {
      await call("PATCH", `/_emulator/chaos/${encodeURIComponent(control.dataset.switchRule)}`, { enabled });
      say(status, enabled ? "Rule switched on." : "Rule switched off: it matches nothing until switched on.", "ok");
      await redraw();
    } catch (error) {
      control.checked = !enabled;
      say(status, error.message, "bad");
    }
  }

  // Chaos: the Add rule form, checked by the control plane, whose words show by each field

  const addRule = document.getElementById("chaos-add");

  function showFaultFields() {
    const kind = document.getElementById("rule-fault").value;
    for (const field of addRule.querySelectorAll("[data-for-fault]")) {
      field.hidden = !field.dataset.forFault.split(" ").includes(kind);
    }
  }

  function typed(text) {
    const value = text.trim();
    if (!value) return undefined;
    const number = Number(value);
    return Number.isFinite(number) ? number : value;
  }

  function seconds(text) {
    const range = text.trim().match(/^(.+?)\s*[-–]\s*(.+)$/);
    return range ? [typed(range[1]), typed(range[2])] : typed(text);
  }

  function ruleOfForm() {
    const value = (name) => addRule.querySelector(`[data-field="${name}"]`).value;
    const rule = { side: value("side") };
    for (const name of ["name", "method", "path", "account"]) {
      if (value(name).trim()) rule[name] = value(name).trim();
    }
    const kind = value("fault");
    const fault = {};
    if (kind === "status") {
      fault.status = typed(value("fault.status"));
      const wait = typed(value("fault.retry_after"));
      if (wait !== undefined) fault.retry_after = wait;
    } else if (kind === "latency_seconds" || kind === "delay_seconds") {
      fault[kind] = seconds(value("fault.seconds"));
    } else if (kind === "rate_limit") {
      fault.rate_limit = typed(value("fault.rate_limit"));
    } else {
      fault[kind] = true;
      const hold = typed(value("fault.hold_seconds"));
      if (kind === "reorder" && hold !== undefined) fault.hold_seconds = hold;
    }
    rule.fault = fault;
    for (const name of ["times", "probability", "seed"]) {
      const given = typed(value(name));
      if (given !== undefined) rule[name] = given;
    }
    return rule;
  }

  function clearRuleErrors() {
    for (const error of addRule.querySelectorAll(".field-error")) error.textContent = "";
    for (const input of addRule.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  // `rules[0].fault.status: Must be one of: …` shows under Status; what names no field, below.
  function showRuleErrors(details) {
    const unplaced = [];
    for (const detail of details) {
      const match = detail.match(/^rules\[0\]\.([\w.]+): (.*)$/);
      const field = match && match[1].replace(/\._schema$/, "");
      const place = field && [...addRule.querySelectorAll("[data-error-for]")].find((error) =>
        error.dataset.errorFor.split(" ").includes(field),
      );
      if (!place) {
        unplaced.push(detail);
        continue;
      }
      place.textContent = place.textContent ? `${place.textContent} ${match[2]}` : match[2];
      const input = place.closest(".field").querySelector("input, select");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", place.id);
    }
    return unplaced;
  }

  async function submitRule() {
    const status = document.getElementById("chaos-add-status");
    clearRuleErrors();
    say(status, "Adding…");
    try {
      await call("POST", "/_emulator/chaos", { rules: [ruleOfForm()] });
      addRule.reset();
      showFaultFields();
      say(status, "Rule added.", "ok");
      await redraw();
    } catch (error) {
      const unplaced = showRuleErrors(error.details || []);
      const words = unplaced.length ? ` ${unplaced.join(" ")}` : "";
      say(status, error.details && error.details.length ? `The rule was not added.${words}` : error.message, "bad");
    }
  }

  if (addRule) {
    let counter = 0;
    for (const error of addRule.querySelectorAll(".field-error")) error.id = `rule-error-${(counter += 1)}`;
    document.getElementById("rule-fault").addEventListener("change", showFaultFields);
    showFaultFields();
    addRule.addEventListener("submit", (event) => {
      event.preventDefault();
      submitRule();
    });
  }

  // Numbers: give a pool number to the account or take it back, and review an alpha tag

  async function changeNumbers(button, method, path, payload, done) {
    const status = document.getElementById("numbers-status");
    button.disabled = true;
    say(status, "Saving…");
    try {
      await call(method, path, payload);
      say(status, done, "ok");
      await redraw();
      return true;
    } catch (error) {
      say(status, error.message, "bad");
      button.disabled = false;
      return false;
    }
  }

  document.addEventListener("click", (event) => {
    if (page !== "numbers") return;
    const account = body.dataset.numbersAccount;
    const assign = event.target.closest("[data-assign]");
    const release = event.target.closest("[data-release]");
    const review = event.target.closest("[data-review]");
    if (assign) {
      const number = assign.closest(".number-row").querySelector(".number-value").textContent;
      const label = document.getElementById("assign-label");
      const payload = { account };
      if (label.value.trim()) payload.label = label.value.trim();
      const path = `/numbers/${encodeURIComponent(assign.dataset.assign)}/assignment`;
      changeNumbers(assign, "POST", path, payload, `${number} assigned to ${account}.`).then((done) => {
        const kept = document.getElementById("assign-label");
        if (done && kept) kept.value = "";
      });
    } else if (release) {
      const number = release.closest(".number-row").querySelector(".number-value").textContent;
      const path = `/numbers/${encodeURIComponent(release.dataset.release)}/assignment?account=${encodeURIComponent(account)}`;
      changeNumbers(release, "DELETE", path, undefined, `${number} released: back in the pool.`);
    } else if (review) {
      const verdict = review.dataset.verdict;
      const address = review.closest(".number-row").querySelector(".sender-address").textContent;
      const path = `/_emulator/sender_addresses/${encodeURIComponent(review.dataset.review)}/review`;
      const done = `${address} ${verdict === "APPROVED" ? "approved" : "rejected"}.`;
      changeNumbers(review, "POST", path, { verdict }, done);
    }
  });

  async function resetEmulator(start, confirm) {
    const status = document.getElementById("reset-status");
    say(status, "Resetting…");
    try {
      await call("POST", "/_emulator/reset", {});
      confirm.hidden = true;
      start.setAttribute("aria-expanded", "false");
      start.focus();
      say(status, "Reset: every message, report, reply and webhook is gone; real time again.", "ok");
      await syncClock();
      await redraw();
    } catch (error) {
      say(status, error.message, "bad");
    }
  }

  document.addEventListener("change", (event) => {
    const control = event.target;
    if (control.matches("select[data-autosubmit]")) {
      control.form.submit();
    } else if (control.matches("input[type=checkbox][data-switch-rule]")) {
      switchRule(control);
    } else if (control.matches("input[type=checkbox][data-feature]")) {
      const value = control.checked;
      changeFeature(control, value, () => {
        control.checked = !value;
      });
    } else if (control.matches("select[data-feature]")) {
      const previous = control.querySelector("option[selected]");
      changeFeature(control, control.value, () => {
        if (previous) control.value = previous.value;
      });
    }
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id === "advance-form") {
      event.preventDefault();
      const seconds = Number(form.elements.seconds.value);
      if (Number.isFinite(seconds) && seconds >= 0) advance(seconds);
    } else if (form.matches("[data-feature-form]")) {
      event.preventDefault();
      const input = form.querySelector("[data-feature]");
      const previous = input.defaultValue;
      changeFeature(input, input.value.trim(), () => {
        input.value = previous;
      });
    }
  });

  // Start

  showTimesIn(document);
  if (clocks.length) window.setInterval(tick, 1000);
  poll();
})();
