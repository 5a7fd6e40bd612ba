/* The compact per-cycle series: a chunk of rows stored column by column, each
 * value as the zigzag varint of its difference from the row above. Counters
 * barely move between cycles, so most values take one byte: a million
 * cycles of twenty columns is tens of megabytes raw and a few here. */
#include <math.h>
#include <stdlib.h>

#include "records_priv.h"

static size_t bench_codec_put(unsigned char *p, int64_t d)
{
	uint64_t z = ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
	size_t n = 0;

	while (z >= 0x80) {
		p[n++] = (unsigned char)(z | 0x80);
		z >>= 7;
	}
	p[n++] = (unsigned char)z;
	return n;
}

static bool bench_codec_get(const unsigned char *p, size_t n, size_t *at, int64_t *d)
{
	uint64_t z = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char b;

		if (*at >= n)
			return false;
		b = p[(*at)++];
		z |= (uint64_t)(b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*d = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
			return true;
		}
	}
	return false;
}

size_t bench_records_encode(const struct bench_cycle_series *s, unsigned long row_from,
			    unsigned long rows, unsigned char **out)
{
	/* A varint of a 64-bit value takes at most 10 bytes. */
	unsigned char *p = malloc(((size_t)rows * (s->ncols + 1) + 1) * 10);
	size_t n = 0;
	int64_t prev = 0;

	*out = p;
	if (p == NULL)
		return 0;
	for (unsigned long r = 0; r < rows; r++) {
		int64_t ns = (int64_t)llround(s->cycle_us[row_from + r] * 1000.0);

		n += bench_codec_put(p + n, ns - prev);
		prev = ns;
	}
	for (size_t c = 0; c < s->ncols; c++) {
		prev = 0;
		for (unsigned long r = 0; r < rows; r++) {
			int64_t v = bench_cycle_value(s, row_from + r, c);

			n += bench_codec_put(p + n, v - prev);
			prev = v;
		}
	}
	return n > 0 ? n : 1;
}

bool bench_records_decode(const unsigned char *p, size_t n, unsigned long rows, size_t ncols,
			  int64_t *dst, size_t stride, double *us)
{
	size_t at = 0;
	int64_t v = 0, d;

	for (unsigned long r = 0; r < rows; r++) {
		if (!bench_codec_get(p, n, &at, &d))
			return false;
		v += d;
		if (us != NULL)
			us[r] = (double)v / 1000.0;
	}
	for (size_t c = 0; c < ncols; c++) {
		v = 0;
		for (unsigned long r = 0; r < rows; r++) {
			if (!bench_codec_get(p, n, &at, &d))
				return false;
			v += d;
			if (dst != NULL)
				dst[c * stride + r] = v;
		}
	}
	return at == n;
}
