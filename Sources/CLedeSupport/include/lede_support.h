#ifndef LEDE_SUPPORT_H
#define LEDE_SUPPORT_H

/// Asks the CPU to start loading the cache line holding `address`, for a read soon (no fault if invalid).
static inline __attribute__((always_inline)) void lede_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
