// The query page as YASGUI (vendored, offline): one tab on this endpoint, the example query,
// nothing remembered between visits. Without JavaScript the plain form stays.
(function () {
  var holder = document.getElementById("yasgui");
  var Y = window.Yasgui && (window.Yasgui.default || window.Yasgui);
  if (!holder || typeof Y !== "function") return;
  var form = document.getElementById("plain-form");
  if (form) form.hidden = true;
  var yasgui = new Y(holder, {
    requestConfig: { endpoint: new URL("/sparql", window.location.href).href, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: null,
  });
  yasgui.getTab().setQuery(holder.getAttribute("data-query"));
})();
