// The element loop of the book's Adam.update (common/optimizer.py) for float32 params, as
// NumPy 2 computes it: m and v in float32, the step in float64 (lr_t is a Python float) cast
// back. Plain C so the compiler may vectorise it; each operation is rounded by itself (no
// contraction into fused multiply-adds) and the square root is IEEE's, so the bits equal the
// scalar definition's for every element.
#include "CTLMath.h"

#pragma STDC FP_CONTRACT OFF

void CTLMath_adam_f32(
  const float *param, float *out, const float *restrict grad, float *restrict m, float *restrict v,
  ptrdiff_t count, float one_minus_beta1, float one_minus_beta2, float eps, double lr_t) {
  for (ptrdiff_t k = 0; k < count; k++) {
    float g = grad[k];
    float mk = m[k] + one_minus_beta1 * (g - m[k]);
    float vk = v[k] + one_minus_beta2 * (g * g - v[k]);
    m[k] = mk;
    v[k] = vk;
    float denominator = __builtin_elementwise_sqrt(vk) + eps;
    out[k] = (float)((double)param[k] - lr_t * (double)mk / (double)denominator);
  }
}
