// Small kernels Swift cannot spell portably: an AVX2 build and a baseline one of each, the AVX2 one
// used when the CPU has it (checked once; no ifunc, which runs before sanitizer runtimes are ready).
#include <stdatomic.h>
#include "lede_support.h"

#define ADD_SCALED_CODES_BODY for (long i = 0; i < count; i++) sum[i] += scale * (float)codes[i];

__attribute__((target("avx2")))
static void add_scaled_codes_avx2(float *restrict sum, const int8_t *restrict codes, float scale, long count) {
    ADD_SCALED_CODES_BODY
}

static void add_scaled_codes_baseline(float *restrict sum, const int8_t *restrict codes, float scale, long count) {
    ADD_SCALED_CODES_BODY
}

/// -1: not checked yet; 0 or 1: whether the CPU has AVX2.
static atomic_int has_avx2 = -1;

void lede_add_scaled_codes(float *sum, const int8_t *codes, float scale, long count) {
    int avx2 = atomic_load_explicit(&has_avx2, memory_order_relaxed);
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
        atomic_store_explicit(&has_avx2, avx2, memory_order_relaxed);
    }
    if (avx2) {
        add_scaled_codes_avx2(sum, codes, scale, count);
    } else {
        add_scaled_codes_baseline(sum, codes, scale, count);
    }
}
