"""Benchmark: the plan PDF, about 12 and about 30 pages of Chinese text.

Times render_plan_pdf (template + Gantt SVG + WeasyPrint) over several runs, and
WeasyPrint alone on the very same HTML and stylesheet; prints the medians, the
size and the page count, and our overhead as a ratio. Run by `make bench`.
"""

import statistics
import sys
import time

from weasyprint import HTML

from plans.pdf import PDF_TEMPLATES, _stylesheet, plan_html, render_plan_pdf
from tests.benchmarks.plan_sample import sample_document

RUNS = 7
# Prose multipliers: 1 gives a plan of about 12 A4 pages, 4 one of about 30.
REPEATS = (1, 4)


def timed(*functions):
    """Median seconds and last result of each function, the runs interleaved so
    that a machine busy with something else slows all of them alike."""
    for function in functions:
        function()  # warm-up: font loading, caches
    times = [[] for _ in functions]
    results = [None] * len(functions)
    for _ in range(RUNS):
        for index, function in enumerate(functions):
            start = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - start)
    return [(statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def weasyprint_alone(html):
    return HTML(string=html, base_url=str(PDF_TEMPLATES)).write_pdf(
        stylesheets=[_stylesheet()]
    )


def measure(repeat):
    document = sample_document(repeat=repeat, draft=True)
    html = plan_html(document)
    ((template, _html),) = timed(lambda: plan_html(document))
    (ours, pdf), (alone, pdf_alone) = timed(
        lambda: render_plan_pdf(document), lambda: weasyprint_alone(html)
    )
    pages = len(
        HTML(string=html, base_url=str(PDF_TEMPLATES))
        .render(stylesheets=[_stylesheet()])
        .pages
    )
    print(
        f"\nPlan PDF, {pages} pages: median of {RUNS} interleaved runs after a warm-up"
    )
    print(f"{'what':<30} {'median s':>9} {'bytes':>10}")
    for what, seconds, size in (
        ("plan_html (template + Gantt)", template, len(html.encode())),
        ("render_plan_pdf", ours, len(pdf)),
        ("WeasyPrint alone, same HTML", alone, len(pdf_alone)),
    ):
        print(f"{what:<30} {seconds:>9.3f} {size:>10}")
    print(f"{'overhead (ours / alone)':<30} {ours / alone:>9.3f}")
    return pages


def main():
    pages = [measure(repeat) for repeat in REPEATS]
    if pages[-1] < 25:
        print(f"\nexpected about 30 pages, got {pages[-1]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
