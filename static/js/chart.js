// The loss chart: test loss (dark) and training loss (light) over the epochs, with a read-out of
// the point under the pointer (TF issue #47).

const BEST_COLOUR = "#0877bd"; // the accent: the lowest test loss
const BEST_RING = 4; // px
const LIMIT = 600; // points kept; past it every other one goes, as the server's history does

export class LossChart {
  constructor(canvas, readout) {
    this.canvas = canvas;
    this.readout = readout;
    this.points = []; // [epoch, train, test]
    this.best = null; // [epoch, test loss]: the lowest test loss, ringed on its curve
    this.hint = readout.textContent; // shown while the pointer is elsewhere
    canvas.addEventListener("mousemove", (event) => this.hover(event));
    canvas.addEventListener("mouseleave", () => (this.readout.textContent = this.hint));
  }

  /** Ring the lowest test loss, [epoch, loss], or nothing (null). */
  mark(best) {
    this.best = best;
  }

  reset(history) {
    this.points = history.map((row) => [...row]);
  }

  add(header) {
    const point = [header.epoch, header.train_loss, header.test_loss];
    const last = this.points.at(-1);
    if (last && last[0] === point[0]) this.points[this.points.length - 1] = point;
    else this.points.push(point);
    if (this.points.length > LIMIT) this.points = this.points.filter((_, i) => i % 2 === 0);
  }

  /** The chart's x and y scales, in CSS pixels. */
  scale() {
    const { clientWidth: width, clientHeight: height } = this.canvas;
    const first = this.points[0]?.[0] ?? 0;
    const span = Math.max(1, (this.points.at(-1)?.[0] ?? 0) - first);
    const top = Math.max(1e-9, ...this.points.flatMap(([, a, b]) => [a ?? 0, b ?? 0]));
    return { x: (epoch) => ((epoch - first) / span) * (width - 4) + 2, y: (loss) => height - 2 - (loss / top) * (height - 4) };
  }

  /** The two curves, on a canvas sized by devicePixelRatio to its box. */
  draw() {
    const { canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const [width, height] = [Math.round(canvas.clientWidth * ratio), Math.round(canvas.clientHeight * ratio)];
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, canvas.clientWidth, canvas.clientHeight);
    if (this.points.length < 2) return;
    const { x, y } = this.scale();
    for (const [column, colour] of [[1, "#aaa"], [2, "#222"]]) {
      ctx.beginPath();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      this.points.forEach((point, i) => {
        const value = point[column];
        if (value === null) return;
        if (i === 0) ctx.moveTo(x(point[0]), y(value));
        else ctx.lineTo(x(point[0]), y(value));
      });
      ctx.stroke();
    }
    if (this.best) this.drawBest(ctx, x(this.best[0]), y(this.best[1]));
  }

  /** The lowest test loss: a ring on the test curve and a tick down to the epoch axis. */
  drawBest(ctx, bx, by) {
    ctx.strokeStyle = BEST_COLOUR;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.arc(bx, by, BEST_RING, 0, 2 * Math.PI);
    ctx.moveTo(bx, by + BEST_RING);
    ctx.lineTo(bx, this.canvas.clientHeight);
    ctx.stroke();
  }

  hover(event) {
    if (!this.points.length) return;
    const box = this.canvas.getBoundingClientRect();
    const at = event.clientX - box.left;
    const { x } = this.scale();
    const nearest = this.points.reduce((best, p) => (Math.abs(x(p[0]) - at) < Math.abs(x(best[0]) - at) ? p : best));
    const show = (v) => (v === null ? "–" : v.toFixed(3));
    this.readout.textContent = `Epoch ${nearest[0]}: test loss ${show(nearest[2])}, training loss ${show(nearest[1])}`;
  }
}
