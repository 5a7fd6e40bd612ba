/* The page assets compiled into the library (bench/report/, embedded by
 * bench/report/embed.py at build time): uPlot with its licence, and ours. */
#ifndef BENCH_REPORT_ASSETS_H
#define BENCH_REPORT_ASSETS_H

#include <stddef.h>

#include "internal.h"

BENCH_INTERNAL extern const char bench_asset_uplot_js[], bench_asset_uplot_css[],
	bench_asset_uplot_license[], bench_asset_report_js[], bench_asset_report_css[];
BENCH_INTERNAL extern const size_t bench_asset_uplot_js_len, bench_asset_uplot_css_len,
	bench_asset_uplot_license_len, bench_asset_report_js_len, bench_asset_report_css_len;

#endif
