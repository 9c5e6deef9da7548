#ifndef LEDE_SUPPORT_H
#define LEDE_SUPPORT_H

#include <stdint.h>

/// Asks the CPU to start loading the cache line holding `address`, for a read soon (no fault if invalid).
static inline __attribute__((always_inline)) void lede_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// sum[i] += scale * codes[i] for i < count: one word vector's 8-bit codes added to a document's sum.
/// Built for AVX2 and for the baseline; the first call picks the one the CPU runs.
void lede_add_scaled_codes(float *sum, const int8_t *codes, float scale, long count);

#endif
