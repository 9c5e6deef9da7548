// The support functions are static inline in include/lede_support.h; this file gives the target a source.
#include "lede_support.h"
