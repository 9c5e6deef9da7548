// Small kernels Swift cannot spell portably: CPU-specific versions chosen at load time (ifunc).
#include "lede_support.h"

__attribute__((target_clones("avx2", "default")))
void lede_add_scaled_codes(float *restrict sum, const int8_t *restrict codes, float scale, long count) {
    for (long i = 0; i < count; i++) sum[i] += scale * (float)codes[i];
}
