/**
 * The demo page: data (built-in, clicked or uploaded), controls, the animated fit and the charts.
 *
 * What is drawn always belongs to the data named in the caption: every data change or reset clears the fit, the
 * charts and the status, and answers from the workers carry a generation number so late ones are dropped.
 */
import type { CovarianceType, InitParams } from "../src/index.js";
import { drawCriteria, drawDensity, drawLogLik } from "./charts.js";
import { collapsed, componentAlphas, effectiveLine, legendItems, syncBayesianControls } from "./components.js";
import { $, el, note, setStatus, validK } from "./controls.js";
import { type DataSet, large, stretchedBlobs, threeGaussians, twoClasses1D } from "./data.js";
import type { FromWorker, Params, SelectionCell, ToWorker } from "./protocol.js";
import { bounds, drawScatter, toData } from "./scatter.js";
import {
  fillColumnPicker,
  plural,
  readUpload,
  tableData,
  type Upload,
  uploadCaption,
  uploadSummary,
} from "./upload.js";

const PLAY_DELAY = 250;

/** Where the data shown came from. */
type Source = { kind: "builtin"; which: string } | { kind: "clicks" } | Upload;

const BUILTIN: Record<string, [string, (seed: number) => DataSet]> = {
  three: ["three correlated Gaussians", threeGaussians],
  stretched: ["stretched blobs", stretchedBlobs],
  oned: ["two classes (1-D)", twoClasses1D],
  large: ["large", large],
};

let source: Source = { kind: "builtin", which: "three" };
let upload: Upload | undefined;
let data: DataSet = threeGaussians(0);
let caption = "";
let view = bounds(data);
let clicks: number[] = [];

// The fit shown, and the selection chart, for the current data.
type Mode = "idle" | "paused" | "playing" | "fitting";
let mode: Mode = "idle";
let fitGen = 0;
let fitLabel = "";
let fitFile = "";
let fitBayes = false; // the fit shown is the Bayesian (Dirichlet process) one
let params: Params | undefined;
let resp: Float32Array | undefined;
let samples: { data: Float64Array; labels: Int32Array } | undefined;
let lowerBounds: number[] = [];
let modelJSON: string | undefined;
let selecting = false;
let selGen = 0;
let cells: SelectionCell[] | undefined;
let selectionNote: string | undefined;

// One worker animates fits, another computes the selection table, so either can run while the other does.
let fitWorker = makeWorker();
let selectWorker = makeWorker();

function makeWorker(): Worker {
  const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (ev: MessageEvent<FromWorker>) => receive(ev.data);
  return w;
}

const sendFit = (m: ToWorker, transfer: Transferable[] = []) => fitWorker.postMessage(m, transfer);

// ---------------------------------------------------------------- data

/** Shows new data: everything about the previous data (fit, charts, status) goes. */
function showData(ds: DataSet, text: string): void {
  data = ds;
  caption = text;
  view = bounds(data);
  el.caption.textContent = `Showing: ${caption}`;
  clearSelection();
  clearFit();
  setStatus(
    data.n < 2
      ? "Click the plot to add points (at least two), then press play, step or fit."
      : `Press play, step or fit to fit ${caption.split(" — ")[0]}.`,
  );
}

/** The seed: a whole number; the field shows the one used (e.g. 2 for "2.5", 0 for an empty field). */
function seed(): number {
  const v = Math.trunc(Number(el.seed.value));
  const used = Number.isSafeInteger(v) ? v : 0;
  if (el.seed.value.trim() !== String(used)) el.seed.value = String(used);
  return used;
}

/** The data set chosen in the menu (built-in data is regenerated with the seed). */
function loadChosen(): void {
  const which = el.dataset.value;
  if (which !== "upload") el.csv.value = ""; // the file field names only the data it shows
  if (which === "upload" && upload) {
    source = upload;
    const ds = pickedData(upload);
    showData(ds, uploadCaption(upload, ds));
  } else if (which === "clicks") {
    source = { kind: "clicks" };
    showData(clickData(), clickCaption());
  } else {
    source = { kind: "builtin", which };
    const [name, make] = BUILTIN[which] ?? BUILTIN.three;
    const ds = make(seed());
    showData(ds, `${name}, seed ${seed()} — ${plural(ds.n, "point")}, ${ds.d}-D`);
  }
  note(el.uploadNote, source.kind === "upload" ? uploadSummary(source) : undefined);
  el.columns.hidden = !(source.kind === "upload" && source.table.shape[1] > 2);
}

const clickData = (): DataSet => ({ data: Float64Array.from(clicks), d: 2, n: clicks.length / 2, names: ["x", "y"] });
const clickCaption = () => `my clicks — ${plural(clicks.length / 2, "point")}, 2-D`;

/** The uploaded table's columns picked in the menus; the same column twice is fitted once (1-D). */
function pickedData(u: Upload): DataSet {
  const x = Number(el.colX.value || 0);
  const y = Number(el.colY.value || 1);
  if (y === x) el.colY.value = "-1";
  return tableData(u.table, x, y);
}

async function onUpload(): Promise<void> {
  const file = el.csv.files?.[0];
  if (!file) return;
  try {
    upload = await readUpload(file);
  } catch (e) {
    // Nothing of the file is used: the field is cleared and the data shown stays, and the page says both.
    el.csv.value = "";
    const why = e instanceof Error ? e.message : String(e);
    note(el.uploadNote, `Could not read ${file.name}: ${why}`, "error");
    setStatus(`${file.name} was not loaded, nothing of it is used. Still showing: ${caption}.`, "error");
    return;
  }
  fillColumnPicker(upload.table, el.colX, el.colY);
  let option = el.dataset.querySelector<HTMLOptionElement>('option[value="upload"]');
  if (!option) el.dataset.appendChild((option = new Option("", "upload")));
  option.textContent = `file: ${file.name}`;
  el.dataset.value = "upload";
  loadChosen();
}

// ---------------------------------------------------------------- fitting

function setMode(m: Mode): void {
  mode = m;
  const playing = m === "playing";
  el.play.textContent = playing ? "pause" : "play";
  el.play.setAttribute("aria-pressed", String(playing));
}

/** Drops the fit shown (stopping a running one) and everything drawn from it. */
function clearFit(): void {
  if (mode !== "idle") {
    fitWorker.terminate();
    fitWorker = makeWorker();
  }
  setMode("idle");
  fitGen++;
  params = undefined;
  resp = undefined;
  samples = undefined;
  lowerBounds = [];
  modelJSON = undefined;
  el.download.disabled = true;
  window.__gaussmix = undefined;
  drawAll();
}

function clearSelection(): void {
  if (selecting) {
    selectWorker.terminate();
    selectWorker = makeWorker();
    selecting = false;
  }
  selGen++;
  cells = undefined;
  selectionNote = undefined;
  drawCriteria(el.criteria, undefined);
}

function start(delay: number): void {
  if (data.n < 2) {
    setStatus("Add at least two points (click the plot) first.", "warn");
    return;
  }
  const k = validK(data.n);
  clearFit();
  fitBayes = el.bayes.checked;
  const init = el.init.value as InitParams;
  // The Bayesian estimator starts from scikit-learn's four initialisations; the others fall back to k-means.
  const bayesInit = ["kmeans", "k-means++", "random", "random_from_data"].includes(init) ? init : "kmeans";
  const o = {
    nComponents: k,
    covarianceType: el.cov.value as CovarianceType,
    initParams: fitBayes ? bayesInit : init,
    seed: seed(),
    bayesian: fitBayes,
  };
  const what = fitBayes ? `Bayesian (Dirichlet process), k ≤ ${k}` : `k = ${k}`;
  fitLabel = `${what}, ${o.covarianceType}, ${o.initParams} init, seed ${o.seed}`;
  fitFile = `gaussmix-${fitBayes ? "bayesian-" : ""}model-k${k}-${o.covarianceType}.json`;
  setMode(delay < 0 ? "paused" : delay > 0 ? "playing" : "fitting");
  const copy = data.data.slice();
  sendFit({ type: "fit", gen: fitGen, data: copy, d: data.d, ...o, delay }, [copy.buffer]);
  setStatus(`fitting ${fitLabel}…`);
}

function receive(m: FromWorker): void {
  if (m.gen < 0) {
    receiveSelection(m); // the selection worker's answers carry negative numbers
    return;
  }
  if (m.gen !== fitGen) return; // about a fit no longer shown
  if (m.type === "iteration") {
    params = m;
    resp = m.resp;
    lowerBounds.push(m.lowerBound);
    const wait = mode === "paused" ? " (paused: press step or play)" : "";
    const bound = fitBayes ? `lower bound ${m.lowerBound.toFixed(2)}; ${effectiveLine(m.weights)}` : "";
    setStatus(`iteration ${m.iteration}: ${bound || `mean log-likelihood ${m.lowerBound.toFixed(4)}`}${wait}`);
  } else if (m.type === "done") {
    setMode("idle");
    params = m;
    resp = m.resp;
    modelJSON = m.model;
    el.download.disabled = false;
    window.__gaussmix = {
      weights: m.weights,
      means: m.means,
      lowerBound: m.lowerBound,
      nIter: m.nIter,
      converged: m.converged,
      fitted: m.fitted,
      caption,
      bayesian: fitBayes,
    };
    const how = `${m.converged ? "converged" : `stopped (not converged) at the iteration limit`} after ${plural(m.nIter, "iteration")}`;
    const took = `EM took ${m.ms < 10 ? m.ms.toFixed(1) : m.ms.toFixed(0)} ms (animation pauses left out)`;
    const numbers = fitBayes
      ? `${took}; lower bound ${m.lowerBound.toFixed(2)}; ${effectiveLine(m.weights)}.`
      : `${took}; mean log-likelihood ${m.lowerBound.toFixed(4)}.`;
    if (m.converged && !fitBayes && collapsed(m)) {
      setStatus(
        `${fitLabel}: converged to a single cluster: all ${m.weights.length} components share one mean, so the model is one Gaussian. Try k-means init or another seed. ${numbers}`,
        "warn",
      );
    } else setStatus(`${fitLabel}: ${how}. ${numbers}`, m.converged ? "" : "warn");
    document.body.dataset.fit = "done";
  } else if (m.type === "samples") {
    samples = m;
    setStatus(
      `${plural(m.labels.length, "sample")} drawn from the fitted model (${data.d === 1 ? "dashed histogram" : "hollow points"}).`,
    );
  } else if (m.type === "error") {
    setMode("idle");
    setStatus(`error: ${m.message}`, "error");
  }
  drawAll();
}

function receiveSelection(m: FromWorker): void {
  if (m.gen !== -selGen) return;
  if (m.type === "progress") {
    selectionNote = `BIC over k: ${m.done} of ${m.total} fits done…`;
    drawCriteria(el.criteria, undefined, selectionNote);
  } else if (m.type === "selection") {
    selecting = false;
    cells = m.cells;
    const best = drawCriteria(el.criteria, cells);
    if (best)
      setStatus(
        `BIC is lowest at k = ${best.k} with ${best.covarianceType} covariance (marked on the chart); set k and covariance to fit it.`,
      );
  } else if (m.type === "error") {
    selecting = false;
    drawCriteria(el.criteria, undefined, `BIC over k failed: ${m.message}`);
    setStatus(`BIC over k failed: ${m.message}`, "error");
  }
}

// ---------------------------------------------------------------- drawing

function drawAll(): void {
  const oneD = data.d === 1;
  el.canvas.classList.toggle("hidden", oneD);
  el.density.classList.toggle("hidden", !oneD);
  if (oneD) drawDensity(el.density, data, view, params, samples?.data);
  // The Bayesian fit draws each component as strongly as its weight: surplus components fade out as EM runs.
  const alphas = fitBayes && params ? componentAlphas(params.weights) : undefined;
  if (!oneD) drawScatter(el.canvas, { data, view, params, resp, samples, alphas });
  drawLogLik(el.loglik, lowerBounds, fitBayes);
  el.legend.replaceChildren(...legendItems(params, alphas));
}

let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    drawAll();
    if (cells) drawCriteria(el.criteria, cells);
    else drawCriteria(el.criteria, undefined, selectionNote);
  });
}).observe(document.querySelector("main")!);

// ---------------------------------------------------------------- controls

el.canvas.addEventListener("click", (ev) => {
  const at = toData(el.canvas, view, ev);
  if (!at) return;
  if (source.kind !== "clicks") {
    clicks = Array.from(data.d === 2 ? data.data : []);
    el.dataset.value = "clicks";
    el.csv.value = "";
    source = { kind: "clicks" };
    note(el.uploadNote, undefined);
    el.columns.hidden = true;
  }
  clicks.push(...at);
  const keep = view;
  showData(clickData(), clickCaption());
  view = keep; // adding a point does not move the axes under the pointer
  drawAll();
});

el.csv.addEventListener("change", () => void onUpload());
el.dataset.addEventListener("change", loadChosen);
el.colX.addEventListener("change", loadChosen);
el.colY.addEventListener("change", loadChosen);
// The seed makes the built-in data; for clicked or uploaded data it only seeds the next fit.
el.seed.addEventListener("change", () => {
  if (source.kind === "builtin") loadChosen();
});
el.k.addEventListener("change", () => validK(data.n, true));
el.bayes.addEventListener("change", () => {
  clearSelection();
  clearFit();
  syncBayesianControls(el.bayes.checked, el.select, el.bayesNote);
  setStatus(
    `${el.bayes.checked ? "Bayesian (Dirichlet process): k is the upper bound. " : ""}Press play, step or fit.`,
  );
});
$("step").addEventListener("click", () => {
  if (mode === "idle") start(-1);
  else if (mode === "paused") sendFit({ type: "step" });
  else if (mode === "playing") {
    sendFit({ type: "play", delay: -1 });
    setMode("paused");
  }
});
el.play.addEventListener("click", () => {
  if (mode === "idle") start(PLAY_DELAY);
  else if (mode === "playing") {
    sendFit({ type: "play", delay: -1 });
    setMode("paused");
    setStatus(`${el.status.textContent?.replace(/ \(paused.*$/, "")} (paused: press step or play)`);
  } else if (mode === "paused") {
    sendFit({ type: "play", delay: PLAY_DELAY });
    setMode("playing");
  }
});
$("fit").addEventListener("click", () => {
  if (mode === "idle") start(0);
  else {
    sendFit({ type: "play", delay: 0 });
    setMode("fitting");
  }
});
$("reset").addEventListener("click", () => {
  clearSelection();
  clearFit();
  setStatus(`Reset. Showing ${caption}; press play, step or fit.`);
});
el.select.addEventListener("click", () => {
  if (el.bayes.checked) return;
  if (data.n < 2) {
    setStatus("Add at least two points (click the plot) first.", "warn");
    return;
  }
  clearSelection();
  selecting = true;
  selectionNote = "BIC over k: starting…";
  drawCriteria(el.criteria, undefined, selectionNote);
  const copy = data.data.slice();
  // Negative generation numbers mark the selection worker's answers.
  selectWorker.postMessage({ type: "select", gen: -selGen, data: copy, d: data.d, seed: seed() } satisfies ToWorker, [
    copy.buffer,
  ]);
  setStatus("Fitting k = 1…8 with each of the four covariance types…");
});
$("sample").addEventListener("click", () => {
  if (!params || mode !== "idle" || !modelJSON) {
    setStatus("Fit a model first (press fit), then draw samples from it.", "warn");
    return;
  }
  sendFit({ type: "sample", gen: fitGen, n: Math.min(1000, Math.max(500, data.n)), seed: seed() + 1 });
});
el.download.addEventListener("click", () => {
  if (!modelJSON) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([modelJSON], { type: "application/json" }));
  a.download = fitFile;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

syncBayesianControls(el.bayes.checked, el.select, el.bayesNote); // a reload may keep the box ticked
loadChosen();
