#include "daemon/stores/memory.h"

#include <cstdlib>  // defines __GLIBC__ with glibc (tested below)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace greenlight::daemon {

void keep_large_allocations_out_of_the_heap() {
#if defined(__GLIBC__)
  // Setting a threshold explicitly turns off glibc's dynamic adjustment of both.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
}

void give_back_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace greenlight::daemon
