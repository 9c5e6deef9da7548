// CBLAS as Debian ships it (libblas-dev): the header is an alternatives link to the reference or OpenBLAS
// one, and the symbols live in libblas.so. Only the benchmarks link it, to compare Lede's kernels with it.
#include <cblas.h>
