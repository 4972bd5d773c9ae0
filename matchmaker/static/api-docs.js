// Starts Swagger UI on the API's OpenAPI document (kept out of the page: the CSP forbids inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    // A token is pasted with "Authorize"; the browser's session cookie is never sent as credentials.
    withCredentials: false,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
})();
