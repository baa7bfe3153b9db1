// The workbench page: YASGUI over this server's endpoint, one tab per named query.
// A file of its own, so that the page runs under a Content-Security-Policy without inline script.
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

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    // No persistence: every visit starts from the same tabs (and tests are deterministic).
    persistenceId: null,
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    yasqe: { value: cfg.starterQuery, persistenceId: null },
    yasr: { defaultPlugin: "table", prefixes: cfg.prefixes, persistenceId: null },
    tabName: "Query"
  });

  var examples = {};
  cfg.examples.forEach(function (ex) { examples[ex.id] = ex; });

  function describeTab(ex) {
    var link = document.getElementById("tab-" + ex.id);
    if (link) {
      link.title = [ex.title, ex.description, "(" + ex.name + ".rq)"].filter(Boolean).join("\n");
    }
  }

  function addExample(ex, active) {
    var tab = yasgui.addTab(active, {
      id: ex.id,
      name: ex.title,
      yasqe: { value: ex.query },
      requestConfig: { endpoint: cfg.endpoint }
    });
    describeTab(ex);
    return tab;
  }

  // Re-opens an example the user closed, or switches to it.
  function openExample(id) {
    var ex = examples[id];
    if (!ex) { return undefined; }
    var tab = yasgui.getTab(id);
    if (tab) { yasgui.selectTabId(id); } else { tab = addExample(ex, true); }
    var link = document.getElementById("tab-" + id);
    if (link) { link.scrollIntoView({ block: "nearest" }); }
    return tab;
  }

  cfg.examples.forEach(function (ex) {
    if (!yasgui.getTab(ex.id)) { addExample(ex, false); }
  });

  var select = document.getElementById("examples");
  select.addEventListener("change", function () {
    if (select.value) { openExample(select.value); }
    select.value = "";
  });

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
    var ex = examples[yasgui.getTab().getId()];
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
  yasgui.on("tabSelect", function () { setTimeout(showParams, 0); });
  showParams();

  window.plankgWorkbench = { yasgui: yasgui, endpoint: cfg.endpoint, openExample: openExample };
})();
