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

/// C = op(A) B in single precision, every element summed in one fixed order whatever the CPU:
/// `C[i][j] = (...((0 + A(i,0) B[0][j]) + A(i,1) B[1][j]) + ...) + A(i,k-1) B[k-1][j]`, each product and
/// each sum rounded once (never fused), as the reference BLAS computes it. A(i, l) is
/// `a[i * a_step_i + l * a_step_l]`: row-major A is (a_step_i = k, a_step_l = 1), its transpose (1, m).
/// B is row-major k x n with rows `ldb` apart; C is row-major m x n with rows `ldc` apart, overwritten.
/// Built for AVX2 and for the baseline (the same bits from both); the first call picks the one the CPU runs.
void lede_gemm_fixed_order(long m, long n, long k, const float *a, long a_step_i, long a_step_l,
                           const float *b, long ldb, float *c, long ldc);

#endif
