// The definitions behind CTLMath_touch_zeroed_pages and CTLMath_touch_zeroed_offsets of
// include/CTLMath.h. Portable C.
#include "CTLMath.h"

void CTLMath_touch_zeroed_pages(void *base, size_t count, size_t stride) {
  volatile unsigned char *bytes = (volatile unsigned char *)base;
  for (size_t i = 0; i < count; i++) bytes[i * stride] = 0;
}

void CTLMath_touch_zeroed_offsets(void *base, const ptrdiff_t *offsets, size_t count) {
  volatile unsigned char *bytes = (volatile unsigned char *)base;
  for (size_t i = 0; i < count; i++) bytes[offsets[i]] = 0;
}
