// OpenBLAS's CBLAS interface (Debian libopenblas-dev, pkg-config "openblas").
#include <cblas.h>

// Joins OpenBLAS's worker threads, which otherwise spin (sched_yield) for ~0.1 s after the
// library loads and after every threaded call. Not in cblas.h, but exported by OpenBLAS's
// pthreads build (its fork handler calls it); the next threaded call starts them again.
int blas_thread_shutdown_(void);
