// /docs: Swagger UI (from web/node_modules) on the app's OpenAPI. A file rather than an inline script, for the CSP.
// "Try it out" is sent with the browser's session cookie; a write also needs the CSRF header that the app's own
// pages send (js/api.js), so every request Swagger makes echoes the readable CSRF cookie in it.
const CSRF_COOKIE = 'warroom_csrf';
const CSRF_HEADER = 'X-CSRF-Token';

function csrfToken() {
  const hit = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return hit ? decodeURIComponent(hit.slice(CSRF_COOKIE.length + 1)) : '';
}

const root = document.getElementById('swagger-ui');
const { SwaggerUIBundle } = window;
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: '#swagger-ui',
  layout: 'BaseLayout',
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  requestInterceptor: (req) => {
    const method = (req.method || 'GET').toUpperCase();
    const token = csrfToken();
    if (token && !['GET', 'HEAD', 'OPTIONS'].includes(method)) req.headers[CSRF_HEADER] = token;
    return req;
  },
});
