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

  window.plankgWorkbench = { yasgui: yasgui, endpoint: cfg.endpoint, openExample: openExample };
})();
