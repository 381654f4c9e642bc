// The map's drawing surface: up to hundreds of thousands of points written straight into the
// pixels of a 2-D canvas (no per-point draw calls, so 50,000 points redraw in a few milliseconds),
// labels and marks on a second canvas above, zoom (wheel, +/-), pan (drag, arrow keys), and
// animation: a new layout of the same words moves every point from where it is to where it goes.
//
// createMapView({ canvas, overlay, onPick, onHover, drawOverlay }) → view
//   view.setPoints(coordinates, colours, { animate })  coordinates: Float32Array x, y pairs (any scale)
//   view.position(i) → [x, y] screen pixels of point i as now drawn (mid-animation too), or null
//   view.pointAt(x, y, radius) → index of the nearest point within radius pixels, or -1
//   view.zoomTo(indices) / view.reset() / view.redraw()
const ANIMATION_MS = 450;
const POINT_PX = 2; // CSS pixels per point side on maps of more than 5,000 points (3 on smaller ones)

export function createMapView({ canvas, overlay, onPick, onHover, drawOverlay }) {
  let target = new Float32Array(0);   // where points are going (normalised to about -1..1)
  let from = null;                    // where they were when the animation started
  let shown = new Float32Array(0);    // where they are drawn now
  let colours = new Uint32Array(0);   // ABGR per point
  let animation = null;               // { start, resolve }
  let frameRequested = false;
  const view = { zoom: 1, x: 0, y: 0 }; // the normalised point at the centre, and the magnification
  let size = { width: 0, height: 0, ratio: 1 };
  let image = null;

  let extent = { x: 1, y: 1 };          // half the layout's width and height, normalised (the larger is 1)
  // Pixels per normalised unit at zoom 1: the layout fills the canvas, keeping its aspect ratio.
  const radius = () => Math.min(size.width / 2 / extent.x, size.height / 2 / extent.y) * 0.92;
  const toScreen = (nx, ny) => [size.width / 2 + (nx - view.x) * view.zoom * radius(), size.height / 2 - (ny - view.y) * view.zoom * radius()];
  const toData = (sx, sy) => [(sx - size.width / 2) / (view.zoom * radius()) + view.x, -(sy - size.height / 2) / (view.zoom * radius()) + view.y];

  function resize() {
    const box = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    size = { width: box.width, height: box.height, ratio };
    for (const c of [canvas, overlay]) {
      c.width = Math.max(1, Math.round(box.width * ratio));
      c.height = Math.max(1, Math.round(box.height * ratio));
    }
    image = null;
    request();
  }

  function request() {
    if (frameRequested) return;
    frameRequested = true;
    requestAnimationFrame(frame);
  }

  function frame(now) {
    frameRequested = false;
    if (animation) {
      const t = Math.min(1, (now - (animation.start ??= now)) / ANIMATION_MS);
      const e = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2; // cubic in-out
      for (let i = 0; i < shown.length; i++) shown[i] = from[i] + (target[i] - from[i]) * e;
      if (t >= 1) {
        const { resolve } = animation;
        animation = null;
        shown.set(target);
        resolve();
      } else {
        request();
      }
    }
    paint();
  }

  // Every point as a small square written into the pixel buffer.
  function paint() {
    const w = canvas.width;
    const h = canvas.height;
    if (w <= 1 || h <= 1) return;
    if (!image || image.width !== w || image.height !== h) image = new ImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    pixels.fill(0);
    const side = Math.max(1, Math.round((shown.length / 2 > 5000 ? POINT_PX : POINT_PX + 1) * size.ratio));
    const scale = view.zoom * radius() * size.ratio;
    const cx = w / 2 - view.x * scale;
    const cy = h / 2 + view.y * scale;
    for (let i = 0, n = shown.length / 2; i < n; i++) {
      const px = Math.round(cx + shown[2 * i] * scale - side / 2);
      const py = Math.round(cy - shown[2 * i + 1] * scale - side / 2);
      if (px < 0 || py < 0 || px + side > w || py + side > h) continue;
      const colour = colours[i];
      for (let dy = 0; dy < side; dy++) pixels.fill(colour, (py + dy) * w + px, (py + dy) * w + px + side);
    }
    canvas.getContext('2d').putImageData(image, 0, 0);
    const ctx = overlay.getContext('2d');
    ctx.setTransform(size.ratio, 0, 0, size.ratio, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    drawOverlay(ctx, size);
  }

  // Coordinates scaled so the layout's bounding box fits -1..1, centred.
  function normalise(coordinates) {
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < coordinates.length; i += 2) {
      const x = coordinates[i], y = coordinates[i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const half = Math.max(maxX - minX, maxY - minY, 1e-12) / 2;
    const mx = (minX + maxX) / 2, my = (minY + maxY) / 2;
    extent = { x: Math.max(0.05, (maxX - minX) / 2 / half), y: Math.max(0.05, (maxY - minY) / 2 / half) };
    const out = new Float32Array(coordinates.length);
    for (let i = 0; i < coordinates.length; i += 2) {
      out[i] = (coordinates[i] - mx) / half;
      out[i + 1] = (coordinates[i + 1] - my) / half;
    }
    return out;
  }

  // ---- interaction: drag to pan, wheel to zoom at the pointer, click to pick, keys ------------------

  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    const box = canvas.getBoundingClientRect();
    if (drag) {
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
      if (drag.moved) {
        view.x -= dx / (view.zoom * radius());
        view.y += dy / (view.zoom * radius());
        drag.x = e.clientX;
        drag.y = e.clientY;
        request();
      }
      return;
    }
    onHover(api.pointAt(e.clientX - box.left, e.clientY - box.top, 6), e.clientX - box.left, e.clientY - box.top);
  });
  canvas.addEventListener('pointerup', (e) => {
    const box = canvas.getBoundingClientRect();
    if (drag && !drag.moved) onPick(api.pointAt(e.clientX - box.left, e.clientY - box.top, 8));
    drag = null;
  });
  canvas.addEventListener('pointerleave', () => onHover(-1));
  canvas.addEventListener('wheel', (e) => {
    e.preventDefault();
    const box = canvas.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
  }, { passive: false });
  canvas.addEventListener('keydown', (e) => {
    const step = 0.15 / view.zoom;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      view.x += moves[e.key][0];
      view.y += moves[e.key][1];
      request();
    } else if (e.key === '+' || e.key === '=') {
      zoomAt(1.4, size.width / 2, size.height / 2);
    } else if (e.key === '-') {
      zoomAt(1 / 1.4, size.width / 2, size.height / 2);
    } else if (e.key === '0') {
      api.reset();
    } else {
      return;
    }
    e.preventDefault();
  });

  function zoomAt(factor, sx, sy) {
    const [dx, dy] = toData(sx, sy);
    view.zoom = Math.max(0.5, Math.min(500, view.zoom * factor));
    const [nx, ny] = toData(sx, sy);
    view.x += dx - nx;
    view.y += dy - ny;
    request();
  }

  new ResizeObserver(resize).observe(canvas);

  const api = {
    /** Shows new points; with `animate` (and as many points as now), they move there. Resolves when drawn. */
    setPoints(coordinates, pointColours, { animate = false } = {}) {
      const next = normalise(coordinates);
      colours = pointColours;
      animation?.resolve();
      if (animate && next.length === shown.length && next.length > 0) {
        from = shown.slice();
        target = next;
        return new Promise((resolve) => {
          animation = { start: null, resolve };
          request();
        });
      }
      animation = null;
      target = next;
      shown = next.slice();
      request();
      return new Promise((resolve) => requestAnimationFrame(() => resolve()));
    },
    setColours(pointColours) {
      colours = pointColours;
      request();
    },
    get count() { return shown.length / 2; },
    /** The points as drawn now (normalised), for the page's tests and the words-in-view list. */
    get shown() { return shown; },
    position(i) {
      if (i < 0 || 2 * i >= shown.length) return null;
      return toScreen(shown[2 * i], shown[2 * i + 1]);
    },
    pointAt(sx, sy, within) {
      let best = -1;
      let bestDistance = within * within;
      const scale = view.zoom * radius();
      for (let i = 0, n = shown.length / 2; i < n; i++) {
        const dx = size.width / 2 + (shown[2 * i] - view.x) * scale - sx;
        const dy = size.height / 2 - (shown[2 * i + 1] - view.y) * scale - sy;
        const d = dx * dx + dy * dy;
        if (d <= bestDistance) {
          bestDistance = d;
          best = i;
        }
      }
      return best;
    },
    zoomTo(indices, padding = 1.6) {
      const points = indices.filter((i) => i >= 0 && 2 * i < target.length);
      if (!points.length) return;
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (const i of points) {
        minX = Math.min(minX, target[2 * i]);
        maxX = Math.max(maxX, target[2 * i]);
        minY = Math.min(minY, target[2 * i + 1]);
        maxY = Math.max(maxY, target[2 * i + 1]);
      }
      view.x = (minX + maxX) / 2;
      view.y = (minY + maxY) / 2;
      view.zoom = Math.max(1, Math.min(200, 2 / (Math.max(maxX - minX, maxY - minY, 0.02) * padding)));
      request();
    },
    reset() {
      Object.assign(view, { zoom: 1, x: 0, y: 0 });
      request();
    },
    redraw: request,
  };
  return api;
}
