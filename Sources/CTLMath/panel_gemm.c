// The definitions behind the panel product of include/CTLMath.h: C = A·B for a short A (a
// recurrent step's N ≤ 32 rows) against a B packed once into 16-column panels, with AVX-512F
// intrinsics in functions compiled for that instruction set only (target attributes, no global
// flags). Why not BLAS: each sgemm call re-packs all of B (TimeLSTM's Wh, 650×2600, 6.8 MB)
// for 20 rows of work, and the packing costs as much as the product: Debian's OpenBLAS 0.3.21
// (SkylakeX kernels) gives 70 GFLOP/s on one core for 20×650·650×2600, this loop 121 on
// the same core with B packed once per time loop (best of 40 runs of 35 steps).
//
// Each element of C is one float32 fused multiply-add chain over k in order (c = fma(a[p],
// b[p], c) for p = 0, 1, …, K-1, starting from +0), in a vector lane of its own: the bits do not
// depend on the panel range, the row tiling or the number of threads that share the panels.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include <string.h>

#define CTL_AVX512 __attribute__((target("avx512f")))

enum { PANEL = CTLMATH_PANEL_WIDTH, TILE_ROWS = 20 };

int CTLMath_has_avx512f(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

void CTLMath_pack_panels_f32(const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t k, ptrdiff_t n,
                             float *panels) {
  ptrdiff_t count = (n + PANEL - 1) / PANEL;
  for (ptrdiff_t panel = 0; panel < count; panel++) {
    float *out = panels + panel * k * PANEL;
    ptrdiff_t first = panel * PANEL;
    ptrdiff_t width = n - first < PANEL ? n - first : PANEL;
    if (width < PANEL) memset(out, 0, (size_t)(k * PANEL) * sizeof(float));
    if (transposed) {
      // op(B)[p][j] = b[j·ldb + p]: the panel's rows of b read side by side, written in order.
      const float *rows = b + first * ldb;
      for (ptrdiff_t p = 0; p < k; p++) {
        for (ptrdiff_t q = 0; q < width; q++) out[p * PANEL + q] = rows[q * ldb + p];
      }
    } else {
      for (ptrdiff_t p = 0; p < k; p++) memcpy(out + p * PANEL, b + p * ldb + first, (size_t)width * sizeof(float));
    }
  }
}

void CTLMath_pack_rows_f32(const float *a, ptrdiff_t lda, ptrdiff_t m, ptrdiff_t k, float *rows) {
  for (ptrdiff_t first = 0; first < m; first += TILE_ROWS) {
    ptrdiff_t count = m - first < TILE_ROWS ? m - first : TILE_ROWS;
    float *out = rows + first * k;
    for (ptrdiff_t r = 0; r < count; r++) {
      const float *row = a + (first + r) * lda;
      for (ptrdiff_t p = 0; p < k; p++) out[p * count + r] = row[p];
    }
  }
}

// Rows [0, R) of one row tile (packed: a[p·R + r]) against one panel: R accumulators of 16
// lanes, one chain each. R is a constant at every call and the loops over r are unrolled in
// full (SwiftPM's release build left them rolled, the accumulators on the stack, at half the
// speed), so the accumulators stay in registers and every broadcast is at a constant offset
// from one pointer.
static inline __attribute__((always_inline)) CTL_AVX512 void tile(
  const float *a, const float *panel, ptrdiff_t k, float *c, ptrdiff_t ldc, int width, int accumulate,
  const int R) {
  __m512 acc[TILE_ROWS];
#pragma clang loop unroll(full)
  for (int r = 0; r < R; r++) acc[r] = _mm512_setzero_ps();
  for (ptrdiff_t p = 0; p < k; p++) {
    __m512 column = _mm512_loadu_ps(panel + p * PANEL);
    const float *column_of_a = a + p * R;
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(column_of_a[r]), column, acc[r]);
  }
  __mmask16 mask = (__mmask16)((1u << width) - 1u);
#pragma clang loop unroll(full)
  for (int r = 0; r < R; r++) {
    float *out = c + r * ldc;
    __m512 value = acc[r];
    if (accumulate) value = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, out), value);
    _mm512_mask_storeu_ps(out, mask, value);
  }
}

#define CTL_TILE_CASE(R) \
  case R: tile(a_tile, panel, k, c_tile, ldc, width, accumulate, R); break;

void CTL_AVX512 CTLMath_panel_gemm_f32(const float *rows, ptrdiff_t m, const float *panels, ptrdiff_t k, ptrdiff_t n,
                                       ptrdiff_t first_panel, ptrdiff_t end_panel, float *c, ptrdiff_t ldc,
                                       int accumulate) {
  for (ptrdiff_t index = first_panel; index < end_panel; index++) {
    const float *panel = panels + index * k * PANEL;
    int width = n - index * PANEL < PANEL ? (int)(n - index * PANEL) : PANEL;
    for (ptrdiff_t first = 0; first < m; first += TILE_ROWS) {
      const float *a_tile = rows + first * k;
      float *c_tile = c + first * ldc + index * PANEL;
      switch (m - first < TILE_ROWS ? (int)(m - first) : TILE_ROWS) {
        CTL_TILE_CASE(1) CTL_TILE_CASE(2) CTL_TILE_CASE(3) CTL_TILE_CASE(4) CTL_TILE_CASE(5)
        CTL_TILE_CASE(6) CTL_TILE_CASE(7) CTL_TILE_CASE(8) CTL_TILE_CASE(9) CTL_TILE_CASE(10)
        CTL_TILE_CASE(11) CTL_TILE_CASE(12) CTL_TILE_CASE(13) CTL_TILE_CASE(14) CTL_TILE_CASE(15)
        CTL_TILE_CASE(16) CTL_TILE_CASE(17) CTL_TILE_CASE(18) CTL_TILE_CASE(19) CTL_TILE_CASE(20)
        default: break;
      }
    }
  }
}

#else

int CTLMath_has_avx512f(void) { return 0; }

#endif
