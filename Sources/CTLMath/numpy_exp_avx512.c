// The AVX-512F loops behind CTLMath_exp_shifted_f32_avx512 and CTLMath_sigmoid_f32_avx512 of
// include/CTLMath.h: numpy_exp_log.c's exp block (NumPy's AVX2/FMA3 simd_exp_FLOAT) on sixteen
// lanes, operation for operation: the same multiplies, adds, fused multiply-adds, division and
// exponent-bit scaling (NumPy's fma_scalef_ps emulation, not the AVX-512 scalef instruction),
// each lane's arithmetic the AVX2 loop's, so the bits are the same (the tests compare the two
// over NumPy's fixture and a sweep of float32 bit patterns). The blocks of sixteen run here;
// the last fewer than sixteen go to the AVX2 loop.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define CTL_AVX512 __attribute__((target("avx512f")))

// numpy_exp_log.c's scalef on sixteen lanes.
static inline CTL_AVX512 __m512 scalef16(__m512 poly, __m512 quadrant) {
  __m512 minquadrant = _mm512_set1_ps(-125.0f);
  __mmask16 denormal_mask = _mm512_cmp_ps_mask(quadrant, minquadrant, _CMP_LE_OQ);
  if (denormal_mask != 0) {
    __m512 quad_diff = _mm512_sub_ps(quadrant, minquadrant);
    quad_diff = _mm512_sub_ps(_mm512_setzero_ps(), quad_diff);
    quad_diff = _mm512_mask_blend_ps(denormal_mask, _mm512_setzero_ps(), quad_diff);
    __m512i two_power_diff = _mm512_sllv_epi32(_mm512_set1_epi32(1), _mm512_cvtps_epi32(quad_diff));
    quadrant = _mm512_max_ps(quadrant, minquadrant);
    __m512i exponent = _mm512_slli_epi32(_mm512_cvtps_epi32(quadrant), 23);
    poly = _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(poly), exponent));
    __m512 denorm_poly = _mm512_div_ps(poly, _mm512_cvtepi32_ps(two_power_diff));
    return _mm512_mask_blend_ps(denormal_mask, poly, denorm_poly);
  }
  __m512i exponent = _mm512_slli_epi32(_mm512_cvtps_epi32(quadrant), 23);
  return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(poly), exponent));
}

// numpy_exp_log.c's exp_block on sixteen lanes.
static inline CTL_AVX512 __m512 exp_block16(__m512 x) {
  const __m512 codyw_c1 = _mm512_set1_ps(-6.93145752e-1f);
  const __m512 codyw_c2 = _mm512_set1_ps(-1.42860677e-6f);
  const __m512 exp_p0 = _mm512_set1_ps(9.999999999980870924916e-01f);
  const __m512 exp_p1 = _mm512_set1_ps(7.257664613233124478488e-01f);
  const __m512 exp_p2 = _mm512_set1_ps(2.473615434895520810817e-01f);
  const __m512 exp_p3 = _mm512_set1_ps(5.114512081637298353406e-02f);
  const __m512 exp_p4 = _mm512_set1_ps(6.757896990527504603057e-03f);
  const __m512 exp_p5 = _mm512_set1_ps(5.082762527590693718096e-04f);
  const __m512 exp_q0 = _mm512_set1_ps(1.000000000000000000000e+00f);
  const __m512 exp_q1 = _mm512_set1_ps(-2.742335390411667452936e-01f);
  const __m512 exp_q2 = _mm512_set1_ps(2.159509375685829852307e-02f);
  const __m512 cvt_magic = _mm512_set1_ps(0x1.800000p+23f);
  const __m512 log2e = _mm512_set1_ps(1.442695040888963407359924681001892137F);
  const __m512 zeros_f = _mm512_setzero_ps();
  const float xmax = 88.72283935546875f;
  const float xmin = -103.97208404541015625f;

  __mmask16 nan_mask = _mm512_cmp_ps_mask(x, x, _CMP_NEQ_UQ);
  x = _mm512_mask_blend_ps(nan_mask, x, zeros_f);
  __mmask16 xmax_mask = _mm512_cmp_ps_mask(x, _mm512_set1_ps(xmax), _CMP_GE_OQ);
  __mmask16 xmin_mask = _mm512_cmp_ps_mask(x, _mm512_set1_ps(xmin), _CMP_LE_OQ);
  x = _mm512_mask_blend_ps(nan_mask | xmin_mask | xmax_mask, x, zeros_f);

  __m512 quadrant = _mm512_mul_ps(x, log2e);
  quadrant = _mm512_add_ps(quadrant, cvt_magic);
  quadrant = _mm512_sub_ps(quadrant, cvt_magic);

  x = _mm512_fmadd_ps(quadrant, codyw_c1, x);
  x = _mm512_fmadd_ps(quadrant, codyw_c2, x);
  x = _mm512_fmadd_ps(quadrant, zeros_f, x);

  __m512 num_poly = _mm512_fmadd_ps(exp_p5, x, exp_p4);
  num_poly = _mm512_fmadd_ps(num_poly, x, exp_p3);
  num_poly = _mm512_fmadd_ps(num_poly, x, exp_p2);
  num_poly = _mm512_fmadd_ps(num_poly, x, exp_p1);
  num_poly = _mm512_fmadd_ps(num_poly, x, exp_p0);
  __m512 denom_poly = _mm512_fmadd_ps(exp_q2, x, exp_q1);
  denom_poly = _mm512_fmadd_ps(denom_poly, x, exp_q0);
  __m512 poly = _mm512_div_ps(num_poly, denom_poly);

  poly = scalef16(poly, quadrant);

  poly = _mm512_mask_blend_ps(nan_mask, poly, _mm512_set1_ps(__builtin_nanf("")));
  poly = _mm512_mask_blend_ps(xmax_mask, poly, _mm512_set1_ps(__builtin_inff()));
  poly = _mm512_mask_blend_ps(xmin_mask, poly, zeros_f);
  return poly;
}

void CTL_AVX512 CTLMath_exp_shifted_f32_avx512(const float *src, float shift, float *dst, ptrdiff_t count) {
  const __m512 s = _mm512_set1_ps(shift);
  ptrdiff_t j = 0;
  for (; j + 16 <= count; j += 16) {
    _mm512_storeu_ps(dst + j, exp_block16(_mm512_sub_ps(_mm512_loadu_ps(src + j), s)));
  }
  if (j < count) CTLMath_exp_shifted_f32(src + j, shift, dst + j, count - j);
}

void CTL_AVX512 CTLMath_sigmoid_f32_avx512(const float *src, float *dst, ptrdiff_t count) {
  const __m512 one = _mm512_set1_ps(1.0f);
  ptrdiff_t j = 0;
  for (; j + 16 <= count; j += 16) {
    // -x flips the sign bit (NaN too), as NumPy's np.negative does.
    __m512 negated = _mm512_castsi512_ps(
        _mm512_xor_si512(_mm512_castps_si512(_mm512_loadu_ps(src + j)), _mm512_set1_epi32((int)0x80000000)));
    _mm512_storeu_ps(dst + j, _mm512_div_ps(one, _mm512_add_ps(one, exp_block16(negated))));
  }
  if (j < count) CTLMath_sigmoid_f32(src + j, dst + j, count - j);
}

#endif
