// GenLab playground page: renders the local channel's messages as Discord would, and sends
// what the user types or clicks to the playground server, which turns it into interactions.
"use strict";

const $ = (s) => document.querySelector(s);
const messages = $("#messages");
const input = $("#input");
const list = $("#suggestions");
const hint = $("#hint");
const rendered = new Map();
let active = -1;
let current = [];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** Discord's markdown, the little GenLab uses: **bold**, `code`, <@id> mentions. */
function md(text) {
  const out = el("span");
  const parts = String(text).split(/(\*\*[^*]+\*\*|`[^`]+`|<@\d+>)/g);
  for (const p of parts) {
    if (/^\*\*[^*]+\*\*$/.test(p)) out.append(el("b", {}, p.slice(2, -2)));
    else if (/^`[^`]+`$/.test(p)) out.append(el("code", {}, p.slice(1, -1)));
    else if (/^<@\d+>$/.test(p)) out.append(el("b", {}, "@you"));
    else out.append(p);
  }
  return out;
}

function fileUrl(m, ref) {
  const name = String(ref || "").replace(/^attachment:\/\//, "");
  const a = m.attachments.find((x) => x.filename === name);
  return a ? a.url : ref;
}

function renderEmbed(m, e) {
  const fields = (e.fields || []).map((f) => el("div", { class: `field${f.inline ? "" : " wide"}` }, el("div", { class: "name" }, f.name), el("div", { class: "value" }, md(f.value))));
  return el(
    "div",
    { class: "embed", style: e.color ? `border-left-color:#${e.color.toString(16).padStart(6, "0")}` : "" },
    e.title ? el("div", { class: "title" }, e.title) : null,
    e.description ? el("div", { class: "desc" }, md(e.description)) : null,
    fields.length ? el("div", { class: "fields" }, ...fields) : null,
    e.image && e.image.url ? el("img", { class: "main", src: fileUrl(m, e.image.url), alt: e.title || "image" }) : null,
    e.footer && e.footer.text ? el("div", { class: "footer" }, e.footer.text) : null,
  );
}

function renderMessage(m) {
  const shownInEmbeds = new Set((m.embeds || []).map((e) => e.image && String(e.image.url).replace(/^attachment:\/\//, "")).filter(Boolean));
  const extra = m.attachments.filter((a) => !shownInEmbeds.has(a.filename));
  const rows = (m.components || []).map((row) =>
    el("div", { class: "row" }, ...(row.components || []).filter((c) => c.type === 2).map((b) =>
      el("button", { class: `s${b.style}`, "data-custom-id": b.custom_id || "", ...(b.disabled ? { disabled: "" } : {}), onclick: () => press(m.id, b.custom_id) }, `${b.emoji && b.emoji.name ? `${b.emoji.name} ` : ""}${b.label || ""}`),
    )),
  );
  const ephemeral = (m.flags & 64) === 64;
  return el(
    "div",
    { class: "msg", "data-id": m.id },
    el("div", { class: "avatar" }, "G"),
    el(
      "div",
      { class: "body" },
      el("div", { class: "author" }, m.author ? m.author.username : "GenLab", el("small", {}, new Date(m.timestamp).toLocaleTimeString())),
      m.content ? el("div", { class: "content" }, md(m.content)) : null,
      ...(m.embeds || []).map((e) => renderEmbed(m, e)),
      extra.length ? el("div", { class: "files" }, ...extra.map((a) => (/^image\//.test(a.content_type) || /\.(png|gif|webp)$/i.test(a.filename) ? el("a", { href: a.url, target: "_blank" }, el("img", { src: a.url, alt: a.filename, title: a.filename })) : el("a", { href: a.url, download: a.filename }, a.filename)))) : null,
      ...rows,
      ephemeral ? el("div", { class: "ephemeral" }, "Only you can see this (ephemeral)") : null,
    ),
  );
}

function upsert(m) {
  const old = rendered.get(m.id);
  if (m.deleted) {
    if (old) old.remove();
    rendered.delete(m.id);
    return;
  }
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
  const node = renderMessage(m);
  if (old) old.replaceWith(node);
  else messages.append(node);
  rendered.set(m.id, node);
  if (atBottom || !old) messages.scrollTop = messages.scrollHeight;
}

function echo(text) {
  messages.append(el("div", { class: "msg" }, el("div", { class: "avatar you" }, "Y"), el("div", { class: "body" }, el("div", { class: "author" }, "you"), el("div", { class: "used" }, "used ", el("code", {}, text)))));
  messages.scrollTop = messages.scrollHeight;
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { ok: r.ok, body: await r.json().catch(() => ({})) };
}

async function run(text) {
  clearTimeout(timer);
  pending++; // answers to earlier keystrokes are stale now
  hide();
  hint.textContent = "";
  hint.className = "muted";
  const r = await post("/api/command", { text });
  if (!r.ok) {
    hint.textContent = r.body.error || "That did not work.";
    hint.className = "error";
    return;
  }
  echo(text.trim());
  input.value = "";
  pending++; // and so is anything a keystroke asked while the command was sent
  hint.textContent = "";
  hide();
}

async function press(messageId, customId) {
  const r = await post("/api/component", { messageId, customId });
  if (!r.ok) {
    hint.textContent = r.body.error || "That button did not work.";
    hint.className = "error";
  }
}

function hide() {
  list.hidden = true;
  current = [];
  active = -1;
}

function show(items) {
  current = items;
  active = -1;
  list.replaceChildren(...items.map((s, i) => el("li", { onmousedown: (ev) => { ev.preventDefault(); choose(i); } }, el("span", {}, s.label), s.detail ? el("span", { class: "d" }, s.detail) : null)));
  list.hidden = items.length === 0;
}

function choose(i) {
  const s = current[i];
  if (!s) return;
  input.value = s.text;
  input.focus();
  refresh();
}

let pending = 0;
async function refresh() {
  const text = input.value;
  if (!text.startsWith("/")) {
    hint.textContent = "";
    return hide();
  }
  const mine = ++pending;
  const r = await post("/api/suggest", { text });
  if (mine !== pending) return; // a newer keystroke's answer will come
  show(r.body.suggestions || []);
  hint.className = "muted";
  hint.textContent = r.body.hint || "";
}

let timer;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(refresh, 120);
});
input.addEventListener("keydown", (ev) => {
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    if (!current.length) return;
    ev.preventDefault();
    active = (active + (ev.key === "ArrowDown" ? 1 : current.length - 1)) % current.length;
    [...list.children].forEach((li, i) => li.classList.toggle("active", i === active));
  } else if (ev.key === "Tab" && current.length) {
    ev.preventDefault();
    choose(active >= 0 ? active : 0);
  } else if (ev.key === "Escape") {
    hide();
  } else if (ev.key === "Enter" && active >= 0) {
    ev.preventDefault();
    choose(active);
  }
});
$("#box").addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (input.value.trim()) run(input.value);
});
document.querySelectorAll("#examples code").forEach((c) => c.addEventListener("click", () => { input.value = c.textContent; input.focus(); refresh(); }));

async function loadEngines() {
  const r = await fetch("/api/engines");
  const engines = await r.json();
  $("#engines").replaceChildren(...engines.map((e) => el("li", {}, el("span", { class: e.ready ? "ready" : "notready" }, e.ready ? "● " : "○ "), el("b", {}, e.title), ": ", e.detail)));
}

const stream = new EventSource("/api/events");
stream.addEventListener("message", (ev) => upsert(JSON.parse(ev.data)));
loadEngines();
input.focus();
