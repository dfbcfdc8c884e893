// Text on the Leaflet map: tooltips, labels and popups whose content is a dom.js node. Leaflet puts a string
// given to a tooltip or popup in as HTML, so web/js never hands it one: content goes in through the
// `content` option, as a node whose children we replace (web/README.md, "Text, not HTML").
import * as L from 'leaflet';
import { h, fill } from './dom.js';

/** Show overlay at latlng with build()'s text or nodes, laying it out again when it is already open. */
function show(map, overlay, latlng, build) {
  fill(overlay.getContent(), build());
  overlay.setLatLng(latlng);
  if (map.hasLayer(overlay)) overlay.update(); else overlay.openOn(map);
}

function close(map, overlay) {
  if (map.hasLayer(overlay)) map.removeLayer(overlay);
}

/**
 * One hover tooltip shared by many layers (cheaper than one per layer). `attach(layer, build)` shows build()
 * while the pointer is on the layer: at the layer's point, or following the pointer when `sticky`.
 * `offsetOf(layer)` may set the offset per layer.
 */
export function hoverTooltip(map, { sticky = false, offsetOf = null, ...options } = {}) {
  const tip = L.tooltip({ ...options, content: h('div') });
  const attach = (layer, build) => {
    layer.on('mouseover', (e) => {
      if (offsetOf) tip.options.offset = offsetOf(layer);
      show(map, tip, sticky || !layer.getLatLng ? e.latlng : layer.getLatLng(), build);
    });
    if (sticky) layer.on('mousemove', (e) => tip.setLatLng(e.latlng));
    layer.on('mouseout', () => close(map, tip));
    return layer;
  };
  return { attach, hide: () => close(map, tip) };
}

/** One popup shared by many layers: `attach(layer, build)` opens it on a click on the layer with build(). */
export function clickPopup(map, options = {}) {
  const popup = L.popup({ ...options, content: h('div') });
  const attach = (layer, build) => layer.on('click', (e) => show(map, popup, layer.getLatLng ? layer.getLatLng() : e.latlng, build));
  return { attach };
}

const CENTRED = {
  position: 'absolute', left: '0', top: '0', transform: 'translate(-50%, -50%)', 'white-space': 'nowrap', 'pointer-events': 'none',
};

/** A permanent label centred on latlng showing build(), with `className` on the text; `relabel()` fills it again
 * (after a language change). A marker centred by CSS, not a permanent tooltip: a tooltip measures itself
 * (offsetWidth) when added and on every zoom, so a map of labels forced one layout per label (35 ms at load). */
export function mapLabel(latlng, build, { className = '', pane } = {}) {
  // Centred here rather than in a page's CSS: the map and the screen load different style sheets.
  const label = L.marker(latlng, {
    icon: L.divIcon({ className: 'map-label', html: h('span', { class: className, style: CENTRED }, build()), iconSize: [0, 0] }),
    interactive: false, keyboard: false, pane,
  });
  label.relabel = () => fill(label.options.icon.options.html, build());
  return label;
}
