// Building the page from data: every string becomes a text node or an attribute value, never markup.
// This is the one way web/js puts data into the DOM (the rule and its check: web/README.md, "Text, not HTML").
const SVG_NS = 'http://www.w3.org/2000/svg';
const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction']);
const URL_SCHEMES = new Set(['http:', 'https:', 'blob:']);

/** The URL if it is one a link or image may carry (no javascript: or data:), else an error. */
function safeUrl(value) {
  const url = String(value);
  const { protocol } = new URL(url, location.href);
  if (!URL_SCHEMES.has(protocol)) throw new TypeError(`refused a ${protocol} URL in a link or image`);
  return url;
}

function flat(children) {
  return children.flat(Infinity).filter((c) => c != null && c !== false && c !== '');
}

function build(el, props, children) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) {
      // Handlers are functions; an "on…" attribute from a string would be inline script.
      if (typeof v !== 'function') throw new TypeError(`${k} must be a function`);
      el.addEventListener(k.slice(2), v);
    } else if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv);
    } else if (k === 'style') {
      // Through the CSSOM, not a style attribute.
      for (const [p, x] of Object.entries(v)) if (x != null) el.style.setProperty(p, String(x));
    } else {
      el.setAttribute(k, v === true ? '' : URL_ATTRS.has(k) ? safeUrl(v) : String(v));
    }
  }
  el.append(...flat(children));
  return el;
}

/**
 * An HTML element: h('a', {href, class, dataset: {testid}, onclick}, 'text', child, [more]).
 * Strings and numbers in children become text; null, false and '' are skipped; arrays are flattened.
 */
export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

/** An SVG element, like h(). */
export function s(tag, props, ...children) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

/** Replace el's children (as h() takes them); returns el. */
export function fill(el, ...children) {
  el.replaceChildren(...flat(children));
  return el;
}
