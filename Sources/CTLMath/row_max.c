// The definition behind CTLMath_max_f32 of include/CTLMath.h: a float32 row's max in AVX2
// lanes (the book's softmax subtracts it from every score), in a function compiled for AVX2
// only (a target attribute), as the exp and log loops are.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <immintrin.h>

int __attribute__((target("avx2"))) CTLMath_max_f32(const float *src, ptrdiff_t count, float *max) {
  __m256 lanes = _mm256_loadu_ps(src);
  __m256 nan = _mm256_cmp_ps(lanes, lanes, _CMP_UNORD_Q);
  ptrdiff_t j = 8;
  for (; j + 8 <= count; j += 8) {
    __m256 v = _mm256_loadu_ps(src + j);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    lanes = _mm256_max_ps(lanes, v);
  }
  if (j < count) {  // the last eight, overlapping what was scanned
    __m256 v = _mm256_loadu_ps(src + count - 8);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    lanes = _mm256_max_ps(lanes, v);
  }
  if (_mm256_movemask_ps(nan) != 0) return 0;
  __m128 half = _mm_max_ps(_mm256_castps256_ps128(lanes), _mm256_extractf128_ps(lanes, 1));
  half = _mm_max_ps(half, _mm_movehl_ps(half, half));
  half = _mm_max_ss(half, _mm_shuffle_ps(half, half, 1));
  *max = _mm_cvtss_f32(half);
  return 1;
}

#endif
