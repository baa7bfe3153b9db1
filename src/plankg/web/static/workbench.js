// The workbench page: YASGUI over this server's endpoint, with a library of the named queries
// beside it (grouped by tag, filtered as one types; a click opens the query in its own tab).
// YASGUI keeps the tabs in localStorage, so a reload shows the tabs the user had open.
// A file of its own, so that the page runs under a Content-Security-Policy without inline script;
// text from the server is only ever set as textContent, never as HTML.
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("plankg-config").textContent);
  var Yasgui = window.Yasgui;

  // Class and property completion asks lov.linkeddata.es; the page talks to this server only.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(
    function (name) { return name !== "class" && name !== "property"; });

  // Prefix completion offers this graph's prefixes first, then YASGUI's bundled prefix.cc list
  // (prefixCcApi stays null: nothing is fetched). No localStorage cache, so ours stay current.
  var prefixCompleter = Yasgui.Yasqe.Autocompleters.prefixes;
  if (prefixCompleter) {
    var bundledPrefixes = prefixCompleter.get;
    var own = Object.keys(cfg.prefixes).map(function (p) { return p + ": <" + cfg.prefixes[p] + ">"; });
    prefixCompleter.persistenceId = null;
    prefixCompleter.get = function (yasqe) {
      return Promise.resolve(bundledPrefixes.call(this, yasqe)).then(function (bundled) {
        return own.concat(bundled.filter(function (line) {
          return !Object.prototype.hasOwnProperty.call(cfg.prefixes, line.split(":")[0]);
        }));
      });
    };
  }

  var yasgui; // set below; the error view's button needs it

  // ---- errors: the server's JSON error body ({"error", "status", "title"}) formatted ----------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // "line 2, column 19: the prefix foaf: is not declared; add PREFIX foaf: <...>\n  src\n  ^"
  // (plankg.kb.engine.SyntaxProblem): the message, the position and the excerpt of the query.
  function parseServerError(message) {
    var lines = String(message).split("\n");
    var m = /^line (\d+), column (\d+): ([\s\S]*)$/.exec(lines[0]);
    var out = { message: m ? m[3] : lines[0], line: m ? Number(m[1]) : null,
                column: m ? Number(m[2]) : null, source: null,
                rest: lines.slice(m && lines.length >= 3 ? 3 : 1).join("\n").trim() };
    if (m && lines.length >= 3) { out.source = lines[1].replace(/^ {2}/, ""); }
    var p = /the prefix ([^\s:]*): is not declared(?:; add PREFIX [^\s:]*: <([^<>\s]*)>)?/.exec(out.message);
    if (p) {
      var known = Object.prototype.hasOwnProperty.call(cfg.prefixes, p[1]) ? cfg.prefixes[p[1]] : null;
      out.prefix = { name: p[1], namespace: p[2] || known };
    }
    return out;
  }

  // The source line the position points into: the server's excerpt, else the active tab's query.
  function sourceLine(parsed) {
    if (parsed.source !== null) { return parsed.source; }
    var tab = yasgui && yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    var lines = yasqe ? yasqe.getValue().split("\n") : [];
    return parsed.line >= 1 && parsed.line <= lines.length ? lines[parsed.line - 1] : null;
  }

  function insertPrefix(button, prefix) {
    var panel = button.closest(".tabPanel");
    var tab = (panel && yasgui.getTab(panel.id)) || yasgui.getTab();
    var yasqe = tab.getYasqe();
    var add = {};
    add[prefix.name] = prefix.namespace;
    yasqe.addPrefixes(add);
    yasqe.query().catch(function () { /* drawn by YASR */ });
  }

  function errorView(body) {
    var parsed = parseServerError(body.error);
    var box = el("div", "plankg-error");
    var title = (body.title || "Error") + (body.status ? " (" + body.status + ")" : "");
    box.appendChild(el("p", "plankg-error-title", title));
    box.appendChild(el("p", "plankg-error-message", parsed.message));
    if (parsed.line !== null) {
      box.appendChild(el("p", "plankg-error-where", "line " + parsed.line + ", column " + parsed.column));
      var src = sourceLine(parsed);
      if (src !== null) {
        // The caret sits after the line's own first column-1 characters, drawn invisibly, so it
        // is under the column whatever the widths (CJK characters, tabs) of the characters before.
        var pre = el("pre", "plankg-error-excerpt");
        pre.appendChild(el("span", "plankg-error-source", src));
        pre.appendChild(document.createTextNode("\n"));
        var before = Array.from(src).slice(0, Math.max(0, parsed.column - 1)).join("");
        var pad = el("span", "plankg-error-pad", before);
        pad.setAttribute("aria-hidden", "true");
        pre.appendChild(pad);
        pre.appendChild(el("span", "plankg-error-caret", "^"));
        box.appendChild(pre);
      }
    }
    if (parsed.rest) { box.appendChild(el("p", "plankg-error-message", parsed.rest)); }
    if (parsed.prefix) {
      var hint = el("p", "plankg-error-prefix");
      if (parsed.prefix.namespace) {
        var decl = "PREFIX " + parsed.prefix.name + ": <" + parsed.prefix.namespace + ">";
        hint.appendChild(document.createTextNode("The prefix " + parsed.prefix.name + ": is the namespace "));
        hint.appendChild(el("code", "plankg-error-namespace", parsed.prefix.namespace));
        hint.appendChild(document.createTextNode(". "));
        var button = el("button", "plankg-insert-prefix", "Insert " + decl + " and run 插入并运行");
        button.type = "button";
        button.dataset.prefix = parsed.prefix.name;
        button.addEventListener("click", function () { insertPrefix(button, parsed.prefix); });
        hint.appendChild(button);
      } else {
        hint.textContent = "Declare it at the top of the query: PREFIX " + parsed.prefix.name +
          ": <namespace IRI>";
      }
      box.appendChild(hint);
    }
    return box;
  }

  // YASGUI throws the body of a failed response as the error's text; ours is JSON.
  Yasgui.Yasr.defaults.errorRenderers = [function (error) {
    var body;
    try { body = JSON.parse(error && error.text); } catch (e) { return undefined; }
    if (!body || typeof body.error !== "string") { return undefined; }
    return errorView(body);
  }];

  // Result tables show every cell's full text, wrapped: the plans' Chinese sentences are what most
  // queries are for, and YASR's table cuts each cell to one line with an ellipsis unless told
  // otherwise (its "Ellipse" switch, which stays, and what it sets is kept per tab as before).
  var TablePlugin = Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (TablePlugin && typeof TablePlugin.prototype.draw === "function") {
    var drawTable = TablePlugin.prototype.draw;
    TablePlugin.prototype.draw = function (config) {
      return drawTable.call(this, Object.assign({ isEllipsed: false }, config));
    };
  }

  // ---- YASGUI, with the user's tabs kept across reloads ---------------------------------------

  yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: cfg.persistenceId,
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    yasqe: { value: cfg.starterQuery, persistenceId: null },
    yasr: { defaultPlugin: "table", prefixes: cfg.prefixes, persistenceId: null },
    tabName: "Query"
  });

  function tabIds() { return yasgui.persistentConfig.getTabs().slice(); }

  // A kept tab asks this server, even if it was opened when the server had another address.
  tabIds().forEach(function (id) {
    var tab = yasgui.getTab(id);
    if (tab && tab.getEndpoint() !== cfg.endpoint) { tab.setEndpoint(cfg.endpoint); }
  });

  // YASGUI saves a tab's query when the editor loses focus or runs; save the last edits of the
  // tab in view too when the page goes away (a reload right after typing).
  function saveActiveQuery() {
    var tab = yasgui.getTab();
    var yasqe = tab && tab.getYasqe();
    if (!yasqe) { return; }
    var json = tab.getPersistedJson();
    if (json.yasqe.value !== yasqe.getValue()) {
      json.yasqe.value = yasqe.getValue();
      tab.emit("change", tab, json);
    }
  }
  window.addEventListener("pagehide", saveActiveQuery);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { saveActiveQuery(); }
  });

  var examples = {};
  cfg.examples.forEach(function (ex) { examples[ex.id] = ex; });

  function describeTab(ex) {
    var link = document.getElementById("tab-" + ex.id);
    if (link) {
      link.title = [ex.title, ex.description, "(" + ex.name + ".rq)"].filter(Boolean).join("\n");
    }
  }

  // Opens a named query in a new tab, or switches to its tab if it is open.
  function openExample(id) {
    var ex = examples[id];
    if (!ex) { return undefined; }
    var tab = yasgui.getTab(id);
    if (tab) {
      yasgui.selectTabId(id);
    } else {
      // Added in the background, then selected: selecting is what announces the tab (tabSelect),
      // so the parameter form and the library's marks follow.
      tab = yasgui.addTab(false, {
        id: ex.id,
        name: ex.title,
        yasqe: { value: ex.query },
        requestConfig: { endpoint: cfg.endpoint }
      });
      describeTab(ex);
      yasgui.selectTabId(id);
    }
    var link = document.getElementById("tab-" + id);
    if (link) { link.scrollIntoView({ block: "nearest" }); }
    markLibrary();
    return tab;
  }

  tabIds().forEach(function (id) { if (examples[id]) { describeTab(examples[id]); } });

  // ---- the library: groups of named queries, a filter, open and active marks -----------------

  var library = document.getElementById("library-groups");
  var filter = document.getElementById("library-filter");
  var status = document.getElementById("library-status");
  var buttons = Array.prototype.slice.call(library.querySelectorAll("button.library-query"));

  function markLibrary() {
    var open = {};
    tabIds().forEach(function (id) { open[id] = true; });
    var active = yasgui.getTab();
    var activeId = active ? active.getId() : null;
    buttons.forEach(function (b) {
      b.classList.toggle("is-open", !!open[b.dataset.tab]);
      b.classList.toggle("is-active", b.dataset.tab === activeId);
      if (b.dataset.tab === activeId) { b.setAttribute("aria-current", "true"); }
      else { b.removeAttribute("aria-current"); }
    });
  }

  // Every word typed must occur in the query's name, summary or tags (case-insensitive).
  function applyFilter() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    buttons.forEach(function (b) {
      var hit = words.every(function (w) { return b.dataset.search.indexOf(w) >= 0; });
      b.parentNode.hidden = !hit;
      if (hit) { shown += 1; }
    });
    library.querySelectorAll("details.library-group").forEach(function (group) {
      var all = group.querySelectorAll("li").length;
      var hits = group.querySelectorAll("li:not([hidden])").length;
      group.hidden = !hits;
      if (words.length && hits) { group.open = true; }
      group.querySelector("summary .n").textContent = "(" + (words.length ? hits + "/" : "") + all + ")";
    });
    status.textContent = words.length
      ? (shown ? shown + " of " + buttons.length + " named queries match" : "No named query matches “" + filter.value + "”")
      : buttons.length + " named queries";
  }

  filter.addEventListener("input", applyFilter);
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {  // Enter opens the first query shown
      event.preventDefault();
      var first = buttons.filter(function (b) { return !b.parentNode.hidden; })[0];
      if (first) { openExample(first.dataset.tab); }
    } else if (event.key === "Escape") {
      filter.value = "";
      applyFilter();
    }
  });
  library.addEventListener("click", function (event) {
    var button = event.target.closest("button.library-query");
    if (button) { openExample(button.dataset.tab); }
  });
  applyFilter();

  // Result IRIs minted under the build's base IRI link to this server's pages (the base itself,
  // e.g. w3id.org, may not resolve offline or before its registration).
  function localise(root) {
    if (!cfg.localBase) { return; }
    root.querySelectorAll('a[href^="' + cfg.localBase + '"]').forEach(function (a) {
      var rest = a.getAttribute("href").slice(cfg.localBase.length);
      if (/^(id|graph)\//.test(rest)) { a.setAttribute("href", cfg.localRoot + rest); }
    });
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // A named query with parameters gets a form: its summary and description, one field per
  // parameter prefilled with its example; the server writes the values into the query (the same
  // check as the command line: a wrong shape is named), and the tab runs the bound query.
  var form = document.getElementById("params");
  var fields = document.getElementById("params-fields");
  var error = document.getElementById("params-error");

  function showParams() {
    var tab = yasgui.getTab();
    var ex = tab && examples[tab.getId()];
    error.textContent = "";
    if (!ex || !ex.params.length) { form.hidden = true; return; }
    document.getElementById("params-about").textContent = ex.title + (ex.description ? " — " + ex.description : "");
    fields.textContent = "";
    ex.params.forEach(function (p) {
      var label = document.createElement("label");
      label.textContent = p.name + " ";
      var input = document.createElement("input");
      input.name = p.name;
      input.value = p.example;
      input.title = p.description;
      input.size = Math.min(60, Math.max(12, String(p.example).length + 2));
      label.appendChild(input);
      fields.appendChild(label);
    });
    form.dataset.query = ex.name;
    form.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var params = new URLSearchParams();
    fields.querySelectorAll("input").forEach(function (i) { params.append(i.name, i.value); });
    fetch(cfg.queriesApi + encodeURIComponent(form.dataset.query) + "?" + params.toString())
      .then(function (resp) { return resp.json().then(function (body) { return { ok: resp.ok, body: body }; }); })
      .then(function (r) {
        if (!r.ok) { error.textContent = r.body.error; return; }
        var tab = yasgui.getTab();
        tab.getYasqe().setValue(r.body.query);
        tab.getYasqe().query();
      });
  });
  yasgui.on("tabSelect", function () { setTimeout(function () { showParams(); markLibrary(); }, 0); });
  yasgui.on("tabAdd", function () { setTimeout(markLibrary, 0); });
  yasgui.on("tabClose", function () { setTimeout(function () { showParams(); markLibrary(); }, 0); });
  showParams();
  markLibrary();

  window.plankgWorkbench = { yasgui: yasgui, endpoint: cfg.endpoint, openExample: openExample,
                             persistenceId: cfg.persistenceId };
})();
