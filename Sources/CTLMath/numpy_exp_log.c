// The definitions behind include/CTLMath.h: NumPy's AVX2/FMA3 float32 exp and log, transcribed
// from NumPy 2.4's numpy/_core/src/umath/loops_exponent_log.dispatch.c.src (simd_exp_FLOAT,
// simd_log_FLOAT, simd_range_reduction and the fma_* helpers) with the constants of
// npy_simd_data.h and npy_math.h, for unit stride (NumPy's gather path for other strides gives
// the same bits per lane). What differs from NumPy: no floating-point status flags are raised
// (NumPy's overflow/underflow/invalid/divide-by-zero warnings), full blocks use plain loads and
// stores (NumPy's masked load with an all-ones mask), and fma_get_exponent's `volatile`
// temporary (an optimisation barrier) is an ordinary one. The arithmetic, its order, the
// special-value masks and the tail's masked load and store are NumPy's.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <float.h>
#include <immintrin.h>

// NumPy's loops round every multiply and add by itself; only _mm256_fmadd_ps fuses.
#pragma STDC FP_CONTRACT OFF

#define CTL_AVX2_FMA __attribute__((target("avx2,fma")))

int CTLMath_has_avx2_fma(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// MARK: - NumPy's fma_* helpers (SIMD_AVX2_FMA3)

// fma_get_partial_load_mask_ps: -1.0 in the first num_elem lanes, 1.0 in the others.
static inline CTL_AVX2_FMA __m256 partial_load_mask(int num_elem) {
  static const float maskint[16] = {-1.0f, -1.0f, -1.0f, -1.0f, -1.0f, -1.0f, -1.0f, -1.0f,
                                    1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f,  1.0f};
  return _mm256_loadu_ps(maskint + 8 - num_elem);
}

// fma_get_exponent: the unbiased exponent + 1 as float (m in [0.5, 1)), subnormals scaled by
// 2^100 first.
static inline CTL_AVX2_FMA __m256 get_exponent(__m256 x) {
  __m256 two_power_100 = _mm256_castsi256_ps(_mm256_set1_epi32(0x71800000));
  __m256 denormal_mask = _mm256_cmp_ps(x, _mm256_set1_ps(FLT_MIN), _CMP_LT_OQ);
  __m256 normal_mask = _mm256_cmp_ps(x, _mm256_set1_ps(FLT_MIN), _CMP_GE_OQ);
  __m256 temp1 = _mm256_blendv_ps(x, _mm256_set1_ps(0.0f), normal_mask);
  __m256 temp = _mm256_mul_ps(temp1, two_power_100);
  x = _mm256_blendv_ps(x, temp, denormal_mask);
  __m256 exp = _mm256_cvtepi32_ps(
      _mm256_sub_epi32(_mm256_srli_epi32(_mm256_castps_si256(x), 23), _mm256_set1_epi32(0x7E)));
  __m256 denorm_exp = _mm256_sub_ps(exp, _mm256_set1_ps(100.0f));
  return _mm256_blendv_ps(exp, denorm_exp, denormal_mask);
}

// fma_get_mantissa: the mantissa bits with the exponent of [0.5, 1).
static inline CTL_AVX2_FMA __m256 get_mantissa(__m256 x) {
  __m256 two_power_100 = _mm256_castsi256_ps(_mm256_set1_epi32(0x71800000));
  __m256 denormal_mask = _mm256_cmp_ps(x, _mm256_set1_ps(FLT_MIN), _CMP_LT_OQ);
  __m256 normal_mask = _mm256_cmp_ps(x, _mm256_set1_ps(FLT_MIN), _CMP_GE_OQ);
  __m256 temp1 = _mm256_blendv_ps(x, _mm256_set1_ps(0.0f), normal_mask);
  __m256 temp = _mm256_mul_ps(temp1, two_power_100);
  x = _mm256_blendv_ps(x, temp, denormal_mask);
  __m256i mantissa_bits = _mm256_set1_epi32(0x7fffff);
  __m256i exp_126_bits = _mm256_set1_epi32(126 << 23);
  return _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(_mm256_castps_si256(x), mantissa_bits), exp_126_bits));
}

// fma_scalef_ps: poly * 2^quadrant by exponent bits; for quadrant <= -125 poly * 2^-125 divided
// by 2^(-125 - quadrant), which rounds once into the subnormals.
static inline CTL_AVX2_FMA __m256 scalef(__m256 poly, __m256 quadrant) {
  __m256 minquadrant = _mm256_set1_ps(-125.0f);
  __m256 denormal_mask = _mm256_cmp_ps(quadrant, minquadrant, _CMP_LE_OQ);
  if (_mm256_movemask_ps(denormal_mask) != 0x0000) {
    __m256 quad_diff = _mm256_sub_ps(quadrant, minquadrant);
    quad_diff = _mm256_sub_ps(_mm256_setzero_ps(), quad_diff);
    quad_diff = _mm256_blendv_ps(_mm256_setzero_ps(), quad_diff, denormal_mask);
    __m256i two_power_diff = _mm256_sllv_epi32(_mm256_set1_epi32(1), _mm256_cvtps_epi32(quad_diff));
    quadrant = _mm256_max_ps(quadrant, minquadrant);
    __m256i exponent = _mm256_slli_epi32(_mm256_cvtps_epi32(quadrant), 23);
    poly = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(poly), exponent));
    __m256 denorm_poly = _mm256_div_ps(poly, _mm256_cvtepi32_ps(two_power_diff));
    return _mm256_blendv_ps(poly, denorm_poly, denormal_mask);
  } else {
    __m256i exponent = _mm256_slli_epi32(_mm256_cvtps_epi32(quadrant), 23);
    return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(poly), exponent));
  }
}

// MARK: - One block of eight lanes

// The body of simd_exp_FLOAT's loop on one loaded x.
static inline CTL_AVX2_FMA __m256 exp_block(__m256 x) {
  const __m256 codyw_c1 = _mm256_set1_ps(-6.93145752e-1f);   // NPY_CODY_WAITE_LOGE_2_HIGHf
  const __m256 codyw_c2 = _mm256_set1_ps(-1.42860677e-6f);   // NPY_CODY_WAITE_LOGE_2_LOWf
  const __m256 exp_p0 = _mm256_set1_ps(9.999999999980870924916e-01f);
  const __m256 exp_p1 = _mm256_set1_ps(7.257664613233124478488e-01f);
  const __m256 exp_p2 = _mm256_set1_ps(2.473615434895520810817e-01f);
  const __m256 exp_p3 = _mm256_set1_ps(5.114512081637298353406e-02f);
  const __m256 exp_p4 = _mm256_set1_ps(6.757896990527504603057e-03f);
  const __m256 exp_p5 = _mm256_set1_ps(5.082762527590693718096e-04f);
  const __m256 exp_q0 = _mm256_set1_ps(1.000000000000000000000e+00f);
  const __m256 exp_q1 = _mm256_set1_ps(-2.742335390411667452936e-01f);
  const __m256 exp_q2 = _mm256_set1_ps(2.159509375685829852307e-02f);
  const __m256 cvt_magic = _mm256_set1_ps(0x1.800000p+23f);          // NPY_RINT_CVT_MAGICf
  const __m256 log2e = _mm256_set1_ps(1.442695040888963407359924681001892137F);  // NPY_LOG2Ef
  const __m256 inf = _mm256_set1_ps(__builtin_inff());
  const __m256 zeros_f = _mm256_set1_ps(0.0f);
  const float xmax = 88.72283935546875f;
  const float xmin = -103.97208404541015625f;

  __m256 nan_mask = _mm256_cmp_ps(x, x, _CMP_NEQ_UQ);
  x = _mm256_blendv_ps(x, zeros_f, nan_mask);
  __m256 xmax_mask = _mm256_cmp_ps(x, _mm256_set1_ps(xmax), _CMP_GE_OQ);
  __m256 xmin_mask = _mm256_cmp_ps(x, _mm256_set1_ps(xmin), _CMP_LE_OQ);
  x = _mm256_blendv_ps(x, zeros_f, _mm256_or_ps(_mm256_or_ps(nan_mask, xmin_mask), xmax_mask));

  __m256 quadrant = _mm256_mul_ps(x, log2e);
  // round to nearest
  quadrant = _mm256_add_ps(quadrant, cvt_magic);
  quadrant = _mm256_sub_ps(quadrant, cvt_magic);

  // simd_range_reduction(x, quadrant, c1, c2, zeros_f): Cody-Waite
  x = _mm256_fmadd_ps(quadrant, codyw_c1, x);
  x = _mm256_fmadd_ps(quadrant, codyw_c2, x);
  x = _mm256_fmadd_ps(quadrant, zeros_f, x);

  __m256 num_poly = _mm256_fmadd_ps(exp_p5, x, exp_p4);
  num_poly = _mm256_fmadd_ps(num_poly, x, exp_p3);
  num_poly = _mm256_fmadd_ps(num_poly, x, exp_p2);
  num_poly = _mm256_fmadd_ps(num_poly, x, exp_p1);
  num_poly = _mm256_fmadd_ps(num_poly, x, exp_p0);
  __m256 denom_poly = _mm256_fmadd_ps(exp_q2, x, exp_q1);
  denom_poly = _mm256_fmadd_ps(denom_poly, x, exp_q0);
  __m256 poly = _mm256_div_ps(num_poly, denom_poly);

  poly = scalef(poly, quadrant);

  poly = _mm256_blendv_ps(poly, _mm256_set1_ps(__builtin_nanf("")), nan_mask);
  poly = _mm256_blendv_ps(poly, inf, xmax_mask);
  poly = _mm256_blendv_ps(poly, zeros_f, xmin_mask);
  return poly;
}

// The body of simd_log_FLOAT's loop on one loaded x_in.
static inline CTL_AVX2_FMA __m256 log_block(__m256 x_in) {
  const __m256 log_p0 = _mm256_set1_ps(0.000000000000000000000e+00f);
  const __m256 log_p1 = _mm256_set1_ps(9.999999999999998702752e-01f);
  const __m256 log_p2 = _mm256_set1_ps(2.112677543073053063722e+00f);
  const __m256 log_p3 = _mm256_set1_ps(1.480000633576506585156e+00f);
  const __m256 log_p4 = _mm256_set1_ps(3.808837741388407920751e-01f);
  const __m256 log_p5 = _mm256_set1_ps(2.589979117907922693523e-02f);
  const __m256 log_q0 = _mm256_set1_ps(1.000000000000000000000e+00f);
  const __m256 log_q1 = _mm256_set1_ps(2.612677543073109236779e+00f);
  const __m256 log_q2 = _mm256_set1_ps(2.453006071784736363091e+00f);
  const __m256 log_q3 = _mm256_set1_ps(9.864942958519418960339e-01f);
  const __m256 log_q4 = _mm256_set1_ps(1.546476374983906719538e-01f);
  const __m256 log_q5 = _mm256_set1_ps(5.875095403124574342950e-03f);
  const __m256 loge2 = _mm256_set1_ps(0.693147180559945309417232121458176568F);  // NPY_LOGE2f
  const __m256 nan = _mm256_set1_ps(__builtin_nanf(""));
  const __m256 neg_nan = _mm256_set1_ps(-__builtin_nanf(""));
  const __m256 neg_inf = _mm256_set1_ps(-__builtin_inff());
  const __m256 inf = _mm256_set1_ps(__builtin_inff());
  const __m256 zeros_f = _mm256_set1_ps(0.0f);
  const __m256 ones_f = _mm256_set1_ps(1.0f);

  __m256 negx_mask = _mm256_cmp_ps(x_in, zeros_f, _CMP_LT_OQ);
  __m256 zero_mask = _mm256_cmp_ps(x_in, zeros_f, _CMP_EQ_OQ);
  __m256 inf_mask = _mm256_cmp_ps(x_in, inf, _CMP_EQ_OQ);
  __m256 nan_mask = _mm256_cmp_ps(x_in, x_in, _CMP_NEQ_UQ);

  __m256 x = _mm256_blendv_ps(x_in, zeros_f, negx_mask);

  // set x = normalized mantissa
  __m256 exponent = get_exponent(x);
  x = get_mantissa(x);

  // if x < sqrt(2) {exp = exp-1; x = 2*x}
  __m256 sqrt2_mask =
      _mm256_cmp_ps(x, _mm256_set1_ps(0.707106781186547524400844362104849039F), _CMP_LE_OQ);
  x = _mm256_blendv_ps(x, _mm256_add_ps(x, x), sqrt2_mask);
  exponent = _mm256_blendv_ps(exponent, _mm256_sub_ps(exponent, ones_f), sqrt2_mask);

  // x = x - 1
  x = _mm256_sub_ps(x, ones_f);

  // Polynomial approximation for log(1+x)
  __m256 num_poly = _mm256_fmadd_ps(log_p5, x, log_p4);
  num_poly = _mm256_fmadd_ps(num_poly, x, log_p3);
  num_poly = _mm256_fmadd_ps(num_poly, x, log_p2);
  num_poly = _mm256_fmadd_ps(num_poly, x, log_p1);
  num_poly = _mm256_fmadd_ps(num_poly, x, log_p0);
  __m256 denom_poly = _mm256_fmadd_ps(log_q5, x, log_q4);
  denom_poly = _mm256_fmadd_ps(denom_poly, x, log_q3);
  denom_poly = _mm256_fmadd_ps(denom_poly, x, log_q2);
  denom_poly = _mm256_fmadd_ps(denom_poly, x, log_q1);
  denom_poly = _mm256_fmadd_ps(denom_poly, x, log_q0);
  __m256 poly = _mm256_div_ps(num_poly, denom_poly);
  poly = _mm256_fmadd_ps(exponent, loge2, poly);

  // x < 0.0f: -NAN; x = +/- NAN: NAN; x = 0.0f: -INF; x = +INF: +INF
  poly = _mm256_blendv_ps(poly, nan, nan_mask);
  poly = _mm256_blendv_ps(poly, neg_nan, negx_mask);
  poly = _mm256_blendv_ps(poly, neg_inf, zero_mask);
  poly = _mm256_blendv_ps(poly, inf, inf_mask);
  return poly;
}

// MARK: - The loops: whole blocks, then NumPy's masked load and store for the tail

void CTL_AVX2_FMA CTLMath_exp_shifted_f32(const float *src, float shift, float *dst,
                                          ptrdiff_t count) {
  const __m256 s = _mm256_set1_ps(shift);
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) {
    _mm256_storeu_ps(dst + j, exp_block(_mm256_sub_ps(_mm256_loadu_ps(src + j), s)));
  }
  if (j < count) {
    __m256i load_mask = _mm256_cvtps_epi32(partial_load_mask((int)(count - j)));
    __m256 x = _mm256_sub_ps(_mm256_maskload_ps(src + j, load_mask), s);
    _mm256_maskstore_ps(dst + j, load_mask, exp_block(x));
  }
}

// -x flips the sign bit (NaN too), as NumPy's np.negative does.
static inline CTL_AVX2_FMA __m256 sigmoid_block(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  __m256 negated = _mm256_xor_ps(x, _mm256_set1_ps(-0.0f));
  return _mm256_div_ps(one, _mm256_add_ps(one, exp_block(negated)));
}

void CTL_AVX2_FMA CTLMath_sigmoid_f32(const float *src, float *dst, ptrdiff_t count) {
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) {
    _mm256_storeu_ps(dst + j, sigmoid_block(_mm256_loadu_ps(src + j)));
  }
  if (j < count) {
    __m256i load_mask = _mm256_cvtps_epi32(partial_load_mask((int)(count - j)));
    _mm256_maskstore_ps(dst + j, load_mask, sigmoid_block(_mm256_maskload_ps(src + j, load_mask)));
  }
}

void CTL_AVX2_FMA CTLMath_log_f32(const float *src, float *dst, ptrdiff_t count) {
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) {
    _mm256_storeu_ps(dst + j, log_block(_mm256_loadu_ps(src + j)));
  }
  if (j < count) {
    __m256i load_mask = _mm256_cvtps_epi32(partial_load_mask((int)(count - j)));
    _mm256_maskstore_ps(dst + j, load_mask, log_block(_mm256_maskload_ps(src + j, load_mask)));
  }
}

#else

int CTLMath_has_avx2_fma(void) { return 0; }

#endif
