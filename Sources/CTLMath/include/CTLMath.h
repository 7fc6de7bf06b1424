// Loops in C for TLKernels (its only importer), each in functions compiled for the instructions
// it needs only (target attributes, no global flags), so the package still runs on a baseline
// x86-64 CPU, where the CTLMath_has_* checks are 0 and the caller takes its own path:
// - NumPy's float32 exp and log loops (simd_exp_FLOAT, simd_log_FLOAT of NumPy 2.4's
//   numpy/_core/src/umath/loops_exponent_log.dispatch.c.src, the AVX2/FMA3 build) over
//   contiguous buffers (NumPyExp, NumPyLog keep the portable Swift emulation as fallback and
//   reference), exp and σ also on sixteen AVX-512F lanes; a row's max, NumPy's pairwise sum and
//   a row's division for the softmax, a matrix's column sums and bias add (VectorMax, VectorSum),
//   in AVX2 lanes;
// - the recurrent step's product on panels of Wh, AVX-512F (PanelProduct);
// - the LSTM step's gate sums, cell update and backward gate gradients in AVX2 lanes, the Swift
//   lanes' bits (LSTMCellLanes);
// - Adam's float32 step, and the first write to fresh pages (Kernel.zerosFaultedIn, Kernel.zeros(_:shape:faultingInRows:)),
//   portable C.
#ifndef CTLMATH_H
#define CTLMATH_H

#include <stddef.h>

// 1 when these loops can run here: an x86-64 build on a CPU (and OS) with AVX2 and FMA3
// (__builtin_cpu_supports). 0 otherwise, then none of the functions below may be called.
int CTLMath_has_avx2_fma(void);

#if defined(__x86_64__)
// dst[j] = np.exp(src[j] - shift) for 0 <= j < count, the subtraction in float32 first (the
// book's softmax). dst may be src. Lanes are independent: the bits do not depend on count.
void CTLMath_exp_shifted_f32(const float *src, float shift, float *dst, ptrdiff_t count);

// dst[j] = 1 / (1 + np.exp(-src[j])) in float32 (the book's sigmoid). dst may be src.
void CTLMath_sigmoid_f32(const float *src, float *dst, ptrdiff_t count);

// dst[j] = np.log(src[j]) for 0 <= j < count. dst may be src.
void CTLMath_log_f32(const float *src, float *dst, ptrdiff_t count);

// The largest of src[0 ..< count] (count >= 8) into *max, returning 1; returns 0 (and leaves
// *max) when one of them is NaN. Of +0 and -0 either may be the result. Needs AVX2 only.
int CTLMath_max_f32(const float *src, ptrdiff_t count, float *max);
#endif

#if defined(__x86_64__)
// x[j] = (x[j] + p[j]) + b[j] for 0 <= j < count in float32, each add rounded (the LSTM's gate
// sums A = x·Wx + h·Wh + b). Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
void CTLMath_add3_f32(float *x, const float *p, const float *b, ptrdiff_t count);

// The float32 LSTM step's cell update for one row, eight hidden units at a time from `from`
// (x holds the row's gates [f | g | i | o], h wide each, f, i and o already σ'd; g's sum not
// yet taken): g = tanh((x_g + p_g) + b_g), c = f·c_prev + g·i, tanh_c = tanh(c), h_next =
// o·tanh_c, g stored back into x. tanh is Cephes' tanhf as TLKernels' VectorExp.tanh computes
// it, with its bits (no fma). Stops at the first block of eight whose g sum or c holds a NaN,
// writing nothing for it, or where fewer than eight are left; returns that block's start.
// Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
ptrdiff_t CTLMath_lstm_cell_f32(float *x, const float *p, const float *b, const float *c_prev,
                                float *c_next, float *tanh_c, float *h_next, ptrdiff_t h,
                                ptrdiff_t from);

// The float32 LSTM backward step's gate gradients for one row (LSTMCell.backwardStep), every
// multiply and add rounded by itself in the Swift loop's order: ds = dc + (dh·o)·(1 − tanh_c²),
// dc ← ds·f, and x's gates [f | g | i | o] (h wide each) replaced by [df | dg | di | do].
// Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
void CTLMath_lstm_cell_backward_f32(float *x, const float *c_prev, const float *tanh_c, const float *dh,
                                    float *dc, ptrdiff_t h);
#endif

#if defined(__x86_64__)
// NumPy's pairwise sum of a[0 ..< n] in float32 (np.sum along a contiguous axis): sequential
// from +0 below 8, eight interleaved partial sums up to 128, halves split at a multiple of 8
// above; NumPy's bits. Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
float CTLMath_pairwise_sum_f32(const float *a, ptrdiff_t n);

// x[j] /= divisor for 0 <= j < count in float32 (each quotient correctly rounded, as one by
// one). Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
void CTLMath_divide_f32(float *x, float divisor, ptrdiff_t count);

// out[j] = ((+0 + m[0][j]) + m[1][j]) + … + m[rows-1][j] for first <= j < end, rows ld apart
// (np.sum(m, axis=0) of a C-contiguous float32 matrix: row by row, NumPy's order and bits).
// Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
void CTLMath_sum_rows_f32(const float *m, ptrdiff_t rows, ptrdiff_t ld, ptrdiff_t first, ptrdiff_t end,
                          float *out);

// m[r][j] += b[j] for r < rows, j < cols, rows ld apart (the bias after a product, NumPy's
// broadcast add). Only where CTLMath_has_avx2_fma() is 1 (it needs AVX2 only).
void CTLMath_add_row_vector_f32(float *m, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t ld, const float *b);
#endif

#if defined(__x86_64__)
// CTLMath_exp_shifted_f32 and CTLMath_sigmoid_f32 sixteen lanes at a time, each lane's
// arithmetic the AVX2 loop's (the same bits). Only where CTLMath_has_avx2_fma() and
// CTLMath_has_avx512f() are both 1.
void CTLMath_exp_shifted_f32_avx512(const float *src, float shift, float *dst, ptrdiff_t count);
void CTLMath_sigmoid_f32_avx512(const float *src, float *dst, ptrdiff_t count);
#endif

// 1 when the panel product below can run here: an x86-64 build on a CPU (and OS) with AVX-512F
// (__builtin_cpu_supports). 0 otherwise, then neither panel function may be called.
int CTLMath_has_avx512f(void);

// Columns per panel of CTLMath_pack_panels_f32.
#define CTLMATH_PANEL_WIDTH 16

#if defined(__x86_64__)
// Packs op(B) (k×n; op(B) = B, rows ldb apart, or Bᵀ with B n×k, rows ldb apart, when
// `transposed`) into ceil(n/16) panels of k×16 floats: panels[(j/16·k + p)·16 + j%16] =
// op(B)[p][j], the last panel's missing columns zero. `panels` holds ceil(n/16)·k·16 floats.
// Portable C.
void CTLMath_pack_panels_f32(const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t k, ptrdiff_t n,
                             float *panels);

// Packs A (m×k, rows lda apart) into tiles of 20 rows (the last one shorter), each stored by
// columns: rows[first·k + p·R + r] = A[first + r][p] for the tile of R rows from row `first`.
// `rows` holds m·k floats. Portable C.
void CTLMath_pack_rows_f32(const float *a, ptrdiff_t lda, ptrdiff_t m, ptrdiff_t k, float *rows);

// C[:, 16·first_panel ..< min(n, 16·end_panel)] = A·op(B) for those columns (plus the old C when
// `accumulate`: C + (A·op(B)), the product rounded first, as BLAS's beta = 1), A m×k packed by
// CTLMath_pack_rows_f32, op(B) packed by CTLMath_pack_panels_f32 (k, n as packed), C's rows
// ldc apart. Each element is one float32 fma chain over p = 0 … k-1 from +0, so any split of
// the panel range (across threads) gives the same bits. Only where CTLMath_has_avx512f() is 1.
void CTLMath_panel_gemm_f32(const float *rows, ptrdiff_t m, const float *panels, ptrdiff_t k, ptrdiff_t n,
                            ptrdiff_t first_panel, ptrdiff_t end_panel, float *c, ptrdiff_t ldc,
                            int accumulate);
#endif

// Writes a zero to each of the `count` bytes `stride` apart from `base` (volatile stores, which
// no compiler may drop, and no read): the first write to fresh zeroed memory, so that the
// system backs it with cleared pages now, on the calling thread. Only for memory known to hold
// zeros (fresh pages), which it leaves as it was. A write, not a read and a write back: a first
// read maps the shared zero page, and the write after it replaces that mapping, which costs a
// second fault and a TLB flush on every CPU running the process (an interrupt to the other
// vCPU in a VM). Portable C.
void CTLMath_touch_zeroed_pages(void *base, size_t count, size_t stride);

// CTLMath_touch_zeroed_pages at `count` byte offsets from `base` (ascending or not).
void CTLMath_touch_zeroed_offsets(void *base, const ptrdiff_t *offsets, size_t count);

// What CTLMath_adam_f32 does with m and v: read and update them (every update that has a
// next one), read them only (the last update: nobody reads them again), or neither (an update
// that is both the first and the last: they are the zeros np.zeros_like made; m and v may then
// be NULL).
#define CTLMATH_ADAM_STATE_UPDATE 0
#define CTLMATH_ADAM_STATE_READ 1
#define CTLMATH_ADAM_STATE_NONE 2

// The book's Adam step on float32 params (common/optimizer.py), for 0 <= k < count:
// m += (1 - beta1) * (grad - m); v += (1 - beta2) * (grad * grad - v) in float32;
// out = float32(float64(param) - lr_t * float64(m) / float64(sqrt(v) + eps)), sqrt and the
// sum in float32. `state` is one of CTLMATH_ADAM_STATE_*: m and v are written back only with
// UPDATE, and read as zeros with NONE (the same bits as zero-filled arrays). out is param (in
// place) or a buffer overlapping none of the others; grad, m and v overlap nothing. Portable C
// (any CPU); elements are independent, so any split of [0, count) gives the same bits.
void CTLMath_adam_f32(
  const float *param, float *out, const float *restrict grad, float *restrict m, float *restrict v,
  ptrdiff_t count, float one_minus_beta1, float one_minus_beta2, float eps, double lr_t, int state);

#endif
