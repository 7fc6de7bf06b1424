// OpenBLAS's CBLAS interface, from its pthreads build (Debian libopenblas-pthread-dev, which
// libopenblas-dev brings), by its own directory: the plain <cblas.h> follows Debian's libblas
// alternative and may be another BLAS's. module.modulemap links libopenblas.a (-l:), which
// follows the libopenblas alternative: the pthreads build unless another is selected (the
// OpenMP build's archive would need libgomp, and the link fails). The archive cannot be named
// by its directory: gold, the linker swiftc uses here, does not search -l:DIR/FILE. Not
// libopenblas.so.0: the shared library's ~16,000 symbol relocations cost every process 2–4 ms
// at start-up (`perf stat tl-run --version`: 10.6 → 6.9 ms with OpenBLAS linked in, 6.2 ms with
// libcrypto too). Not through pkg-config: its --libs would add -lopenblas, the shared library.
#include <openblas-pthread/cblas.h>

// Joins OpenBLAS's worker threads, which otherwise spin (sched_yield) for ~0.1 s after the
// library loads and after every threaded call. Not in cblas.h, but exported by OpenBLAS's
// pthreads build (its fork handler calls it); the next threaded call starts them again.
int blas_thread_shutdown_(void);

// OpenBLAS's runtime kernel choice (DYNAMIC_ARCH builds, as Debian's): the constructor picks
// the kernels for the CPU it recognises and falls back to "Prescott" (SSE3) for one it does not
// know (OpenBLAS 0.3.21 on an Emerald Rapids Xeon, family 6 model 207: 3-4x slower sgemm than
// its "SkylakeX" kernels). Declared weak: a build without dynamic kernels lacks them, and
// tlblas_select_core then does nothing.
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

// Re-runs OpenBLAS's kernel choice as OPENBLAS_CORETYPE=name would have made it at load time
// (its force_coretype, which reads only getenv: setenv is unavoidable), then puts the
// variable back as it was (a value OpenBLAS ignored, or none). setenv/unsetenv race with
// getenv on any other thread: call it while the process has one thread (tl-run's entry does,
// via BLASCore.choose); never while a thread is inside BLAS.
// Returns 1 when done, 0 when this OpenBLAS has no dynamic kernels or memory ran out.
static inline int tlblas_select_core(const char *name) {
  if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
  const char *previous = getenv("OPENBLAS_CORETYPE");
  char *saved = previous ? strdup(previous) : NULL;
  if (previous && !saved) return 0;
  setenv("OPENBLAS_CORETYPE", name, 1);
  gotoblas_dynamic_quit();
  gotoblas_dynamic_init();
  if (saved) {
    setenv("OPENBLAS_CORETYPE", saved, 1);
    free(saved);
  } else {
    unsetenv("OPENBLAS_CORETYPE");
  }
  return 1;
}

// The OPENBLAS_CORETYPE this process was started with, or NULL. OpenBLAS 0.3.21 takes it
// (case-insensitively) when it names one of its kernel families; an empty or unknown value it
// reports ("Core not found") and ignores, choosing by the CPU as without it.
static inline const char *tlblas_core_request(void) { return getenv("OPENBLAS_CORETYPE"); }

// What the CPU and the operating system support, by CPUID and XGETBV (x86-64 only; 0 elsewhere):
// 2 for AVX-512 F/CD/DQ/BW/VL with the ZMM state enabled (OpenBLAS's SkylakeX kernels),
// 1 for AVX2 and FMA with the YMM state enabled (its Haswell kernels), 0 otherwise.
static inline int tlblas_cpu_vector_level(void) {
#if defined(__x86_64__)
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  const unsigned osxsave = 1u << 27, fma = 1u << 12;
  if (!(c & osxsave)) return 0;
  unsigned has_fma = (c & fma) != 0;
  unsigned xcr0_lo, xcr0_hi;
  __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
  if ((xcr0_lo & 0x6) != 0x6) return 0;  // XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  const unsigned avx2 = 1u << 5;
  const unsigned avx512 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
  if ((b & avx512) == avx512 && (xcr0_lo & 0xE0) == 0xE0) return 2;  // + opmask, ZMM state
  return ((b & avx2) && has_fma) ? 1 : 0;
#else
  return 0;
#endif
}
