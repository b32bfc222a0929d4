"""What each template reaches with its own settings on its bundled (offline) dataset, against
the figure its article reports: the figures the window gives as "expect about" beside each
template's recipe (``resources/templates/index.json``, ``sample``).

Each template is trained once, as the window's Train does (``run_training``), with its template's
settings and seed 0, and evaluated on its test set. A template whose recorded
``sample`` figure is more than ``TOLERANCE`` away from what this run measures is reported, so
the figures in the window stay true to what the app does.

    python benchmarks/template_figures.py [TEMPLATE ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from nnstudio.core import templates
from nnstudio.core.articles import article_of
from nnstudio.core.datasets import load_dataset
from nnstudio.core.training.loop import Reporter
from nnstudio.core.training.runner import run_training

#: How far (in the metric's units) a measured figure may be from the recorded one.
TOLERANCE = 0.02


def measure(template) -> dict:
    began = time.perf_counter()
    settings = template.training.replace(seed=0)
    dataset = load_dataset(template.dataset)
    result = run_training(
        template.architecture, dataset, settings, template.dataset, 1, Reporter()
    ).result
    article = article_of(template.id)
    metric = article.metric if article else "accuracy"
    value = (result.test or {}).get(metric)
    row = {
        "template": template.id,
        "metric": metric,
        "measured": value,
        "recorded": article.sample if article else None,
        "article": article.figure_text if article else None,
        "seconds": round(time.perf_counter() - began, 1),
    }
    row["agrees"] = (value is not None and row["recorded"] is not None) and abs(
        value - row["recorded"]
    ) <= TOLERANCE
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("templates", nargs="*", help="template ids (default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = [t for t in templates() if not args.templates or t.id in args.templates]
    rows = []
    for template in chosen:
        row = measure(template)
        rows.append(row)
        if not args.json:
            measured = "—" if row["measured"] is None else f"{row['measured']:.4f}"
            recorded = "—" if row["recorded"] is None else f"{row['recorded']:.4f}"
            print(
                f"{row['template']:<30} {row['metric']:<9} measured {measured}  recorded "
                f"{recorded}  ({row['seconds']} s){'' if row['agrees'] else '  DIFFERS'}",
                flush=True,
            )
    if args.json:
        print(json.dumps(rows))
    return 0 if all(row["agrees"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
