// The wall canvas (数据大屏 convention): designed at 1920×1080 and scaled with a CSS transform to fill any wall;
// walls wider than 16:9 (up to 32:9) get a wider canvas, so the map in the middle grows instead of black bars.
export const DESIGN_WIDTH = 1920;
export const DESIGN_HEIGHT = 1080;
const MAX_WIDTH = 3840;

/** The canvas width and scale for a viewport of w × h CSS pixels. */
export function canvasFor(w, h) {
  const wide = w / h > DESIGN_WIDTH / DESIGN_HEIGHT;
  const width = wide ? Math.min(MAX_WIDTH, Math.round((DESIGN_HEIGHT * w) / h)) : DESIGN_WIDTH;
  const scale = Math.min(w / width, h / DESIGN_HEIGHT);
  return { width, scale, left: (w - width * scale) / 2, top: (h - DESIGN_HEIGHT * scale) / 2 };
}

/** Keep `el` scaled to the window; onChange({width, scale}) after each change (one resize listener, ever). */
export function fitCanvas(el, onChange) {
  let last = null;
  const apply = () => {
    const c = canvasFor(window.innerWidth, window.innerHeight);
    el.style.width = `${c.width}px`;
    el.style.height = `${DESIGN_HEIGHT}px`;
    el.style.transform = `translate(${c.left}px, ${c.top}px) scale(${c.scale})`;
    el.dataset.scale = String(c.scale);
    el.dataset.width = String(c.width);
    if (!last || last.width !== c.width || last.scale !== c.scale) onChange(c);
    last = c;
  };
  window.addEventListener('resize', apply);
  apply();
  return () => last;
}
