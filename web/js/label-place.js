// Where map labels go so that none sits under a drawn circle (a wall-sized cluster) or on another label: each
// label tries its own place, then the four sides of whatever it would cover, nearest first, within a bound.
// Pure geometry on rectangles and circles in one pixel space, so the caller measures the page once.

const GAP = 2; // px between a moved label and what it steps around
const PAD = 3; // px kept between two labels

const overlaps = (a, b) => a.left < b.right + PAD && b.left < a.right + PAD && a.top < b.bottom + PAD && b.top < a.bottom + PAD;

function underCircle(r, [x, y, rad]) {
  const dx = x - Math.max(r.left, Math.min(x, r.right));
  const dy = y - Math.max(r.top, Math.min(y, r.bottom));
  return Math.hypot(dx, dy) < rad;
}

const shifted = (r, dx, dy) => ({ left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy });

/** What rect r would cover: circles first, then labels already placed. */
const blockers = (r, circles, placed) => [...circles.filter((k) => underCircle(r, k)), ...placed.filter((p) => overlaps(r, p))];

/** Moves that take rect r just clear of circle or rect `o`: below, above, right, left. */
function escapes(r, o) {
  const [top, bottom, left, right] = Array.isArray(o)
    ? [o[1] - o[2], o[1] + o[2], o[0] - o[2], o[0] + o[2]]
    : [o.top - PAD, o.bottom + PAD, o.left - PAD, o.right + PAD];
  return [[0, bottom + GAP - r.top], [0, top - GAP - r.bottom], [right + GAP - r.left, 0], [left - GAP - r.right, 0]];
}

/**
 * Offsets [dx, dy] for labels (rects {left, top, right, bottom}, in order of precedence) clear of `circles`
 * ([x, y, radius]) and of each other, each at most `bound` px from its own place; a label with no clear place
 * within the bound keeps the place under the fewest things.
 */
export function placeLabels(rects, circles, { bound = 120, tries = 32 } = {}) {
  const placed = [];
  return rects.map((r) => {
    let best = null;
    const queue = [[0, 0]];
    const seen = new Set();
    for (let n = 0; n < tries && queue.length; n += 1) {
      queue.sort((a, b) => Math.hypot(...a) - Math.hypot(...b)); // nearest first
      const [dx, dy] = queue.shift();
      const key = `${Math.round(dx)},${Math.round(dy)}`;
      if (seen.has(key)) { n -= 1; continue; }
      seen.add(key);
      const c = shifted(r, dx, dy);
      const blocking = blockers(c, circles, placed);
      if (!best || blocking.length < best.count) best = { dx, dy, count: blocking.length };
      if (!blocking.length) break;
      for (const [ex, ey] of escapes(c, blocking[0])) {
        const next = [dx + ex, dy + ey];
        if (Math.abs(next[0]) <= bound && Math.abs(next[1]) <= bound) queue.push(next);
      }
    }
    placed.push(shifted(r, best.dx, best.dy));
    return [best.dx, best.dy];
  });
}
