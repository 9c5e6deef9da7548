// What two cores of this machine allow: the same work on one thread, then on each of two threads at once
// (each pinned to a core), best of ROUNDS. compute: chains of multiplies and xor-shifts in registers (no
// memory). random: random 8-byte reads, one per 64-byte line, from a 64 MB table (the access pattern of
// vocabulary lookups). A speedup below x2 for `compute` is the host sharing the cores, not the program.
//
//   cc -O2 -pthread -o /tmp/two-cores Benchmarks/machine/two-cores.c && /tmp/two-cores [ROUNDS]
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const long table_bytes = 64L << 20;
static uint64_t *table;
static long iterations;
static int mode;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static void *work(void *arg) {
    long cpu = (long)arg;
    cpu_set_t set; CPU_ZERO(&set); CPU_SET(cpu, &set); pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    uint64_t h = 0x9E3779B97F4A7C15ull + cpu, sum = 0;
    if (mode == 0) {
        uint64_t a = h, b = h ^ 1, c = h ^ 2, d = h ^ 3;
        for (long i = 0; i < iterations; i++) {
            a = (a ^ (a >> 33)) * 0xFF51AFD7ED558CCDull; b = (b ^ (b >> 33)) * 0xC4CEB9FE1A85EC53ull;
            c = (c ^ (c >> 29)) * 0xFF51AFD7ED558CCDull; d = (d ^ (d >> 31)) * 0xC4CEB9FE1A85EC53ull;
        }
        sum = a ^ b ^ c ^ d;
    } else {
        long lines = table_bytes / 64;
        for (long i = 0; i < iterations; i++) {
            h = h * 6364136223846793005ull + 1442695040888963407ull;
            sum += table[((h >> 20) % lines) * 8];
        }
    }
    return (void *)(uintptr_t)sum;
}

static double run(int threads) {
    pthread_t t[2];
    double start = now();
    for (long i = 0; i < threads; i++) pthread_create(&t[i], 0, work, (void *)i);
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    return now() - start;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    table = malloc(table_bytes);
    memset(table, 1, table_bytes);
    for (mode = 0; mode < 2; mode++) {
        iterations = mode == 0 ? 400000000L : 40000000L;
        double best1 = 1e9, best2 = 1e9;
        for (int r = 0; r < rounds; r++) {
            double one = run(1), two = run(2);
            if (one < best1) best1 = one;
            if (two < best2) best2 = two;
        }
        printf("%-8s one thread %.3f s, two threads (twice the work) %.3f s: x%.2f\n", mode == 0 ? "compute" : "random",
               best1, best2, 2 * best1 / best2);
    }
    return 0;
}
