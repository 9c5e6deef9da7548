// Small kernels Swift cannot spell portably: an AVX2 build and a baseline one of each, the AVX2 one
// used when the CPU has it (checked once; no ifunc, which runs before sanitizer runtimes are ready).
// A multiply and an add are never fused: every kernel gives the same bits on every x86-64 CPU.
#pragma STDC FP_CONTRACT OFF
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "lede_support.h"

/// -1: not checked yet; 0 or 1: whether the AVX2 kernels run.
static atomic_int use_avx2 = -1;

/// Whether to run the AVX2 kernels: the CPU has AVX2 and LEDE_BASELINE_KERNELS is unset, empty or "0"
/// (set it to compare the two builds, which give the same bits, or to rule them out).
static int avx2_kernels(void) {
    int avx2 = atomic_load_explicit(&use_avx2, memory_order_relaxed);
    if (avx2 < 0) {
        const char *baseline = getenv("LEDE_BASELINE_KERNELS");
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") && !(baseline && *baseline && strcmp(baseline, "0") != 0) ? 1 : 0;
        atomic_store_explicit(&use_avx2, avx2, memory_order_relaxed);
    }
    return avx2;
}

// MARK: - Word-vector codes

// Four rows at a time: each element of sum stays in a register while four rows are added to it, in row
// order, so the sums are those of one row at a time (the same additions in the same order), with a
// quarter of the loads and stores of sum. While four rows are summed, the four `ahead` rows later are
// fetched (their loads then overlap the arithmetic instead of waiting before it).
#define ADD_SCALED_ROWS_BODY                                                                               \
    long r = 0;                                                                                            \
    for (; r + 4 <= rows; r += 4) {                                                                        \
        for (long q = r + ahead; q < r + ahead + 4 && q < rows; q++) {                                     \
            for (long offset = 0; offset < stride; offset += 64) __builtin_prefetch(codes[q] + offset, 0, 3); \
        }                                                                                                  \
        const int8_t *restrict c0 = codes[r], *restrict c1 = codes[r + 1];                                 \
        const int8_t *restrict c2 = codes[r + 2], *restrict c3 = codes[r + 3];                             \
        float s0 = values[r] * row_scale(c0, stride), s1 = values[r + 1] * row_scale(c1, stride);          \
        float s2 = values[r + 2] * row_scale(c2, stride), s3 = values[r + 3] * row_scale(c3, stride);      \
        for (long i = 0; i < count; i++) {                                                                 \
            float t = sum[i];                                                                              \
            t = t + s0 * (float)c0[i];                                                                     \
            t = t + s1 * (float)c1[i];                                                                     \
            t = t + s2 * (float)c2[i];                                                                     \
            t = t + s3 * (float)c3[i];                                                                     \
            sum[i] = t;                                                                                    \
        }                                                                                                  \
    }                                                                                                      \
    for (; r < rows; r++) {                                                                                \
        const int8_t *restrict c = codes[r];                                                               \
        float s = values[r] * row_scale(c, stride);                                                        \
        for (long i = 0; i < count; i++) sum[i] = sum[i] + s * (float)c[i];                                \
    }

/// The scale stored in the last 4 bytes of a row of `stride` bytes.
static inline __attribute__((always_inline)) float row_scale(const int8_t *row, long stride) {
    float scale;
    memcpy(&scale, row + stride - (long)sizeof(float), sizeof(float));
    return scale;
}

__attribute__((target("avx2")))
static void add_scaled_rows_avx2(float *restrict sum, const int8_t *const *codes, const float *values, long rows,
                                 long count, long stride, long ahead) {
    ADD_SCALED_ROWS_BODY
}

static void add_scaled_rows_baseline(float *restrict sum, const int8_t *const *codes, const float *values, long rows,
                                     long count, long stride, long ahead) {
    ADD_SCALED_ROWS_BODY
}

void lede_add_scaled_rows(float *sum, const int8_t *const *codes, const float *values, long rows, long count,
                          long stride, long ahead) {
    if (avx2_kernels()) {
        add_scaled_rows_avx2(sum, codes, values, rows, count, stride, ahead);
    } else {
        add_scaled_rows_baseline(sum, codes, values, rows, count, stride, ahead);
    }
}

// The rows of a document's columns that have one, found by rank (`lede_word_rows`); whether a column
// has a row is as good as random, so each column's entry is written and kept only when it has one.
#define WORD_ROWS_BODY                                                                                     \
    long found = 0;                                                                                        \
    for (long e = 0; e < count; e++) {                                                                     \
        unsigned long column = (unsigned long)columns[e];                                                 \
        uint64_t bits = has_row[column >> 6], bit = column & 63;                                           \
        uint64_t below = bits & ((UINT64_C(1) << bit) - 1);                                                \
        const int8_t *start = table + ((long)rank_before[column >> 6] + __builtin_popcountll(below)) * stride; \
        if (found < ahead) {                                                                               \
            for (long line = 0; line < stride; line += 64) __builtin_prefetch(start + line, 0, 3);         \
        }                                                                                                  \
        rows[found] = start;                                                                               \
        row_values[found] = values[e];                                                                     \
        found += (long)((bits >> bit) & 1);                                                                \
    }                                                                                                      \
    return found;

__attribute__((target("avx2,popcnt")))
static long word_rows_avx2(const int32_t *columns, const float *values, long count, const uint64_t *has_row,
                           const uint32_t *rank_before, const int8_t *table, long stride, long ahead,
                           const int8_t **rows, float *row_values) {
    WORD_ROWS_BODY
}

static long word_rows_baseline(const int32_t *columns, const float *values, long count, const uint64_t *has_row,
                               const uint32_t *rank_before, const int8_t *table, long stride, long ahead,
                               const int8_t **rows, float *row_values) {
    WORD_ROWS_BODY
}

long lede_word_rows(const int32_t *columns, const float *values, long count, const uint64_t *has_row,
                    const uint32_t *rank_before, const int8_t *table, long stride, long ahead,
                    const int8_t **rows, float *row_values) {
    if (avx2_kernels()) {
        return word_rows_avx2(columns, values, count, has_row, rank_before, table, stride, ahead, rows, row_values);
    }
    return word_rows_baseline(columns, values, count, has_row, rank_before, table, stride, ahead, rows, row_values);
}

// MARK: - Fixed-order matrix product

typedef float lede_f8 __attribute__((vector_size(32)));

enum { GEMM_ROWS = 4, GEMM_COLUMNS = 16, GEMM_DEPTH = 256 };

// One block of depth [l0, l1) added to C: a 4 x 16 tile of C is held in eight 8-wide sums while the
// rows of B stream by; the edges run the same additions one element at a time. Each element of C gets
// its terms in increasing l, so tiling and vector width change speed, never bits.
#define GEMM_BLOCK_BODY                                                                                   \
    long i = 0;                                                                                            \
    for (; i + GEMM_ROWS <= m; i += GEMM_ROWS) {                                                           \
        long j = 0;                                                                                        \
        for (; j + GEMM_COLUMNS <= n; j += GEMM_COLUMNS) {                                                 \
            lede_f8 sum[GEMM_ROWS][2];                                                                     \
            for (int r = 0; r < GEMM_ROWS; r++) {                                                          \
                __builtin_memcpy(&sum[r][0], c + (i + r) * ldc + j, sizeof(lede_f8));                      \
                __builtin_memcpy(&sum[r][1], c + (i + r) * ldc + j + 8, sizeof(lede_f8));                  \
            }                                                                                              \
            for (long l = l0; l < l1; l++) {                                                               \
                lede_f8 b0, b1;                                                                            \
                __builtin_memcpy(&b0, b + l * ldb + j, sizeof(lede_f8));                                   \
                __builtin_memcpy(&b1, b + l * ldb + j + 8, sizeof(lede_f8));                               \
                for (int r = 0; r < GEMM_ROWS; r++) {                                                      \
                    float s = a[(i + r) * a_step_i + l * a_step_l];                                        \
                    lede_f8 broadcast = {s, s, s, s, s, s, s, s};                                          \
                    lede_f8 p0 = broadcast * b0, p1 = broadcast * b1;                                      \
                    sum[r][0] = sum[r][0] + p0;                                                            \
                    sum[r][1] = sum[r][1] + p1;                                                            \
                }                                                                                          \
            }                                                                                              \
            for (int r = 0; r < GEMM_ROWS; r++) {                                                          \
                __builtin_memcpy(c + (i + r) * ldc + j, &sum[r][0], sizeof(lede_f8));                      \
                __builtin_memcpy(c + (i + r) * ldc + j + 8, &sum[r][1], sizeof(lede_f8));                  \
            }                                                                                              \
        }                                                                                                  \
        for (; j < n; j++) {                                                                               \
            for (int r = 0; r < GEMM_ROWS; r++) {                                                          \
                float s = c[(i + r) * ldc + j];                                                            \
                for (long l = l0; l < l1; l++) {                                                           \
                    float p = a[(i + r) * a_step_i + l * a_step_l] * b[l * ldb + j];                       \
                    s = s + p;                                                                             \
                }                                                                                          \
                c[(i + r) * ldc + j] = s;                                                                  \
            }                                                                                              \
        }                                                                                                  \
    }                                                                                                      \
    for (; i < m; i++) {                                                                                   \
        for (long l = l0; l < l1; l++) {                                                                   \
            float s = a[i * a_step_i + l * a_step_l];                                                      \
            for (long j = 0; j < n; j++) {                                                                 \
                float p = s * b[l * ldb + j];                                                              \
                c[i * ldc + j] = c[i * ldc + j] + p;                                                       \
            }                                                                                              \
        }                                                                                                  \
    }

__attribute__((target("avx2")))
static void gemm_block_avx2(long m, long n, long l0, long l1, const float *a, long a_step_i, long a_step_l,
                            const float *b, long ldb, float *c, long ldc) {
    GEMM_BLOCK_BODY
}

static void gemm_block_baseline(long m, long n, long l0, long l1, const float *a, long a_step_i, long a_step_l,
                                const float *b, long ldb, float *c, long ldc) {
    GEMM_BLOCK_BODY
}

void lede_gemm_fixed_order(long m, long n, long k, const float *a, long a_step_i, long a_step_l,
                           const float *b, long ldb, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) c[i * ldc + j] = 0;
    }
    int avx2 = avx2_kernels();
    // Depth blocks keep the panels of A and B that a block reads in the cache.
    for (long l0 = 0; l0 < k; l0 += GEMM_DEPTH) {
        long l1 = l0 + GEMM_DEPTH < k ? l0 + GEMM_DEPTH : k;
        if (avx2) {
            gemm_block_avx2(m, n, l0, l1, a, a_step_i, a_step_l, b, ldb, c, ldc);
        } else {
            gemm_block_baseline(m, n, l0, l1, a, a_step_i, a_step_l, b, ldb, c, ldc);
        }
    }
}

// MARK: - Weight rows of a document

/// The float a binary16 bit pattern holds, exactly (every half is a float).
static inline float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
    uint32_t bits;
    if (exponent == 0x1F) {
        bits = sign | 0x7F800000u | (mantissa << 13);  // infinity or NaN
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {  // subnormal half: normalize
        int shift = 0;
        while (!(mantissa & 0x400)) { mantissa <<= 1; shift++; }
        bits = sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3FF) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

// Rows hold `lanes` weights (4 floats or 8 halves at a time, the padding 0): whole vectors, no tails.
#define ACCUMULATE_F32_BODY                                                                               \
    for (long e = 0; e < count; e++) {                                                                     \
        const float *row = (const float *)rows[e];                                                         \
        float x = values[e];                                                                               \
        for (long j = 0; j < lanes; j++) out[j] += x * row[j];                                             \
    }

typedef float lede_f4 __attribute__((vector_size(16)));

// The sums of up to four vectors held in registers across a document's rows: each lane gets the same
// additions in the same order as through memory (the same bits), without a store and a reload of `out`
// per row, whose forwarding latency bounded the loop.
#define ACCUMULATE_IN_REGISTERS(VECTOR, WIDTH, N, LOAD_ROW)                                               \
    do {                                                                                                   \
        VECTOR s[N];                                                                                       \
        for (int v = 0; v < N; v++) memcpy(&s[v], out + WIDTH * v, sizeof(VECTOR));                        \
        for (long e = 0; e < count; e++) {                                                                 \
            float x = values[e];                                                                           \
            VECTOR xs;                                                                                     \
            for (int i = 0; i < WIDTH; i++) xs[i] = x;                                                     \
            for (int v = 0; v < N; v++) {                                                                  \
                VECTOR w = LOAD_ROW(rows[e], v);                                                           \
                s[v] = s[v] + xs * w;                                                                      \
            }                                                                                              \
        }                                                                                                  \
        for (int v = 0; v < N; v++) memcpy(out + WIDTH * v, &s[v], sizeof(VECTOR));                        \
    } while (0)

/// Vector `v` (4 floats) of a Float32 row.
static inline __attribute__((always_inline)) lede_f4 f32_row_vector(const void *row, int v) {
    lede_f4 w;
    memcpy(&w, (const float *)row + 4 * v, sizeof w);
    return w;
}

__attribute__((target("avx2")))
static void accumulate_f32_avx2(float *restrict out, long lanes, const void *const *restrict rows,
                                const float *restrict values, long count) {
    switch (lanes) {
    case 4: ACCUMULATE_IN_REGISTERS(lede_f4, 4, 1, f32_row_vector); return;
    case 8: ACCUMULATE_IN_REGISTERS(lede_f4, 4, 2, f32_row_vector); return;
    case 12: ACCUMULATE_IN_REGISTERS(lede_f4, 4, 3, f32_row_vector); return;
    case 16: ACCUMULATE_IN_REGISTERS(lede_f4, 4, 4, f32_row_vector); return;
    default: ACCUMULATE_F32_BODY
    }
}

static void accumulate_f32_baseline(float *restrict out, long lanes, const void *const *restrict rows,
                                    const float *restrict values, long count) {
    ACCUMULATE_F32_BODY
}

typedef short lede_h8 __attribute__((vector_size(16)));

/// Vector `v` (8 halves, as floats) of a binary16 row.
__attribute__((target("avx2,f16c")))
static inline __attribute__((always_inline)) lede_f8 f16_row_vector(const void *row, int v) {
    lede_h8 h;
    memcpy(&h, (const uint16_t *)row + 8 * v, sizeof h);
    return __builtin_ia32_vcvtph2ps256(h);
}

__attribute__((target("avx2,f16c")))
static void accumulate_f16_avx2(float *restrict out, long lanes, const void *const *restrict rows,
                                const float *restrict values, long count) {
    switch (lanes) {
    case 8: ACCUMULATE_IN_REGISTERS(lede_f8, 8, 1, f16_row_vector); return;
    case 16: ACCUMULATE_IN_REGISTERS(lede_f8, 8, 2, f16_row_vector); return;
    case 24: ACCUMULATE_IN_REGISTERS(lede_f8, 8, 3, f16_row_vector); return;
    case 32: ACCUMULATE_IN_REGISTERS(lede_f8, 8, 4, f16_row_vector); return;
    default: break;
    }
    for (long e = 0; e < count; e++) {
        const uint16_t *row = (const uint16_t *)rows[e];
        float x = values[e];
        lede_f8 xs = {x, x, x, x, x, x, x, x};
        for (long j = 0; j < lanes; j += 8) {
            lede_h8 h;
            memcpy(&h, row + j, 16);
            lede_f8 sum;
            memcpy(&sum, out + j, 32);
            sum = sum + xs * __builtin_ia32_vcvtph2ps256(h);
            memcpy(out + j, &sum, 32);
        }
    }
}

static void accumulate_f16_baseline(float *restrict out, long lanes, const void *const *restrict rows,
                                    const float *restrict values, long count) {
    for (long e = 0; e < count; e++) {
        const uint16_t *row = (const uint16_t *)rows[e];
        float x = values[e];
        for (long j = 0; j < lanes; j++) out[j] += x * half_to_float(row[j]);
    }
}

void lede_accumulate_rows(float *out, long lanes, const void *const *rows, const float *values, long count,
                          int half) {
    static atomic_int use_f16c = -1;
    if (half) {
        int f16c = atomic_load_explicit(&use_f16c, memory_order_relaxed);
        if (f16c < 0) {
            __builtin_cpu_init();
            f16c = avx2_kernels() && __builtin_cpu_supports("f16c") ? 1 : 0;
            atomic_store_explicit(&use_f16c, f16c, memory_order_relaxed);
        }
        if (f16c) {
            accumulate_f16_avx2(out, lanes, rows, values, count);
        } else {
            accumulate_f16_baseline(out, lanes, rows, values, count);
        }
    } else if (avx2_kernels()) {
        accumulate_f32_avx2(out, lanes, rows, values, count);
    } else {
        accumulate_f32_baseline(out, lanes, rows, values, count);
    }
}

float lede_half_to_float(uint16_t h) { return half_to_float(h); }
