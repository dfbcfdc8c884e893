// /docs: Swagger UI (from web/node_modules) on the app's OpenAPI. A file rather than an inline script, for the CSP.
const root = document.getElementById('swagger-ui');
const { SwaggerUIBundle } = window;
SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
