// The element loop of the book's Adam.update (common/optimizer.py) for float32 params, as
// NumPy 2 computes it: m and v in float32, the step in float64 (lr_t is a Python float) cast
// back. Plain C so the compiler may vectorise it; each operation is rounded by itself (no
// contraction into fused multiply-adds) and the square root is IEEE's, so the bits equal the
// scalar definition's for every element.
#include "CTLMath.h"

#pragma STDC FP_CONTRACT OFF

// One loop body, expanded three times with constant flags (each expansion vectorised by
// itself): `stored` reads m and v (else they are the zeros of the book's first update, read
// from no memory), `keep` writes them back (else nobody reads them again). With zeros the
// same operations run on +0.0f, so the bits are the stored loop's on zero-filled m and v.
static inline __attribute__((always_inline)) void adam_loop(
  const float *param, float *out, const float *restrict grad, float *restrict m, float *restrict v,
  ptrdiff_t count, float one_minus_beta1, float one_minus_beta2, float eps, double lr_t, int stored, int keep) {
  for (ptrdiff_t k = 0; k < count; k++) {
    float g = grad[k];
    float m0 = stored ? m[k] : 0.0f;
    float v0 = stored ? v[k] : 0.0f;
    float mk = m0 + one_minus_beta1 * (g - m0);
    float vk = v0 + one_minus_beta2 * (g * g - v0);
    if (keep) {
      m[k] = mk;
      v[k] = vk;
    }
    float denominator = __builtin_elementwise_sqrt(vk) + eps;
    out[k] = (float)((double)param[k] - lr_t * (double)mk / (double)denominator);
  }
}

void CTLMath_adam_f32(
  const float *param, float *out, const float *restrict grad, float *restrict m, float *restrict v,
  ptrdiff_t count, float one_minus_beta1, float one_minus_beta2, float eps, double lr_t, int state) {
  switch (state) {
  case CTLMATH_ADAM_STATE_NONE:
    adam_loop(param, out, grad, NULL, NULL, count, one_minus_beta1, one_minus_beta2, eps, lr_t, 0, 0);
    break;
  case CTLMATH_ADAM_STATE_READ:
    adam_loop(param, out, grad, m, v, count, one_minus_beta1, one_minus_beta2, eps, lr_t, 1, 0);
    break;
  default:
    adam_loop(param, out, grad, m, v, count, one_minus_beta1, one_minus_beta2, eps, lr_t, 1, 1);
    break;
  }
}
