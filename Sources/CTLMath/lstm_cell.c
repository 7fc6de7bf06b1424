// The definitions behind CTLMath_add3_f32 and CTLMath_lstm_cell_f32 of include/CTLMath.h: the
// float32 LSTM step's elementwise part in AVX2 lanes, the arithmetic of the Swift lanes it
// replaces (LSTMLanes.forward and VectorExp.tanh in TLKernels/TLLayers) operation for
// operation: every multiply and add rounded by itself (no fma: the functions are compiled for
// AVX2 alone), the constants as the same bit patterns. The Swift code, compiled for baseline
// x86-64, runs the eight lanes as two SSE halves.
#include "CTLMath.h"

#if defined(__x86_64__)

#include <immintrin.h>

#pragma STDC FP_CONTRACT OFF

#define CTL_AVX2 __attribute__((target("avx2")))

static inline CTL_AVX2 __m256 bits(int pattern) { return _mm256_castsi256_ps(_mm256_set1_epi32(pattern)); }

static inline CTL_AVX2 __m256 absolute(__m256 x) { return _mm256_and_ps(x, bits(0x7FFFFFFF)); }

// VectorExp.cephesExp for magnitudes in [0, 88] (the only inputs tanh gives it): Cody-Waite
// reduction by the 1.5·2^23 rounding trick, Cephes' degree-6 polynomial, 2^n added into the
// exponent bits.
static inline CTL_AVX2 __m256 cephes_exp(__m256 x) {
  __m256 magic = bits(0x4B400000);                                    // 12582912
  __m256 shifted = _mm256_add_ps(_mm256_mul_ps(x, bits(0x3FB8AA3B)), magic);  // x·log2 e + magic
  __m256 n = _mm256_sub_ps(shifted, magic);
  __m256 r = _mm256_sub_ps(x, _mm256_mul_ps(n, bits(0x3F318000)));   // 0.693359375
  r = _mm256_sub_ps(r, _mm256_mul_ps(n, bits(0xB95E8083)));          // -2.1219444e-4
  __m256 p = bits(0x39506967);                                        // 1.9875691500e-4
  p = _mm256_add_ps(_mm256_mul_ps(p, r), bits(0x3AB743CE));           // 1.3981999507e-3
  p = _mm256_add_ps(_mm256_mul_ps(p, r), bits(0x3C088908));           // 8.3334519073e-3
  p = _mm256_add_ps(_mm256_mul_ps(p, r), bits(0x3D2AA9C1));           // 4.1665795894e-2
  p = _mm256_add_ps(_mm256_mul_ps(p, r), bits(0x3E2AAAAA));           // 1.6666665459e-1
  p = _mm256_add_ps(_mm256_mul_ps(p, r), bits(0x3F000000));           // 5.0000001201e-1
  __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, _mm256_mul_ps(r, r)), r), bits(0x3F800000));
  __m256i exponent = _mm256_slli_epi32(_mm256_sub_epi32(_mm256_castps_si256(shifted), _mm256_set1_epi32(0x4B400000)), 23);
  return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(y), exponent));
}

// VectorExp.tanh for lanes that hold no NaN: Cephes' odd polynomial below |x| = 0.625,
// 1 - 2/(e^(2|x|) + 1) above (e^(2|x|) capped at e^88), x's sign bit on the magnitude.
static inline CTL_AVX2 __m256 cephes_tanh(__m256 x) {
  __m256 z = _mm256_mul_ps(x, x);
  __m256 p = bits(0xBBBAF0EA);                                        // -5.70498872745e-3
  p = _mm256_add_ps(_mm256_mul_ps(p, z), bits(0x3CA9134E));           // 2.06390887954e-2
  p = _mm256_add_ps(_mm256_mul_ps(p, z), bits(0xBD5C1E2D));           // -5.37397155531e-2
  p = _mm256_add_ps(_mm256_mul_ps(p, z), bits(0x3E088393));           // 1.33314422036e-1
  p = _mm256_add_ps(_mm256_mul_ps(p, z), bits(0xBEAAAA99));           // -3.33332819422e-1
  __m256 small = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(p, z), x), x);
  __m256 magnitude = absolute(x);
  // pointwiseMin(2|x|, 88): the smaller, 88 when equal (the same value either way).
  __m256 e = cephes_exp(_mm256_min_ps(_mm256_mul_ps(magnitude, bits(0x40000000)), bits(0x42B00000)));
  __m256 one = bits(0x3F800000);
  __m256 large = _mm256_sub_ps(one, _mm256_div_ps(bits(0x40000000), _mm256_add_ps(e, one)));
  __m256 chosen = _mm256_blendv_ps(small, large, _mm256_cmp_ps(magnitude, bits(0x3F200000), _CMP_GE_OQ));
  return _mm256_or_ps(absolute(chosen), _mm256_and_ps(x, bits((int)0x80000000)));
}

static inline CTL_AVX2 int has_nan(__m256 x) { return _mm256_movemask_ps(_mm256_cmp_ps(x, x, _CMP_UNORD_Q)) != 0; }

void CTL_AVX2 CTLMath_add3_f32(float *x, const float *p, const float *b, ptrdiff_t count) {
  ptrdiff_t j = 0;
  for (; j + 8 <= count; j += 8) {
    __m256 sum = _mm256_add_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(p + j));
    _mm256_storeu_ps(x + j, _mm256_add_ps(sum, _mm256_loadu_ps(b + j)));
  }
  for (; j < count; j++) x[j] = (x[j] + p[j]) + b[j];
}

ptrdiff_t CTL_AVX2 CTLMath_lstm_cell_f32(float *x, const float *p, const float *b, const float *c_prev,
                                         float *c_next, float *tanh_c, float *h_next, ptrdiff_t h,
                                         ptrdiff_t from) {
  ptrdiff_t j = from;
  for (; j + 8 <= h; j += 8) {
    __m256 f = _mm256_loadu_ps(x + j), i = _mm256_loadu_ps(x + 2 * h + j), o = _mm256_loadu_ps(x + 3 * h + j);
    __m256 a = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x + h + j), _mm256_loadu_ps(p + h + j)),
                             _mm256_loadu_ps(b + h + j));
    if (has_nan(a)) break;
    __m256 g = cephes_tanh(a);
    __m256 c = _mm256_add_ps(_mm256_mul_ps(f, _mm256_loadu_ps(c_prev + j)), _mm256_mul_ps(g, i));
    if (has_nan(c)) break;
    __m256 tc = cephes_tanh(c);
    _mm256_storeu_ps(x + h + j, g);
    _mm256_storeu_ps(c_next + j, c);
    _mm256_storeu_ps(tanh_c + j, tc);
    _mm256_storeu_ps(h_next + j, _mm256_mul_ps(o, tc));
  }
  return j;
}

// One lane block (or, with 1-wide vectors, one unit) of the backward's gate gradients; the
// arithmetic of LSTMCell.backwardStep's loop in its order.
#define CTL_LSTM_BACKWARD(V, load, store, add, sub, mul, one)                                     \
  do {                                                                                            \
    V f = load(x + j), g = load(x + h + j), i = load(x + 2 * h + j), o = load(x + 3 * h + j);     \
    V tc = load(tanh_c + j), dn = load(dh + j);                                                   \
    V ds = add(load(dc + j), mul(mul(dn, o), sub(one, mul(tc, tc))));                             \
    store(dc + j, mul(ds, f));                                                                    \
    store(x + j, mul(mul(ds, load(c_prev + j)), mul(f, sub(one, f))));                            \
    store(x + h + j, mul(mul(ds, i), sub(one, mul(g, g))));                                       \
    store(x + 2 * h + j, mul(mul(ds, g), mul(i, sub(one, i))));                                   \
    store(x + 3 * h + j, mul(mul(dn, tc), mul(o, sub(one, o))));                                  \
  } while (0)

static inline float load1(const float *p) { return *p; }
static inline void store1(float *p, float v) { *p = v; }
static inline float add1(float a, float b) { return a + b; }
static inline float sub1(float a, float b) { return a - b; }
static inline float mul1(float a, float b) { return a * b; }

void CTL_AVX2 CTLMath_lstm_cell_backward_f32(float *x, const float *c_prev, const float *tanh_c, const float *dh,
                                             float *dc, ptrdiff_t h) {
  ptrdiff_t j = 0;
  __m256 one = bits(0x3F800000);
  for (; j + 8 <= h; j += 8) {
    CTL_LSTM_BACKWARD(__m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, one);
  }
  for (; j < h; j++) {
    CTL_LSTM_BACKWARD(float, load1, store1, add1, sub1, mul1, 1.0f);
  }
}

#endif
