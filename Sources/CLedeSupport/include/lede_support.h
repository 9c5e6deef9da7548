#ifndef LEDE_SUPPORT_H
#define LEDE_SUPPORT_H

#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/// Asks the CPU to start loading the cache line holding `address`, for a read soon (no fault if invalid).
static inline __attribute__((always_inline)) void lede_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// `value`, which the compiler may not look through: a mask made from a condition stays a mask, so
/// that a test on it is not split into a branch on the condition (for conditions as good as random).
static inline __attribute__((always_inline)) uint64_t lede_opaque(uint64_t value) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(value));
#endif
    return value;
}

/// Lists the rows of a document's word-vector columns: for each e < count in order whose column c =
/// columns[e] has bit c of `has_row` set, the address `table + (rank_before[c / 64] + popcount(has_row[c / 64]
/// & (2^(c % 64) - 1))) * stride` in rows and values[e] in row_values; returns how many. The lines of the
/// first `ahead` rows are fetched as they are found. An entry past the last kept one may be written (at
/// most `count` are). With POPCNT where the CPU has AVX2 (the first call picks), else the baseline.
long lede_word_rows(const int32_t *columns, const float *values, long count, const uint64_t *has_row,
                    const uint32_t *rank_before, const int8_t *table, long stride, long ahead,
                    const int8_t **rows, float *row_values);

/// For each row r < rows in order, sum[i] = sum[i] + (values[r] * scale_r) * codes[r][i] for i < count,
/// where scale_r is the float in the last 4 bytes of row r's `stride` bytes: a document's word vectors
/// (8-bit codes, a multiple of 64 bytes a row) added to its sum, each element's additions in row order.
/// Built for AVX2 and for the baseline; the first call picks the one the CPU runs. While rows r...r+3 are
/// added, rows r+ahead...r+ahead+3 are fetched: the caller fetches the first `ahead` rows itself.
void lede_add_scaled_rows(float *sum, const int8_t *const *codes, const float *values, long rows, long count,
                          long stride, long ahead);

/// C = op(A) B in single precision, every element summed in one fixed order whatever the CPU:
/// `C[i][j] = (...((0 + A(i,0) B[0][j]) + A(i,1) B[1][j]) + ...) + A(i,k-1) B[k-1][j]`, each product and
/// each sum rounded once (never fused), as the reference BLAS computes it. A(i, l) is
/// `a[i * a_step_i + l * a_step_l]`: row-major A is (a_step_i = k, a_step_l = 1), its transpose (1, m).
/// B is row-major k x n with rows `ldb` apart; C is row-major m x n with rows `ldc` apart, overwritten.
/// Built for AVX2 and for the baseline (the same bits from both); the first call picks the one the CPU runs.
void lede_gemm_fixed_order(long m, long n, long k, const float *a, long a_step_i, long a_step_l,
                           const float *b, long ldb, float *c, long ldc);

/// What the tokenizer needs to know about 64 bytes of text, one bit per byte (bit i: byte i).
typedef struct {
    /// ASCII letters and digits.
    uint64_t word;
    /// U+0027 apostrophes.
    uint64_t apostrophe;
    /// Bytes the fast path leaves to the full rules: non-ASCII (>= 0x80) and NUL.
    uint64_t special;
} lede_text_masks;

/// The masks of the 64 bytes at `p` (SSE2, in every x86-64 CPU; a byte loop elsewhere).
static inline __attribute__((always_inline)) lede_text_masks lede_classify64(const uint8_t *p) {
    lede_text_masks m = {0, 0, 0};
#if defined(__x86_64__)
    const __m128i zero = _mm_setzero_si128(), digit0 = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i lower_a = _mm_set1_epi8('a'), z25 = _mm_set1_epi8(25), case_bit = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8(0x27);
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i d = _mm_sub_epi8(x, digit0);                                   // '0'...'9' -> 0...9
        __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
        __m128i l = _mm_sub_epi8(_mm_or_si128(x, case_bit), lower_a);         // letters -> 0...25
        __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(l, z25), l);
        uint64_t word = (uint16_t)_mm_movemask_epi8(_mm_or_si128(is_digit, is_letter));
        uint64_t high = (uint16_t)_mm_movemask_epi8(x);                        // bytes >= 0x80
        uint64_t nul = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero));
        uint64_t apostrophe = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote));
        m.word |= (word & ~high) << (16 * k);
        m.special |= (high | nul) << (16 * k);
        m.apostrophe |= apostrophe << (16 * k);
    }
#else
    for (int i = 0; i < 64; i++) {
        uint8_t b = p[i], l = b | 0x20;
        if ((b >= '0' && b <= '9') || (l >= 'a' && l <= 'z')) m.word |= 1ull << i;
        if (b == 0x27) m.apostrophe |= 1ull << i;
        if (b >= 0x80 || b == 0) m.special |= 1ull << i;
    }
#endif
    return m;
}

/// Copies `count` bytes (at most 64) from `source` to `target` with bit 0x20 set in each: ASCII letters
/// lowercased, digits and apostrophes unchanged. Reads and writes whole 16-byte blocks: up to 15 bytes
/// past `count` must be readable at `source` and writable at `target`.
static inline __attribute__((always_inline)) void lede_copy_lowercased(uint8_t *target, const uint8_t *source, long count) {
#if defined(__x86_64__)
    const __m128i case_bit = _mm_set1_epi8(0x20);
    for (long k = 0; k < count; k += 16) {
        _mm_storeu_si128((__m128i *)(target + k), _mm_or_si128(_mm_loadu_si128((const __m128i *)(source + k)), case_bit));
    }
#else
    for (long k = 0; k < count; k++) target[k] = source[k] | 0x20;
#endif
}

/// For the 16 tags at `p`: bit i of the low half set when tag i is `tag`, bit 16 + i when tag i is 0
/// (an empty slot). SSE2 on x86-64, a loop elsewhere.
static inline __attribute__((always_inline)) uint32_t lede_tag_masks16(const uint8_t *p, uint8_t tag) {
#if defined(__x86_64__)
    __m128i t = _mm_loadu_si128((const __m128i *)p);
    uint32_t match = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t, _mm_set1_epi8((char)tag)));
    uint32_t empty = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t, _mm_setzero_si128()));
    return match | empty << 16;
#else
    uint32_t masks = 0;
    for (int i = 0; i < 16; i++) {
        if (p[i] == tag) masks |= 1u << i;
        if (p[i] == 0) masks |= 1u << (16 + i);
    }
    return masks;
#endif
}

/// out[j] += values[e] * rows[e][j] for j < lanes, for each e < count in order: a document's margins
/// from the weight rows of its features, each row `lanes` floats (`half` = 0; lanes a multiple of 4) or
/// binary16 values (`half` = 1; lanes a multiple of 8). Each product and each sum rounded once, in this
/// order, on every CPU (AVX2 + F16C or baseline, picked on the first call: the same bits).
void lede_accumulate_rows(float *out, long lanes, const void *const *rows, const float *values, long count,
                          int half);

/// The float a binary16 bit pattern holds (exact).
float lede_half_to_float(uint16_t h);

#endif
