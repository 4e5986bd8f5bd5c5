// The playground page. The server renders and escapes every message and form; this script
// only places that HTML, and sends what a person typed or clicked back as JSON.
"use strict";

const page = {
  me: new URLSearchParams(location.search).get("as") || "ana",
  zone: "UTC",
  conversation: "general",
  messages: new Map(),
  unread: new Map(),
  channels: [],
  socket: null,
};
const $ = (id) => document.getElementById(id);

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: "The playground did not answer." }));
  $("problem").textContent = answer.error || "";
  return answer;
}

async function load() {
  const response = await fetch(`/api/state?as=${encodeURIComponent(page.me)}`);
  const state = await response.json();
  if (state.error) { $("problem").textContent = state.error; return; }
  page.zone = state.zone;
  page.channels = state.channels;
  page.messages = new Map(state.messages.map((m) => [m.id, m]));
  page.unread.clear();
  showPeople(state.people, state.admin);
  showClock(state.now);
  showSidebar();
  showMessages();
  document.body.dataset.person = page.me;
}

function showPeople(people, admin) {
  const select = $("person");
  select.replaceChildren();
  for (const person of people) {
    const option = new Option(`@${person.id}${person.admin ? " (admin)" : ""}`, person.id);
    option.selected = person.id === page.me;
    select.add(option);
  }
  select.add(new Option("Someone else…", ""));
  $("role").textContent = admin
    ? "Admin: may change roles, send digests, close anyone's vote."
    : "Not an admin: try something only admins may do.";
}

function conversationName(key) {
  return key.startsWith("dm-") ? "alignbot (direct messages)" : `# ${key}`;
}

function showSidebar() {
  const list = (element, keys) => {
    element.replaceChildren();
    for (const key of keys) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.conversation = key;
      button.textContent = key.startsWith("dm-") ? "alignbot" : `# ${key}`;
      if (key === page.conversation) button.classList.add("current");
      const count = page.unread.get(key);
      if (count) {
        const badge = document.createElement("span");
        badge.className = "unread";
        badge.textContent = String(count);
        button.append(badge);
      }
      const item = document.createElement("li");
      item.append(button);
      element.append(item);
    }
  };
  list($("channels"), page.channels);
  list($("directs"), [`dm-${page.me}`]);
  $("where").textContent = conversationName(page.conversation);
}

function when(iso) {
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    timeZone: page.zone,
  }).format(new Date(iso));
}

function showClock(iso) {
  $("clock").textContent = `${when(iso)} (${page.zone})`;
}

function messageElement(message) {
  const item = document.createElement("li");
  item.className = "msg";
  item.dataset.id = message.id;
  if (message.thread) item.classList.add("thread");
  if (message.private) item.classList.add("private");
  const head = document.createElement("div");
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = message.bot ? "alignbot" : `@${message.author}`;
  const time = document.createElement("span");
  time.className = "when";
  time.textContent = when(message.at);
  head.append(who, time);
  const badges = [];
  if (message.private) badges.push("only visible to you");
  if (message.thread) badges.push("in thread");
  if (message.edited) badges.push("edited");
  if (badges.length) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = badges.join(" · ");
    head.append(badge);
  }
  const body = document.createElement("div");
  if (message.bot) {
    body.className = "body";
    body.innerHTML = message.html; // rendered and escaped by the server
  } else {
    body.className = "typed";
    body.textContent = message.text;
  }
  item.append(head, body);
  return item;
}

function showMessages() {
  const list = $("messages");
  list.replaceChildren();
  for (const message of page.messages.values()) {
    if (message.conversation === page.conversation) list.append(messageElement(message));
  }
  list.scrollTop = list.scrollHeight;
}

function arrived(message) {
  const known = page.messages.has(message.id);
  page.messages.set(message.id, message);
  if (message.conversation !== page.conversation) {
    if (!known) page.unread.set(message.conversation, (page.unread.get(message.conversation) || 0) + 1);
    if (!message.conversation.startsWith("dm-") && !page.channels.includes(message.conversation)) {
      page.channels.push(message.conversation);
    }
    showSidebar();
    return;
  }
  const list = $("messages");
  const element = messageElement(message);
  const old = list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`);
  if (old) old.replaceWith(element);
  else { list.append(element); list.scrollTop = list.scrollHeight; }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/live?as=${encodeURIComponent(page.me)}`);
  socket.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "message") arrived(data.message);
    if (data.type === "clock") showClock(data.now);
  };
  socket.onopen = () => { document.body.dataset.live = "yes"; };
  socket.onclose = () => { document.body.dataset.live = "no"; setTimeout(connect, 1000); };
  page.socket = socket;
}

async function answered(answer) {
  if (answer.form) openForm(answer.form);
}

function openForm(form) {
  const dialogForm = $("dialog-form");
  dialogForm.innerHTML = form.html; // rendered and escaped by the server
  dialogForm.dataset.token = form.token;
  const dialog = $("dialog");
  if (!dialog.open) dialog.showModal();
  const first = dialogForm.querySelector("input, select, textarea");
  if (first) first.focus();
}

function formValues(form) {
  const values = {};
  for (const field of form.querySelectorAll(".field")) {
    const name = field.dataset.field;
    if (field.querySelector("[data-multi]")) {
      values[name] = [...field.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
    } else {
      const input = field.querySelector("[name]");
      values[name] = input ? input.value : "";
    }
  }
  return values;
}

function showErrors(form, errors) {
  for (const field of form.querySelectorAll(".field")) {
    const message = errors[field.dataset.field] || "";
    field.classList.toggle("invalid", Boolean(message));
    field.querySelector(".error").textContent = message;
  }
  const unplaced = Object.keys(errors).filter((name) => !form.querySelector(`[data-field="${CSS.escape(name)}"]`));
  $("problem").textContent = unplaced.map((name) => errors[name]).join(" ");
  const first = form.querySelector(".field.invalid");
  if (first) first.scrollIntoView({ block: "center" });
}

$("dialog-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const answer = await call("/api/submit", { token: form.dataset.token, values: formValues(form) });
  if (answer.errors) { showErrors(form, answer.errors); return; }
  if (answer.error) return;
  $("dialog").close();
  await answered(answer);
});

$("dialog-form").addEventListener("click", (event) => {
  if (event.target.closest(".cancel")) $("dialog").close();
});

$("messages").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-control]");
  if (!button) return;
  const id = button.closest("li.msg").dataset.id;
  await answered(await call("/api/press", { as: page.me, message: id, control: Number(button.dataset.control) }));
});

$("messages").addEventListener("change", async (event) => {
  const select = event.target.closest("select[data-control]");
  if (!select || select.value === "") return;
  const id = select.closest("li.msg").dataset.id;
  const body = { as: page.me, message: id, control: Number(select.dataset.control), option: Number(select.value) };
  select.value = "";
  await answered(await call("/api/press", body));
});

async function send() {
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  await answered(await call("/api/say", { as: page.me, conversation: page.conversation, text }));
}

$("composer").addEventListener("submit", (event) => { event.preventDefault(); send(); });
$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); send(); }
});

$("person").addEventListener("change", async (event) => {
  let person = event.target.value;
  if (!person) person = (prompt("Who are you? (a name like kim)") || "").trim().replace(/^@/, "");
  if (!person) { event.target.value = page.me; return; }
  page.me = person;
  document.body.dataset.person = "";
  if (page.conversation.startsWith("dm-")) page.conversation = `dm-${person}`;
  history.replaceState(null, "", `?as=${encodeURIComponent(person)}`);
  if (page.socket && page.socket.readyState === WebSocket.OPEN) page.socket.send(JSON.stringify({ as: person }));
  await load();
});

document.addEventListener("click", (event) => {
  const target = event.target.closest("button[data-conversation]");
  if (!target) return;
  page.conversation = target.dataset.conversation;
  page.unread.delete(page.conversation);
  showSidebar();
  showMessages();
  $("text").focus();
});

$("new-channel").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = $("channel-name").value.trim().replace(/^#/, "");
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) { $("problem").textContent = "A channel name is letters, digits, '.', '_' or '-'."; return; }
  if (!page.channels.includes(name)) page.channels.push(name);
  page.conversation = name;
  $("channel-name").value = "";
  showSidebar();
  showMessages();
});

for (const button of document.querySelectorAll("[data-jump]")) {
  button.addEventListener("click", async () => {
    $("clock-note").textContent = "Moving the clock…";
    const answer = await call("/api/clock", { jump: button.dataset.jump });
    if (answer.now) showClock(answer.now);
    $("clock-note").textContent = answer.note || "";
  });
}

load().then(connect);
