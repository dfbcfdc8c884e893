// Escaping for the few places that build HTML strings: every text from data or the API goes through esc().
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to put inside HTML or an attribute value. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
