#!/usr/bin/env python3
"""Plots spillway-three-models results: tokens/s and bytes moved, per policy
per case, from the JSON the sample prints with --json (one file per case).

Needs Python 3 and matplotlib:
    pip install matplotlib        (or: apt-get install python3-matplotlib)
--markdown needs nothing beyond Python 3.

Example (docs/benchmarks.md, "Three models on one 23 GiB GPU"):
    b=build/default/bin/spillway-three-models
    $b --json --trace round-robin > rr16.json
    $b --json --trace bursty > bursty16.json
    $b --json --trace zipf > zipf16.json
    $b --json --tokens 1 > rr1.json
    $b --json --tokens 128 > rr128.json
    tools/plot_three_models.py -o docs/img/three-models.png rr1.json rr16.json rr128.json \
        bursty16.json zipf16.json
    tools/plot_three_models.py --markdown rr1.json rr16.json rr128.json bursty16.json zipf16.json
"""
import argparse
import json
import sys

GIB = float(1 << 30)


def gib(value):
    """GiB from a byte count; 0 for null (a real device counts no bytes moved)."""
    return 0.0 if value is None else value / GIB


def cell(value, fmt):
    """A table cell; n/a for null, as the sample's own table shows it. fmt
    "gib" shows a byte count in GiB."""
    if value is None:
        return "n/a"
    return f"{value / GIB:.1f}" if fmt == "gib" else format(value, fmt)
COLORS = {"naive": "#c0504d", "spillway": "#4f81bd", "bound": "#9bbb59"}


def load(paths):
    cases = []
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        for p in doc["policies"]:
            for field in ("policy", "tokens_per_s", "bytes_h2d", "bytes_d2h", "faults",
                          "ratio_to_bound"):
                if field not in p:
                    sys.exit(f"{path}: a policy lacks the field {field!r}")
        label = f'{doc["trace"]}\nN={doc["tokens_per_request"]}'
        if doc.get("clock") == "wall":
            label += f'\n{doc.get("device", "real device")}'
        cases.append((label, {p["policy"]: p for p in doc["policies"]}))
    return cases


def policies_of(cases):
    seen = []
    for _, by_policy in cases:
        for name in by_policy:
            if name not in seen:
                seen.append(name)
    return seen


def markdown(cases):
    print("| case | policy | tokens/s | x bound | H2D GiB | D2H GiB | faults |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for label, by_policy in cases:
        for name, p in by_policy.items():
            print(f'| {label.replace(chr(10), ", ")} | {name} | {p["tokens_per_s"]:.2f} | '
                  f'{p["ratio_to_bound"]:.2f} | {cell(p["bytes_h2d"], "gib")} | '
                  f'{cell(p["bytes_d2h"], "gib")} | '
                  f'{cell(p["faults"], "d")} |')


def plot(cases, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("matplotlib is missing: pip install matplotlib "
                 "(or apt-get install python3-matplotlib)")
    names = policies_of(cases)
    width = 0.8 / len(names)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
    for i, name in enumerate(names):
        xs = [c + (i - (len(names) - 1) / 2) * width for c in range(len(cases))]
        present = [(x, by[name]) for x, (_, by) in zip(xs, cases) if name in by]
        px = [x for x, _ in present]
        bars = top.bar(px, [p["tokens_per_s"] for _, p in present], width,
                       label=name, color=COLORS.get(name))
        top.bar_label(bars, fmt="%.1f", fontsize=7)
        # Null on a real device (not counted): drawn as no bar.
        h2d = [gib(p["bytes_h2d"]) for _, p in present]
        d2h = [gib(p["bytes_d2h"]) for _, p in present]
        bottom.bar(px, h2d, width, color=COLORS.get(name), label=f"{name} host-to-device")
        bottom.bar(px, d2h, width, bottom=h2d, color=COLORS.get(name), alpha=0.45,
                   hatch="//", label=f"{name} device-to-host")
    top.set_yscale("log")
    top.set_ylabel("tokens/s (log scale)")
    top.set_title("Three 13B models on one 23 GiB device (fake, default calibration)")
    top.legend()
    bottom.set_ylabel("GiB moved over the link")
    bottom.legend(fontsize=7, ncol=len(names))
    bottom.set_xticks(range(len(cases)))
    bottom.set_xticklabels([label for label, _ in cases])
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", help="--json outputs, one per case, in plot order")
    parser.add_argument("-o", "--output", default="three-models.png", help="PNG to write")
    parser.add_argument("--markdown", action="store_true",
                        help="print a Markdown table instead of plotting")
    args = parser.parse_args()
    cases = load(args.files)
    if args.markdown:
        markdown(cases)
    else:
        plot(cases, args.output)


if __name__ == "__main__":
    main()
