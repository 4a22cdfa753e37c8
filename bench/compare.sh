#!/usr/bin/env bash
# Side-by-side benchmarks: Neuromorph against the reference tools on the same machine, in one
# sitting, alternating repetitions so background load hits both alike. Prints a Markdown table
# of medians and keeps every raw result under $OUT (default bench-results/).
#
#   bench/compare.sh cuba|devices|esn|mlp|stdp|all [REPS]
#
# Needs the reference scripts (../shared/baselines, or BASELINES=DIR) and, for the references,
# the Debian packages named in their README: python3-brian python3-torch libopenblas0-openmp
# python3-numpy python3-scipy.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${BASELINES:-$here/../shared/baselines}"
out="${OUT:-$here/bench-results}"
what="${1:-all}"; reps="${2:-5}"
[ "$what" = table ] && reps=0
py=/usr/bin/python3
mkdir -p "$out"
cd "$here"
[ "$what" = table ] || ./neuromorph --help >/dev/null   # build once, outside the timings

cuba() {
  # Brian2 2.5.1 C++ standalone (code generated and compiled once; the binary's loop time is read)
  # against `neuromorph bench cuba`, 4,000 neurons, 1 s, dt 0.1 ms, on 1 and 2 threads.
  for t in 1 2; do
    bt=$([ "$t" = 1 ] && echo 0 || echo "$t")   # brian_bench: 0 = no OpenMP (one thread)
    "$py" "$base/brian_bench.py" --model cuba --N 4000 --T 1 --mode standalone --reps 1 --threads "$bt" --dir "/tmp/nm_brian_cuba_t$t" > /dev/null 2>&1 || true
    for r in $(seq 1 "$reps"); do
      ./neuromorph bench cuba --neurons 4000 --duration 1s --threads "$t" --reps 5 --json "$out/cuba-neuromorph-t$t-$r.json" > /dev/null
      "$py" "$base/brian_bench.py" --model cuba --N 4000 --T 1 --mode standalone --reps 1 --threads "$bt" --dir "/tmp/nm_brian_cuba_t$t" 2>/dev/null \
        | sed -n 's/^RESULT //p' > "$out/cuba-brian-t$t-$r.json"
    done
  done
}

devices() {
  for r in $(seq 1 "$reps"); do
    ./neuromorph bench devices --devices 10000000 --pulses 5 --threads 2 --json "$out/devices-t2-$r.json" > /dev/null
  done
}

esn() {
  # bench_esn.py — ReservoirPy 0.4.2 (source checkout: RESERVOIRPY=dir holding the reservoirpy package,
  # default ../reservoirpy; skipped if absent) and plain NumPy, both on OpenMP OpenBLAS — against
  # `neuromorph bench esn`, each on 1 and 2 threads: 1,000 units, 10,000 training steps, ridge readout.
  # Repetitions alternate all six; a summary of the medians (same thread counts compared) is printed.
  local rpy="${RESERVOIRPY:-$here/../reservoirpy}"
  local blas=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2)
  for r in $(seq 1 "$reps"); do
    ./neuromorph bench esn --units 1000 --steps 10000 --threads 1 --json "$out/esn1-neuromorph-$r.json" > /dev/null
    ./neuromorph bench esn --units 1000 --steps 10000 --threads 2 --json "$out/esn-neuromorph-$r.json" > /dev/null
    for t in 1 2; do
      local tag; tag=$([ "$t" = 1 ] && echo esn1 || echo esn)
      "${blas[@]}" "$py" "$base/bench_esn.py" --impl numpy --threads "$t" --runs 1 --no-wait 2>/dev/null | tail -n 1 > "$out/$tag-numpy-$r.json"
      if [ -d "$rpy/reservoirpy" ]; then
        "${blas[@]}" PYTHONPATH="$rpy" "$py" "$base/bench_esn.py" --impl rpy --threads "$t" --runs 1 --no-wait 2>/dev/null | tail -n 1 > "$out/$tag-rpy-$r.json"
      fi
    done
    uptime >> "$out/esn-load.txt"
  done
  "$py" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
def med(pattern, key):
    v = []
    for f in glob.glob(os.path.join(out, pattern)):
        text = open(f).read().strip()
        d = None
        for candidate in (text, text.splitlines()[-1] if text else ""):
            try:
                d = json.loads(candidate); break
            except ValueError:
                pass
        if d is None:
            continue
        v.append(d["figures"][key] if "figures" in d else d[key])
    return (statistics.median(v), len(v)) if v else (None, 0)
rows = {"neuromorph 1 thread": ("esn1-neuromorph-*.json", "harvest_seconds", "fit_seconds"),
        "neuromorph 2 threads": ("esn-neuromorph-*.json", "harvest_seconds", "fit_seconds"),
        "NumPy (OpenBLAS, 1 thread)": ("esn1-numpy-*.json", "median_harvest_s", "median_fit_s"),
        "NumPy (OpenBLAS, 2 threads)": ("esn-numpy-*.json", "median_harvest_s", "median_fit_s"),
        "ReservoirPy (OpenBLAS, 1 thread)": ("esn1-rpy-*.json", None, "median_fit_s"),
        "ReservoirPy (OpenBLAS, 2 threads)": ("esn-rpy-*.json", None, "median_fit_s")}
fits = {}
print("ESN fit (harvest + ridge), medians:")
for name, (pat, hk, fk) in rows.items():
    f, n = med(pat, fk)
    h = med(pat, hk)[0] if hk else None
    if f is None:
        continue
    fits[name] = f
    print(f"  {name:36s} fit {f:.3f} s" + (f"  harvest {h:.3f} s" if h is not None else "") + f"  (n={n})")
for t, ours in ((1, "neuromorph 1 thread"), (2, "neuromorph 2 threads")):
    for ref in (f"NumPy (OpenBLAS, {t} thread{'s' if t > 1 else ''})", f"ReservoirPy (OpenBLAS, {t} thread{'s' if t > 1 else ''})"):
        if ours in fits and ref in fits:
            print(f"  {ref} / {ours}: {fits[ref] / fits[ours]:.2f}x")
PY
}

mlp() {
  # bench_mnist.py (PyTorch, OpenMP OpenBLAS, 2 threads) against `neuromorph bench mlp`: 784-256-128-10, batch 64, SGD.
  # The reference script waits (quiet.py, up to QUIET_WAIT s, default its own 1800) for a quiet machine
  # before each epoch; our runs wait the same way before each run, so both are timed alike.
  # QUIET_WAIT=0 times both at once, under whatever load there is.
  local qw="${QUIET_WAIT:-1800}"
  local quiet="import sys; sys.path.insert(0, '$base'); import quiet; w = quiet.wait_quiet; quiet.wait_quiet = lambda **k: w(max_wait=$qw, verbose=False)"
  for r in $(seq 1 "$reps"); do
    "$py" -c "$quiet; quiet.wait_quiet()"
    ./neuromorph bench mlp --epochs 3 --threads 2 --json "$out/mlp-neuromorph-$r.json" > /dev/null
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
      "$py" -c "$quiet; import runpy; sys.argv = ['bench_mnist.py', '--model', 'mlp', '--threads', '2', '--epochs', '3', '--data', '$here/data/mnist']; runpy.run_path('$base/bench_mnist.py', run_name='__main__')" \
      2>/dev/null | tail -n 1 > "$out/mlp-torch-$r.json"
  done
}

stdp() {
  # dc_brian.py (Brian2 C++ standalone) against `neuromorph bench diehl-cook`: seconds per training image, N = 400.
  "$py" "$base/dc_brian.py" --mode standalone --N 400 --images 120 --warmup 20 --out "$out/dc-brian.json" > /dev/null 2>&1 || true
  for r in $(seq 1 "$reps"); do
    ./neuromorph bench diehl-cook --neurons 400 --images 100 --threads 1 --json "$out/dc-neuromorph-$r.json" > /dev/null
  done
}

case "$what" in
  cuba) cuba ;;
  devices) devices ;;
  esn) esn ;;
  mlp) mlp ;;
  stdp) stdp ;;
  all) cuba; devices; esn; mlp; stdp ;;
  table) ;;   # only print the table of what $OUT already holds
  *) echo "usage: bench/compare.sh cuba|devices|esn|mlp|stdp|all|table [REPS]" >&2; exit 2 ;;
esac

"$py" - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
def load(pattern):
    vals = []
    for f in sorted(glob.glob(os.path.join(out, pattern))):
        text = open(f).read().strip()
        for candidate in (text, text.splitlines()[-1] if text else ""):
            try:
                vals.append(json.loads(candidate)); break
            except ValueError:
                pass
    return vals
rows = []
for t in (1, 2):
    nm = [d["figures"]["simulate_seconds"] for d in load(f"cuba-neuromorph-t{t}-*.json")]
    br = [d["loop_s"] for d in load(f"cuba-brian-t{t}-*.json")]
    if nm and br:
        a, b = statistics.median(nm), statistics.median(br)
        rows.append(f"| CUBA 4,000 neurons, 1 s, {t} thread{'s' if t > 1 else ''} | {a:.4f} s (n={len(nm)}, min {min(nm):.4f}) | {b:.4f} s (n={len(br)}, min {min(br):.4f}) | {b / a:.2f}x |")
dev = [d["figures"]["device_updates_per_second"] for d in load("devices-t2-*.json")]
if dev:
    rows.append(f"| one noisy pulse to 10,000,000 devices, 2 threads | {statistics.median(dev):.3g} updates/s (n={len(dev)}, max {max(dev):.3g}) | — | — |")
def pair(label, ours, theirs, unit="s"):
    if ours and theirs:
        a, b = statistics.median(ours), statistics.median(theirs)
        rows.append(f"| {label} | {a:.4g} {unit} (n={len(ours)}) | {b:.4g} {unit} (n={len(theirs)}) | {b / a:.2f}x |")
pair("ESN 1,000 units, 10,000 steps, fit (harvest + ridge), 2 threads vs NumPy",
     [d["figures"]["fit_seconds"] for d in load("esn-neuromorph-*.json")], [d["median_fit_s"] for d in load("esn-numpy-*.json")])
pair("MLP 784-256-128-10, one MNIST epoch, batch 64, 2 threads vs PyTorch",
     [d["figures"]["seconds_per_epoch"] for d in load("mlp-neuromorph-*.json")], [d["median_all_s"] for d in load("mlp-torch-*.json")])
pair("Diehl & Cook N = 400, seconds per training image vs Brian2 C++ standalone",
     [d["figures"]["seconds_per_image"] for d in load("dc-neuromorph-*.json")], [d["mean_s_per_image"] for d in load("dc-brian.json")])
print("| benchmark | Neuromorph (median) | reference (median) | reference / Neuromorph |")
print("|---|---|---|---|")
print("\n".join(rows))
PY
