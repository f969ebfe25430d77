/*
 * The website chat: talks to the assistant over Rasa's socket.io channel (bot/channels/web.py).
 *
 * Protocol: on connect, emit "session_request" {session_id}; the server answers
 * "session_confirm". Each message is "user_uttered" {message, session_id}; each bot message
 * arrives as one "bot_uttered" {text, quick_replies: [{title, payload}], custom}.
 *
 * Message content is only ever inserted as text nodes: never innerHTML. Links are made for
 * http(s) URLs only. The session id and the displayed history are kept in localStorage so
 * that the conversation survives a reload.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "pas-de-calais-chat";
  var MAX_STORED_MESSAGES = 200;
  var REPLY_TIMEOUT_MS = 30000;
  var URL_PATTERN = /https?:\/\/[^\s<>"'«»]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?'"»)\]]+$/;
  var BULLET = /^\s*[-•]\s+(.*)$/;

  var chat = document.getElementById("chat");
  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var typing = document.getElementById("typing");
  var connection = document.getElementById("connection");
  var askHuman = document.getElementById("ask-human");
  var restart = document.getElementById("restart");

  var state = loadState();
  var replyTimer = null;
  var socket = null;

  // --- state kept across reloads ---------------------------------------------------

  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function loadState() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(STORAGE_KEY) || "null");
      if (stored && typeof stored.sessionId === "string" && Array.isArray(stored.messages)) {
        return stored;
      }
    } catch (ignored) {
      // Unreadable storage: start a new conversation.
    }
    return { sessionId: newSessionId(), messages: [] };
  }

  function saveState() {
    state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
    } catch (ignored) {
      // Private browsing or full storage: the conversation still works, without history.
    }
  }

  // --- rendering (text nodes only) -----------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeHttpUrl(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (ignored) {
      return null;
    }
  }

  function externalLink(href, label) {
    var link = element("a", null, label);
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.appendChild(element("span", "visually-hidden", " (nouvelle fenêtre)"));
    return link;
  }

  // A URL found in running text, without the punctuation that ends the sentence around it.
  function trimUrl(raw) {
    var trailing = raw.match(TRAILING_PUNCTUATION);
    if (!trailing) return raw;
    var kept = raw.slice(0, raw.length - trailing[0].length);
    var opened = (kept.match(/\(/g) || []).length;
    var closed = (kept.match(/\)/g) || []).length;
    if (trailing[0].charAt(0) === ")" && opened > closed) kept += ")";
    return kept;
  }

  // Appends `text` to `parent`, turning http(s) URLs into links.
  function appendWithLinks(parent, text) {
    var position = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var raw = trimUrl(match[0]);
      var href = safeHttpUrl(raw);
      if (!href) continue;
      parent.appendChild(document.createTextNode(text.slice(position, match.index)));
      parent.appendChild(externalLink(href, raw));
      position = match.index + raw.length;
      URL_PATTERN.lastIndex = position;
    }
    parent.appendChild(document.createTextNode(text.slice(position)));
  }

  // Bot text: lines starting with "- " become a list, other lines paragraphs with breaks.
  function renderText(container, text) {
    var paragraph = null;
    var bullets = null;
    String(text).replace(/\r\n?/g, "\n").split("\n").forEach(function (line) {
      var bullet = BULLET.exec(line);
      if (bullet) {
        paragraph = null;
        if (!bullets) bullets = container.appendChild(element("ul"));
        appendWithLinks(bullets.appendChild(element("li")), bullet[1]);
        return;
      }
      bullets = null;
      if (!line.trim()) {
        paragraph = null;
        return;
      }
      if (paragraph) paragraph.appendChild(element("br"));
      else paragraph = container.appendChild(element("p"));
      appendWithLinks(paragraph, line);
    });
  }

  function renderSources(sources) {
    var seen = {};
    var items = element("ul", "sources");
    items.setAttribute("aria-label", "Sources");
    (Array.isArray(sources) ? sources : []).forEach(function (source) {
      if (!source || typeof source.title !== "string" || !source.title) return;
      var href = typeof source.url === "string" ? safeHttpUrl(source.url) : null;
      var key = source.title + "\n" + (href || "");
      if (seen[key]) return;
      seen[key] = true;
      var item = items.appendChild(element("li", "source"));
      item.appendChild(document.createTextNode("Source : "));
      item.appendChild(href ? externalLink(href, source.title) : element("cite", null, source.title));
      if (source.verified === false) {
        item.appendChild(element("span", "unverified", " (référence publique, non vérifiée)"));
      }
    });
    return items.childNodes.length ? items : null;
  }

  function renderQuickReplies(replies) {
    var group = element("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Réponses proposées");
    replies.forEach(function (reply) {
      if (!reply || typeof reply.title !== "string" || typeof reply.payload !== "string") return;
      var button = group.appendChild(element("button", "quick-reply", reply.title));
      button.type = "button";
      button.addEventListener("click", function () {
        send(reply.payload, reply.title);
      });
    });
    return group.childNodes.length ? group : null;
  }

  function renderMessage(message, withQuickReplies) {
    var fromUser = message.from === "user";
    var item = element("li", "message " + (fromUser ? "user" : "bot"));
    item.appendChild(element("span", "visually-hidden", fromUser ? "Vous : " : "L'assistant : "));
    var bubble = item.appendChild(element("div", "bubble"));
    if (fromUser) {
      bubble.appendChild(element("p", null, message.text));
      return item;
    }
    var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
    if (custom.handoff === true) item.classList.add("handoff");
    if (message.text) renderText(bubble, message.text);
    var sources = renderSources(custom.sources);
    if (sources) bubble.appendChild(sources);
    if (withQuickReplies && Array.isArray(message.quick_replies)) {
      var replies = renderQuickReplies(message.quick_replies);
      if (replies) item.appendChild(replies);
    }
    return item;
  }

  function scrollToLatest() {
    list.scrollTop = list.scrollHeight;
  }

  function clearQuickReplies() {
    Array.prototype.forEach.call(list.querySelectorAll(".quick-replies"), function (group) {
      group.remove();
    });
  }

  function showHistory() {
    // Quick replies stay usable for the bot messages after the user's last message.
    var lastUser = -1;
    state.messages.forEach(function (message, index) {
      if (message.from === "user") lastUser = index;
    });
    state.messages.forEach(function (message, index) {
      list.appendChild(renderMessage(message, index > lastUser));
    });
    scrollToLatest();
  }

  // --- conversation ----------------------------------------------------------------------

  function setTyping(visible) {
    typing.hidden = !visible;
    window.clearTimeout(replyTimer);
    if (visible) {
      replyTimer = window.setTimeout(function () {
        typing.hidden = true;
        connection.textContent =
          "L'assistant ne répond pas pour le moment. Réessayez dans un instant.";
      }, REPLY_TIMEOUT_MS);
    }
  }

  function send(payload, shownText) {
    var text = String(payload).trim();
    if (!text) return;
    var message = { from: "user", text: shownText || text };
    state.messages.push(message);
    saveState();
    clearQuickReplies();
    list.appendChild(renderMessage(message, false));
    scrollToLatest();
    setTyping(true);
    socket.emit("user_uttered", { message: text, session_id: state.sessionId });
    input.focus();
  }

  function receive(data) {
    if (!data || typeof data !== "object") return;
    var message = {
      from: "bot",
      text: typeof data.text === "string" ? data.text : "",
      quick_replies: Array.isArray(data.quick_replies) ? data.quick_replies : [],
      custom: data.custom && typeof data.custom === "object" ? data.custom : {},
    };
    if (!message.text && !message.quick_replies.length) return;
    state.messages.push(message);
    saveState();
    setTyping(false);
    connection.textContent = "";
    list.appendChild(renderMessage(message, true));
    scrollToLatest();
  }

  function startNewConversation() {
    state = { sessionId: newSessionId(), messages: [] };
    saveState();
    Array.prototype.forEach.call(list.querySelectorAll(".message:not([data-welcome])"), function (item) {
      item.remove();
    });
    setTyping(false);
    socket.emit("session_request", { session_id: state.sessionId });
    input.focus();
  }

  // --- wiring --------------------------------------------------------------------------------

  showHistory();

  if (typeof window.io !== "function") {
    connection.textContent =
      "Le chat n'a pas pu démarrer (fichier socket.io manquant : lancez make install).";
    return;
  }

  socket = window.io({ path: chat.getAttribute("data-socketio-path") || "/socket.io" });

  socket.on("connect", function () {
    connection.textContent = "";
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", function (sessionId) {
    if (typeof sessionId === "string" && sessionId && sessionId !== state.sessionId) {
      state.sessionId = sessionId;
      saveState();
    }
    chat.setAttribute("data-connection", "ready");
  });
  socket.on("bot_uttered", receive);
  socket.on("disconnect", function () {
    chat.setAttribute("data-connection", "lost");
    connection.textContent = "Connexion interrompue. Nouvelle tentative en cours…";
  });
  socket.on("connect_error", function () {
    connection.textContent = "Connexion au service impossible. Nouvelle tentative en cours…";
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) {
      input.focus();
      return;
    }
    input.value = "";
    send(text);
  });
  askHuman.addEventListener("click", function () {
    send(askHuman.getAttribute("data-payload"), askHuman.textContent);
  });
  restart.addEventListener("click", startNewConversation);
})();
