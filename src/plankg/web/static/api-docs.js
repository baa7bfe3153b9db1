// /api/docs: Swagger UI over the service's OpenAPI description (an external script, since the
// Content-Security-Policy forbids inline ones). The description's URL comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.plankgApiDocs = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,            // never ask validator.swagger.io about the description
    tryItOutEnabled: false,
    defaultModelsExpandDepth: 0,
    docExpansion: "list"
  });
})();
