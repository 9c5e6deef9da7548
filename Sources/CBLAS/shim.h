// CBLAS as Debian ships it: the header is an alternatives link to the reference or OpenBLAS one,
// and the symbols live in libblas.so.
#include <cblas.h>
