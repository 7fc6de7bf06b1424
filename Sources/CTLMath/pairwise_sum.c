// The definitions behind CTLMath_pairwise_sum_f32 and CTLMath_divide_f32 of include/CTLMath.h:
// NumPy's pairwise float32 sum (pairwise_sum_FLOAT of numpy/_core/src/umath/loops_utils.h.src)
// with its eight partial sums as the eight lanes of one AVX2 register, and a row divided by
// its sum in AVX2 lanes (the book's softmax). Each lane adds the same values in the same order
// as NumPy's r[0] … r[7], so the bits are NumPy's. Also the column sums of a matrix, row by row
// (np.sum(m, axis=0), an affine layer's db), 32 columns held in registers down all the rows,
// and a row vector added to every row (the bias after a product): the additions of the loops
// they replace, in their order.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define CTL_AVX2 __attribute__((target("avx2")))

float CTL_AVX2 CTLMath_pairwise_sum_f32(const float *a, ptrdiff_t n) {
  if (n < 8) {
    float res = 0.0f;
    for (ptrdiff_t i = 0; i < n; i++) res += a[i];
    return res;
  }
  if (n <= 128) {
    __m256 r = _mm256_loadu_ps(a);
    ptrdiff_t i = 8;
    for (; i < n - n % 8; i += 8) r = _mm256_add_ps(r, _mm256_loadu_ps(a + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, r);
    float res = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (; i < n; i++) res += a[i];
    return res;
  }
  ptrdiff_t half = n / 2;
  half -= half % 8;
  return CTLMath_pairwise_sum_f32(a, half) + CTLMath_pairwise_sum_f32(a + half, n - half);
}

void CTL_AVX2 CTLMath_divide_f32(float *x, float divisor, ptrdiff_t count) {
  __m256 d = _mm256_set1_ps(divisor);
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) _mm256_storeu_ps(x + j, _mm256_div_ps(_mm256_loadu_ps(x + j), d));
  for (; j < count; j++) x[j] /= divisor;
}

void CTL_AVX2 CTLMath_sum_rows_f32(const float *m, ptrdiff_t rows, ptrdiff_t ld, ptrdiff_t first, ptrdiff_t end,
                                   float *out) {
  ptrdiff_t j = first;
  for (; j + 32 <= end; j += 32) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    for (ptrdiff_t r = 0; r < rows; r++) {
      const float *row = m + r * ld + j;
      s0 = _mm256_add_ps(s0, _mm256_loadu_ps(row));
      s1 = _mm256_add_ps(s1, _mm256_loadu_ps(row + 8));
      s2 = _mm256_add_ps(s2, _mm256_loadu_ps(row + 16));
      s3 = _mm256_add_ps(s3, _mm256_loadu_ps(row + 24));
    }
    _mm256_storeu_ps(out + j, s0);
    _mm256_storeu_ps(out + j + 8, s1);
    _mm256_storeu_ps(out + j + 16, s2);
    _mm256_storeu_ps(out + j + 24, s3);
  }
  for (; j < end; j++) {
    float s = 0.0f;
    for (ptrdiff_t r = 0; r < rows; r++) s += m[r * ld + j];
    out[j] = s;
  }
}

void CTL_AVX2 CTLMath_add_row_vector_f32(float *m, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const float *b) {
  for (ptrdiff_t r = 0; r < rows; r++) {
    float *row = m + r * ld;
    ptrdiff_t j = 0;
    for (; j + 8 <= cols; j += 8) _mm256_storeu_ps(row + j, _mm256_add_ps(_mm256_loadu_ps(row + j), _mm256_loadu_ps(b + j)));
    for (; j < cols; j++) row[j] += b[j];
  }
}

#endif
