// The definition behind CTLMath_touch_pages of include/CTLMath.h. Portable C.
#include "CTLMath.h"

void CTLMath_touch_pages(void *base, size_t count, size_t stride) {
  volatile unsigned char *bytes = (volatile unsigned char *)base;
  for (size_t i = 0; i < count; i++) bytes[i * stride] = bytes[i * stride];
}
