/*
 * A log-bucketed latency histogram in the manner of HdrHistogram: values (nanoseconds) below
 * 2^SUB_BITS get one bucket each; above, every power of two is split into 2^(SUB_BITS-1) linear
 * buckets, so a reported percentile is within 1/128 (under 1%) of the true value, from
 * nanoseconds up to hours, in a fixed 84 KB table and O(1) per recorded value.
 */
#ifndef WEFT_BENCH_HISTOGRAM_H
#define WEFT_BENCH_HISTOGRAM_H

#include <stdint.h>
#include <string.h>

#define SUB_BITS 8
#define SUB_COUNT (1u << SUB_BITS)
#define MAX_EXP 40 /* 2^(40 + SUB_BITS) ns is about 39 hours */
#define BUCKETS ((MAX_EXP + 1) * SUB_COUNT)

typedef struct {
    uint64_t counts[BUCKETS];
    uint64_t total;
    uint64_t max;
    double sum;
} histogram_t;

static inline void hist_init(histogram_t *h) { memset(h, 0, sizeof *h); }

/* Bucket e*SUB_COUNT + s holds the values v with v >> e == SUB_COUNT + s (e >= 1), or v == s (e == 0). */
static inline unsigned hist_index(uint64_t v) {
    if (v < SUB_COUNT) return (unsigned)v;
    unsigned e = (unsigned)(63 - __builtin_clzll(v)) - SUB_BITS + 1; /* v >> e lands in [SUB_COUNT/2, SUB_COUNT) */
    if (e > MAX_EXP) return BUCKETS - 1;
    return e * SUB_COUNT + (unsigned)(v >> e);
}

/* The largest value a bucket holds (what a percentile reports: never below the truth). */
static inline uint64_t hist_upper(unsigned index) {
    unsigned e = index / SUB_COUNT, s = index % SUB_COUNT;
    if (e == 0) return s;
    return (((uint64_t)s + 1) << e) - 1;
}

static inline void hist_record(histogram_t *h, uint64_t v) {
    h->counts[hist_index(v)]++;
    h->total++;
    h->sum += (double)v;
    if (v > h->max) h->max = v;
}

/* The value at percentile p (0..100), 0 for an empty histogram. */
static inline double hist_percentile(const histogram_t *h, double p) {
    if (h->total == 0) return 0;
    uint64_t rank = (uint64_t)(p / 100.0 * (double)h->total + 0.5);
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t up = hist_upper(i);
            return (double)(up < h->max ? up : h->max);
        }
    }
    return (double)h->max;
}

static inline double hist_max(const histogram_t *h) { return (double)h->max; }

static inline double hist_mean(const histogram_t *h) { return h->total ? h->sum / (double)h->total : 0; }

#endif
