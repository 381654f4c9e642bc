// Welch's two-sample t-test for the benchmark's accuracy columns: is a gap between two tools'
// per-seed accuracies larger than their seed-to-seed spread explains?

// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; ~15 significant digits).
const lanczos = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function logGamma(x) {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = lanczos[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += lanczos[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

// The continued fraction of the regularised incomplete beta function (modified Lentz).
function betaFraction(x, a, b) {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let f = d;
  for (let m = 1; m <= 300; m++) {
    for (const num of [(m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)), (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-15) break;
  }
  return f;
}

// I_x(a, b), the regularised incomplete beta function.
export function incompleteBeta(x, a, b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

// Two-sided p-value of Welch's t-test for samples `xs` and `ys` (each at least 2 values).
export function welch(xs, ys) {
  const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v, m) => v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
  const mx = mean(xs);
  const my = mean(ys);
  const sx = variance(xs, mx) / xs.length;
  const sy = variance(ys, my) / ys.length;
  if (sx + sy === 0) return mx === my ? 1 : 0;
  const t = (mx - my) / Math.sqrt(sx + sy);
  const df = (sx + sy) ** 2 / (sx ** 2 / (xs.length - 1) + sy ** 2 / (ys.length - 1));
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}
