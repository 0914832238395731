// The sandbox's browser chat. Plain JavaScript, no build step, no CDN.
//
// It plays the user side through the sandbox's user API (/sandbox/api/...): the bot's messages
// come from the chat transcript, redrawn whenever the chat's version moves (Server-Sent Events
// from /sandbox/api/chats/{id}/events); sending, pressing and sharing are POSTs.
// Text reaches the page only as text nodes or as the sandbox's HTML, re-built element by element
// from a short list of Telegram's tags (nothing else is ever parsed into the page).
"use strict";

(() => {
  const API = "/sandbox/api";

  const I18N = {
    en: {
      learners: "Learners", newLearner: "+ New learner", newLearnerTitle: "New learner",
      adminChat: "Admin chat", note: "Everything here stays on this computer; no Telegram account is needed.",
      pickIdentity: "Choose a learner on the left, or create one.", firstName: "First name",
      telegramLanguage: "Telegram language", cancel: "Cancel", create: "Create", message: "Message",
      bot: "bot", members: "{n} members", edited: "edited", noCommands: "The bot has set no commands.",
      instructor: "Instructor", coordinator: "Coordinator", youAre: "You: {name}",
      telegramFile: "Telegram file — not available offline", empty: "No messages yet. Send /start.",
      offline: "Connection lost, reconnecting…", contact: "Contact", download: "Download",
      attach: "Attach a file: a video goes as a video, anything else as a document; the text box is its caption",
    },
    ru: {
      learners: "Слушатели", newLearner: "+ Новый слушатель", newLearnerTitle: "Новый слушатель",
      adminChat: "Админ-чат", note: "Всё остаётся на этом компьютере; аккаунт Telegram не нужен.",
      pickIdentity: "Выберите слушателя слева или создайте нового.", firstName: "Имя",
      telegramLanguage: "Язык Telegram", cancel: "Отмена", create: "Создать", message: "Сообщение",
      bot: "бот", members: "участников: {n}", edited: "изменено", noCommands: "Бот не задал команд.",
      instructor: "Преподаватель", coordinator: "Координатор", youAre: "Вы: {name}",
      telegramFile: "Файл Telegram — недоступен офлайн", empty: "Сообщений пока нет. Отправьте /start.",
      offline: "Нет связи, переподключение…", contact: "Контакт", download: "Скачать",
      attach: "Прикрепить файл: видео уходит как видео, остальное как документ; текст из поля — подпись",
    },
    kk: {
      learners: "Тыңдаушылар", newLearner: "+ Жаңа тыңдаушы", newLearnerTitle: "Жаңа тыңдаушы",
      adminChat: "Әкімші чаты", note: "Бәрі осы компьютерде қалады; Telegram аккаунты қажет емес.",
      pickIdentity: "Сол жақтан тыңдаушыны таңдаңыз немесе жаңасын жасаңыз.", firstName: "Аты",
      telegramLanguage: "Telegram тілі", cancel: "Болдырмау", create: "Жасау", message: "Хабарлама",
      bot: "бот", members: "қатысушылар: {n}", edited: "өзгертілді", noCommands: "Бот командаларды орнатпаған.",
      instructor: "Оқытушы", coordinator: "Үйлестіруші", youAre: "Сіз: {name}",
      telegramFile: "Telegram файлы — офлайн қолжетімсіз", empty: "Әзірге хабарлама жоқ. /start жіберіңіз.",
      offline: "Байланыс үзілді, қайта қосылуда…", contact: "Контакт", download: "Жүктеп алу",
      attach: "Файл тіркеу: бейне бейне ретінде, қалғаны құжат ретінде жіберіледі; өрістегі мәтін — оның жазуы",
    },
  };

  const S = {
    lang: "en",
    bot: null, // getMe
    config: null, // /sandbox/web/config
    users: [], // /sandbox/api/users
    usersKey: "",
    current: null, // {key, kind: private|group, chatId, fromId, name, lang, isAdmin, title}
    gen: 0, // bumps on every chat switch; stale responses are dropped
    rows: new Map(), // message_id -> transcript row
    version: -1,
    seenAnswers: new Set(),
    loading: false,
    again: false,
    stream: null,
    keyboardFrom: null, // the bot message whose reply keyboard is current
    keyboardShown: null, // null: as Telegram would; true/false: the ⌨ button decided
    menuFromTyping: false,
  };

  const $ = (id) => document.getElementById(id);
  const messagesEl = $("messages");
  const textEl = $("text");

  // --- small helpers -------------------------------------------------------------------------
  function t(key, params) {
    let text = (I18N[S.lang] && I18N[S.lang][key]) || I18N.en[key] || key;
    for (const [name, value] of Object.entries(params || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (_) { /* not JSON */ }
    if (!response.ok) throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
    return data;
  }

  let toastTimer = null;
  function toast(text, kind) {
    const box = $("toast");
    box.textContent = text;
    box.className = kind || "";
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, kind === "alert" ? 6000 : 2500);
  }
  $("toast").addEventListener("click", () => { $("toast").hidden = true; });

  function fail(error) {
    console.warn(error);
    toast(String(error.message || error), "error");
  }

  function initials(name) {
    return (name || "?").trim().slice(0, 1).toUpperCase() || "?";
  }

  function formatTime(seconds) {
    return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function formatSize(bytes) {
    if (bytes === null || bytes === undefined) return "";
    if (bytes < 1024) return `${bytes} B`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
    return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  }

  // --- Telegram HTML → DOM, keeping only Telegram's tags ------------------------------------
  const TAGS = {
    B: "b", STRONG: "b", I: "i", EM: "i", U: "u", INS: "u", S: "s", STRIKE: "s", DEL: "s",
    CODE: "code", PRE: "pre", BLOCKQUOTE: "blockquote", A: "a", "TG-SPOILER": "span", "TG-EMOJI": "span",
  };
  const SAFE_URL = /^(https?:|mailto:)/i;

  function copySafe(source, target) {
    for (const node of source.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.append(document.createTextNode(node.data));
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const tag = TAGS[node.tagName];
        if (!tag) { copySafe(node, target); continue; } // unknown tag: keep its text only
        const copy = document.createElement(tag);
        if (node.tagName === "A") {
          const href = node.getAttribute("href") || "";
          if (SAFE_URL.test(href)) { copy.href = href; copy.target = "_blank"; copy.rel = "noopener noreferrer"; }
        } else if (node.tagName === "CODE") {
          const cls = node.getAttribute("class") || "";
          if (/^language-[\w+#-]+$/.test(cls)) copy.className = cls;
        } else if (node.tagName === "TG-SPOILER") {
          copy.className = "spoiler";
          copy.addEventListener("click", () => copy.classList.add("shown"));
        }
        copySafe(node, copy);
        target.append(copy);
      }
    }
  }

  // A block (pre, blockquote) starts on a line of its own and ends its line: the newline right
  // after it would show as an extra empty line in pre-wrap text, so it is dropped (one before it
  // is not: a line break at the end of text before a block adds no empty line).
  function tidyBlocks(box) {
    for (const block of box.querySelectorAll("pre, blockquote")) {
      const after = block.nextSibling;
      if (after && after.nodeType === Node.TEXT_NODE && after.data.startsWith("\n")) after.data = after.data.slice(1);
    }
  }

  // The message text: `.text` holds the formatted `.body` and the time (floated, as Telegram does).
  function richText(html, fallback) {
    const body = el("span", { class: "body" });
    if (html) {
      const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
      copySafe(parsed.body, body);
      tidyBlocks(body);
    } else if (fallback) {
      body.textContent = fallback;
    }
    return el("div", { class: "text" }, body);
  }

  // --- identities (who you are) --------------------------------------------------------------
  function staffIds() {
    return new Set(((S.config && S.config.staff) || []).map((member) => member.id));
  }

  function learnerIdentity(user) {
    return {
      key: `u:${user.id}`, kind: "private", chatId: user.id, fromId: user.id,
      name: [user.first_name, user.last_name].filter(Boolean).join(" "),
      lang: user.language_code || "", title: null, isAdmin: false,
    };
  }

  function renderSidebar() {
    const learners = $("learners");
    learners.replaceChildren();
    const staff = staffIds();
    for (const user of S.users) {
      if (staff.has(user.id)) continue;
      const identity = learnerIdentity(user);
      learners.append(el("li", {},
        el("button", {
          class: `identity${S.current && S.current.key === identity.key ? " active" : ""}`,
          type: "button", dataset: { userId: String(user.id) },
          onclick: () => openChat(identity),
        },
        el("div", { class: "avatar small" }, initials(identity.name)),
        el("div", { class: "who" },
          el("span", { class: "name" }, identity.name),
          el("span", { class: "muted" }, `${user.language_code || "—"} · id ${user.id}${user.blocked ? " · ⛔" : ""}`)))));
    }
    const staffList = $("staff");
    staffList.replaceChildren();
    for (const member of (S.config && S.config.staff) || []) {
      const key = `s:${member.id}`;
      staffList.append(el("li", {},
        el("button", {
          class: `identity${S.current && S.current.key === key ? " active" : ""}`,
          type: "button", dataset: { staffId: String(member.id), role: member.role },
          onclick: () => openAdminChat(member).catch(fail),
        },
        el("div", { class: "avatar small group" }, "👥"),
        el("div", { class: "who" },
          el("span", { class: "name" }, `${t("adminChat")} · ${t(member.role)}`),
          el("span", { class: "muted" }, `${member.first_name} · id ${member.id}`)))));
    }
  }

  async function loadUsers() {
    const users = await api("GET", `${API}/users`);
    const key = JSON.stringify(users);
    if (key === S.usersKey) return;
    S.users = users;
    S.usersKey = key;
    renderSidebar();
  }

  async function openAdminChat(member) {
    const chat = await api("POST", "/sandbox/web/admin-chat");
    S.config = await api("GET", "/sandbox/web/config");
    await loadUsers(); // the staff may have just been created: their names label their messages
    await openChat({
      key: `s:${member.id}`, kind: "group", chatId: chat.chat_id, fromId: member.id,
      name: member.first_name, lang: member.language_code || "", title: chat.title,
      members: chat.member_ids.length + chat.admin_ids.filter((id) => !chat.member_ids.includes(id)).length,
      isAdmin: chat.admin_ids.includes(member.id), role: member.role,
    });
  }

  function applyLanguage() {
    document.documentElement.lang = S.lang;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  }

  function renderHeader() {
    const cur = S.current;
    const botName = (S.bot && S.bot.first_name) || "Talimger";
    if (!cur) {
      $("chat-name").textContent = botName;
      $("chat-status").textContent = S.bot ? `@${S.bot.username}` : "";
      $("whoami").textContent = "";
      return;
    }
    if (cur.kind === "group") {
      $("chat-avatar").textContent = "👥";
      $("chat-avatar").className = "avatar group";
      $("chat-name").textContent = cur.title;
      $("chat-status").textContent = t("members", { n: cur.members + 1 });
    } else {
      $("chat-avatar").textContent = initials(botName);
      $("chat-avatar").className = "avatar";
      $("chat-name").textContent = botName;
      $("chat-status").textContent = `${t("bot")} · @${S.bot ? S.bot.username : ""}`;
    }
    $("whoami").textContent = t("youAre", { name: `${cur.name}${cur.lang ? ` (${cur.lang})` : ""}` });
  }

  // --- one chat ------------------------------------------------------------------------------
  async function openChat(identity) {
    closeStream();
    S.gen += 1;
    S.current = identity;
    S.rows = new Map();
    S.version = -1;
    S.seenAnswers = new Set();
    S.keyboardFrom = null;
    S.keyboardShown = null;
    S.lang = I18N[identity.lang] ? identity.lang : "en";
    messagesEl.replaceChildren(el("div", { id: "empty", class: "service" }, t("empty")));
    $("command-menu").hidden = true;
    $("reply-keyboard").hidden = true;
    textEl.disabled = false;
    $("send").disabled = false;
    applyLanguage();
    renderHeader();
    renderSidebar();
    history.replaceState(null, "", `#${identity.key}`);
    document.getElementById("app").classList.remove("sidebar-open");
    await refresh(true);
    openStream();
    textEl.focus();
  }

  function closeStream() {
    if (S.stream) S.stream.close();
    S.stream = null;
  }

  function openStream() {
    const cur = S.current;
    const gen = S.gen;
    const stream = new EventSource(`${API}/chats/${cur.chatId}/events?since_version=${S.version}`);
    stream.addEventListener("version", (event) => {
      if (gen !== S.gen) return;
      const data = JSON.parse(event.data);
      if (data.version > S.version) refresh(false).catch(fail);
    });
    stream.addEventListener("open", () => {
      renderHeader();
      if (gen === S.gen) refresh(false).catch(fail); // catch up on anything missed while away
    });
    stream.addEventListener("error", () => {
      if (gen !== S.gen) return;
      $("chat-status").textContent = t("offline");
      // EventSource reconnects by itself (the server asks for 1 s), unless it gave up for good.
      if (stream.readyState === EventSource.CLOSED) setTimeout(() => { if (gen === S.gen) openStream(); }, 2000);
    });
    S.stream = stream;
  }

  async function refresh(initial) {
    if (!S.current) return;
    if (S.loading) { S.again = true; return; }
    S.loading = true;
    try {
      do {
        S.again = false;
        const gen = S.gen;
        const chatId = S.current.chatId;
        const data = await api("GET", `${API}/chats/${chatId}/transcript?since_version=${S.version}`);
        if (gen !== S.gen) { S.again = true; initial = true; continue; } // switched chats meanwhile
        applyTranscript(data, initial);
        initial = false;
      } while (S.again && S.current);
    } finally {
      S.loading = false;
    }
  }

  function nearBottom() {
    return messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 120;
  }

  function applyTranscript(data, initial) {
    const stick = initial || nearBottom();
    let mine = false;
    for (const row of data.messages) {
      const old = S.rows.get(row.message_id);
      S.rows.set(row.message_id, row);
      if (!old || old.version !== row.version) {
        renderRow(row, old);
        if (!old && row.from === "user" && row.sender_id === S.current.fromId) mine = true;
      }
      for (const answer of row.callback_answers || []) {
        if (!answer.answered || S.seenAnswers.has(answer.callback_query_id)) continue;
        S.seenAnswers.add(answer.callback_query_id);
        clearPressed(row.message_id);
        const reply = answer.answer || {};
        if (!initial && answer.from_id === S.current.fromId && reply.text) {
          toast(reply.text, reply.show_alert ? "alert" : "");
        }
      }
    }
    S.version = data.version;
    $("empty").hidden = [...S.rows.values()].some((row) => !row.deleted);
    renderReplyKeyboard();
    if (stick || mine) messagesEl.scrollTop = messagesEl.scrollHeight;
  }

  function renderRow(row, old) {
    const existing = messagesEl.querySelector(`.msg[data-message-id="${row.message_id}"]`);
    if (row.deleted) {
      if (existing) existing.remove();
      return;
    }
    const node = buildMessage(row);
    if (existing) {
      existing.replaceWith(node);
      if (old && row.edited > old.edited) {
        node.classList.add("flash");
        setTimeout(() => node.classList.remove("flash"), 1000);
      }
      return;
    }
    // Messages arrive in id order almost always; keep the order when one does not.
    const all = messagesEl.querySelectorAll(".msg");
    const last = all[all.length - 1];
    const later = !last || Number(last.dataset.messageId) < row.message_id ? null
      : [...all].find((m) => Number(m.dataset.messageId) > row.message_id);
    messagesEl.insertBefore(node, later || null);
  }

  function senderName(row) {
    if (row.from === "bot") return (S.bot && S.bot.first_name) || "bot";
    const user = S.users.find((u) => u.id === row.sender_id);
    return user ? [user.first_name, user.last_name].filter(Boolean).join(" ") : `id ${row.sender_id}`;
  }

  function buildMessage(row) {
    const mine = row.from === "user" && row.sender_id === S.current.fromId;
    const bubble = el("div", { class: "bubble" });
    if (S.current.kind === "group" && !mine) bubble.append(el("div", { class: "sender" }, senderName(row)));
    const media = buildMedia(row);
    if (media) bubble.append(media);
    if (row.contact) {
      const c = row.contact;
      bubble.append(el("div", { class: "card contact" },
        el("div", { class: "icon" }, "📱"),
        el("div", { class: "card-body" },
          el("span", { class: "card-title" }, [c.first_name, c.last_name].filter(Boolean).join(" ") || t("contact")),
          el("span", { class: "muted" }, c.phone_number))));
    }
    const text = row.text !== null && row.text !== undefined ? richText(row.html, row.text)
      : row.caption ? richText(row.caption_html, row.caption) : null;
    const meta = el("span", { class: "meta" },
      row.edited ? el("span", { class: "edited" }, t("edited")) : null,
      el("time", {}, formatTime(row.date)));
    if (text) { text.append(meta); bubble.append(text); } else bubble.append(el("div", { class: "text" }, meta));

    const node = el("div", {
      class: `msg ${mine ? "out" : "in"} from-${row.from}${row.edited ? " edited" : ""}`,
      dataset: { messageId: String(row.message_id), version: String(row.version) },
    }, bubble);
    const keyboard = row.reply_markup && row.reply_markup.inline_keyboard;
    if (keyboard && keyboard.length) node.append(buildInlineKeyboard(row, keyboard));
    return node;
  }

  function fileUrl(media) {
    return `/sandbox/files/${encodeURIComponent(media.file_id)}`;
  }

  function placeholder(icon, title, detail) {
    return el("div", { class: "card placeholder" },
      el("div", { class: "icon" }, icon),
      el("div", { class: "card-body" },
        el("span", { class: "card-title" }, title),
        el("span", { class: "muted" }, detail)));
  }

  function buildMedia(row) {
    const media = row.media;
    if (!media) return null;
    const stored = Boolean(media.download_url);
    const box = el("div", { class: `media media-${media.kind}` });
    if (media.kind === "video") {
      if (stored || media.url) {
        box.append(el("video", { controls: true, preload: "metadata", src: stored ? fileUrl(media) : media.url }));
      } else {
        box.append(placeholder("🎬", t("telegramFile"), media.file_id));
      }
    } else if (media.kind === "photo") {
      if (stored || media.url) box.append(el("img", { src: stored ? fileUrl(media) : media.url, alt: "" }));
      else box.append(placeholder("🖼", t("telegramFile"), media.file_id));
    } else {
      const name = media.file_name || media.file_id;
      if (stored || media.url) {
        box.append(el("a", {
          class: "card document", href: stored ? fileUrl(media) : media.url, download: media.file_name || true,
          target: stored ? null : "_blank", rel: "noopener noreferrer",
        },
        el("div", { class: "icon" }, "📄"),
        el("div", { class: "card-body" },
          el("span", { class: "card-title" }, name),
          el("span", { class: "muted" }, [formatSize(media.file_size), t("download")].filter(Boolean).join(" · ")))));
      } else {
        box.append(placeholder("📄", name, t("telegramFile")));
      }
    }
    return box;
  }

  function buildInlineKeyboard(row, keyboard) {
    const box = el("div", { class: "ikb" });
    for (const buttons of keyboard) {
      const line = el("div", { class: "ikb-row" });
      for (const button of buttons) {
        if (button.url) {
          line.append(el("a", { href: SAFE_URL.test(button.url) ? button.url : null, target: "_blank", rel: "noopener noreferrer" }, button.text));
        } else if (typeof button.callback_data === "string") {
          line.append(el("button", {
            type: "button",
            onclick: (event) => press(row, button, event.currentTarget),
          }, button.text));
        } else {
          line.append(el("button", { type: "button", disabled: true, title: "not available in the sandbox" }, button.text));
        }
      }
      box.append(line);
    }
    return box;
  }

  function clearPressed(messageId) {
    for (const node of messagesEl.querySelectorAll(`.msg[data-message-id="${messageId}"] .pressed`)) {
      node.classList.remove("pressed");
    }
  }

  async function press(row, button, node) {
    node.classList.add("pressed");
    setTimeout(() => node.classList.remove("pressed"), 3000);
    try {
      await api("POST", `${API}/chats/${S.current.chatId}/press`, {
        from_id: S.current.fromId, message_id: row.message_id, callback_data: button.callback_data,
      });
    } catch (error) {
      node.classList.remove("pressed");
      fail(error);
    }
  }

  // --- reply keyboard ------------------------------------------------------------------------
  function currentReplyKeyboard() {
    let keyboard = null;
    let from = null; // the message that set it
    let used = false;
    // Deleted messages count too: deleting the message that brought a keyboard leaves the keyboard.
    const rows = [...S.rows.values()].sort((a, b) => a.message_id - b.message_id);
    for (const row of rows) {
      const markup = row.reply_markup;
      if (row.from === "bot" && markup) {
        if (markup.keyboard) { keyboard = markup; from = row.message_id; used = false; } else if (markup.remove_keyboard) keyboard = null;
      } else if (row.from === "user" && row.sender_id === S.current.fromId && keyboard && keyboard.one_time_keyboard) {
        used = true; // a one-time keyboard folds away after use (the ⌨ button brings it back)
      }
    }
    return { keyboard, from, used };
  }

  function renderReplyKeyboard() {
    const box = $("reply-keyboard");
    const { keyboard, from, used } = currentReplyKeyboard();
    if (from !== S.keyboardFrom) { S.keyboardFrom = from; S.keyboardShown = null; } // a new keyboard
    const shown = Boolean(keyboard) && (S.keyboardShown === null ? !used : S.keyboardShown);
    box.replaceChildren();
    $("keyboard-toggle").hidden = !keyboard;
    textEl.placeholder = (shown && keyboard.input_field_placeholder) || t("message");
    box.hidden = !shown;
    if (!shown) return;
    for (const buttons of keyboard.keyboard) {
      const line = el("div", { class: "kb-row" });
      for (const raw of buttons) {
        const button = typeof raw === "string" ? { text: raw } : raw;
        line.append(el("button", { type: "button", onclick: () => replyButton(button).catch(fail) }, button.text));
      }
      box.append(line);
    }
  }

  function madeUpPhone() {
    return `+7700${String(S.current.fromId % 10000000).padStart(7, "0")}`;
  }

  async function replyButton(button) {
    const cur = S.current;
    if (button.request_contact) {
      await api("POST", `${API}/chats/${cur.chatId}/contact`, { from_id: cur.fromId, phone_number: madeUpPhone() });
    } else {
      await sendText(button.text);
    }
  }

  $("keyboard-toggle").addEventListener("click", () => {
    S.keyboardShown = $("reply-keyboard").hidden;
    renderReplyKeyboard();
  });

  // --- composer: text, commands, files -------------------------------------------------------
  async function sendText(text) {
    const cur = S.current;
    if (!cur || !text.trim()) return;
    await api("POST", `${API}/chats/${cur.chatId}/messages`, { from_id: cur.fromId, text });
    messagesEl.scrollTop = messagesEl.scrollHeight;
  }

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textEl.value;
    if (!text.trim()) return;
    textEl.value = "";
    autoGrow();
    hideMenu();
    sendText(text).catch((error) => { textEl.value = text; fail(error); });
  });

  textEl.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    } else if (event.key === "Escape") hideMenu();
  });

  function autoGrow() {
    textEl.style.height = "auto";
    textEl.style.height = `${Math.min(textEl.scrollHeight, 160)}px`;
  }

  textEl.addEventListener("input", () => {
    autoGrow();
    const value = textEl.value;
    if (/^\/\w*$/.test(value)) { S.menuFromTyping = true; showMenu(value.slice(1)).catch(fail); } else if (S.menuFromTyping) hideMenu();
  });

  async function showMenu(prefix) {
    if (!S.current) return;
    // The sandbox picks the menu as Telegram does (scope precedence, then the user's language).
    const cur = S.current;
    // A menu asked for while typing "/pro…" may answer after the text was sent (and the menu
    // hidden): only the newest request, not hidden since, may show it.
    const request = S.menuRequest = (S.menuRequest || 0) + 1;
    const found = await api("GET", `${API}/chats/${cur.chatId}/commands?from_id=${encodeURIComponent(cur.fromId)}`);
    if (request !== S.menuRequest) return;
    const menu = $("command-menu");
    const commands = found.commands.filter((c) => c.command.startsWith(prefix || ""));
    menu.replaceChildren();
    if (!commands.length) {
      if (prefix) { menu.hidden = true; return; }
      menu.append(el("div", { class: "empty" }, t("noCommands")));
    }
    for (const command of commands) {
      menu.append(el("button", {
        type: "button", dataset: { command: command.command },
        onclick: () => { hideMenu(); textEl.value = ""; autoGrow(); sendText(`/${command.command}`).catch(fail); },
      }, el("span", { class: "cmd" }, `/${command.command}`), el("span", { class: "desc" }, command.description)));
    }
    menu.hidden = false;
  }

  function hideMenu() {
    $("command-menu").hidden = true;
    S.menuFromTyping = false;
    S.menuRequest = (S.menuRequest || 0) + 1;  // a request still on its way shows nothing
  }

  $("menu-button").addEventListener("click", () => {
    if (!$("command-menu").hidden) { hideMenu(); return; }
    S.menuFromTyping = false;
    showMenu("").catch(fail);
  });

  document.addEventListener("click", (event) => {
    const menu = $("command-menu");
    if (!menu.hidden && !menu.contains(event.target) && event.target !== $("menu-button") && event.target !== textEl) hideMenu();
  });

  $("attach-button").addEventListener("click", () => { if (S.current) $("file-input").click(); });
  $("file-input").addEventListener("change", async () => {
    const file = $("file-input").files[0];
    $("file-input").value = "";
    if (!file || !S.current) return;
    // As Telegram's "File": a document keeps its name (a course .zip, a PDF, a picture); a video plays.
    const kind = file.type.startsWith("video/") ? "videos" : "documents";
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("from_id", String(S.current.fromId));
    if (textEl.value.trim()) { form.append("caption", textEl.value); textEl.value = ""; autoGrow(); }
    try { await api("POST", `${API}/chats/${S.current.chatId}/${kind}`, form); } catch (error) { fail(error); }
  });

  // --- new learner ---------------------------------------------------------------------------
  $("new-learner").addEventListener("click", () => {
    $("new-learner-dialog").hidden = false;
    $("learner-name").value = "";
    $("learner-language").value = I18N[S.lang] ? S.lang : "en";
    $("learner-name").focus();
  });
  $("learner-cancel").addEventListener("click", () => { $("new-learner-dialog").hidden = true; });
  $("new-learner-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const firstName = $("learner-name").value.trim();
    if (!firstName) return;
    try {
      const user = await api("POST", `${API}/users`, { first_name: firstName, language_code: $("learner-language").value });
      $("new-learner-dialog").hidden = true;
      await loadUsers();
      await openChat(learnerIdentity(user));
    } catch (error) { fail(error); }
  });

  $("toggle-sidebar").addEventListener("click", () => document.getElementById("app").classList.toggle("sidebar-open"));

  // --- start ---------------------------------------------------------------------------------
  async function start() {
    S.config = await api("GET", "/sandbox/web/config");
    S.bot = S.config.bot;
    applyLanguage();
    renderHeader();
    await loadUsers();
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith("u:")) {
      const user = S.users.find((u) => `u:${u.id}` === hash);
      if (user) await openChat(learnerIdentity(user));
    } else if (hash.startsWith("s:")) {
      const member = S.config.staff.find((m) => `s:${m.id}` === hash);
      if (member) await openAdminChat(member);
    }
    setInterval(() => loadUsers().catch(() => {}), 5000); // learners made elsewhere (tests, curl)
    document.body.dataset.ready = "true";
  }

  start().catch(fail);
})();
