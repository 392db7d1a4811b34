/* tnn runtime: the one place that decides which SIMD variant of each
 * kernel family a build runs.
 *
 * TNN_HAS_<F> is 1 when the compiler enables CPU feature F (its predefined
 * macro) and TNN_NO_SIMD is not defined, else 0.  TNN_NEEDS_<FAMILY>_<ISA>(X)
 * lists, as X(F) entries, every feature the variant's bodies use: the
 * variant macro TNN_<FAMILY>_<ISA> is defined exactly when all of them are
 * enabled, the first variant of a family's list that is wins.  tnnc builds
 * its kernel registry's required-feature sets from the same lists (ir/
 * registry.c), so the compiler's choice and the runtime's can not drift;
 * tests/unit/test_target.c compiles every variant with exactly its listed
 * flags (a body using an unlisted feature fails to build there).
 *
 * Families with SIMD variants (their files: runtime/tnn_<family>_*__<isa>.h):
 *   BA    packed binary/ternary activations (tnn_ba.h: dots, conv groups)
 *   BW    binary/ternary weights on float activations (tnn_bw.h)
 *   CONV  float convolution, pooling and the first quantizer (AVX2+FMA)
 *   I8    3- to 8-bit activation codes times int8 weights (tnn_i8.h)
 * Adding a variant: a TNN_NEEDS_ list and its #elif here, the file with its
 * bodies (included by the family's header), one row in ir/registry.c. */
#ifndef TNN_ISA_H
#define TNN_ISA_H

#if !defined(TNN_NO_SIMD) && defined(__AVX2__)
#define TNN_HAS_AVX2 1
#else
#define TNN_HAS_AVX2 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__FMA__)
#define TNN_HAS_FMA 1
#else
#define TNN_HAS_FMA 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__AVX512F__)
#define TNN_HAS_AVX512F 1
#else
#define TNN_HAS_AVX512F 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__AVX512BW__)
#define TNN_HAS_AVX512BW 1
#else
#define TNN_HAS_AVX512BW 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__AVX512DQ__)
#define TNN_HAS_AVX512DQ 1
#else
#define TNN_HAS_AVX512DQ 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__AVX512VPOPCNTDQ__)
#define TNN_HAS_AVX512VPOPCNTDQ 1
#else
#define TNN_HAS_AVX512VPOPCNTDQ 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__AVX512VNNI__)
#define TNN_HAS_AVX512VNNI 1
#else
#define TNN_HAS_AVX512VNNI 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__ARM_NEON)
#define TNN_HAS_NEON 1
#else
#define TNN_HAS_NEON 0
#endif
#if !defined(TNN_NO_SIMD) && defined(__ARM_FEATURE_DSP)
#define TNN_HAS_DSP 1
#else
#define TNN_HAS_DSP 0
#endif

/* the features of each variant, in the family's order of preference */
#define TNN_NEEDS_BA_AVX512(X) X(AVX512F) X(AVX512BW) X(AVX512DQ) X(AVX512VPOPCNTDQ)
#define TNN_NEEDS_BA_AVX2(X) X(AVX2)
#define TNN_NEEDS_BA_NEON(X) X(NEON)
#define TNN_NEEDS_BA_ARMV7EM(X) X(DSP)
#define TNN_NEEDS_BW_AVX512(X) X(AVX512F) X(AVX512BW)
#define TNN_NEEDS_BW_AVX2(X) X(AVX2)
#define TNN_NEEDS_BW_NEON(X) X(NEON)
#define TNN_NEEDS_CONV_AVX2(X) X(AVX2) X(FMA)
#define TNN_NEEDS_I8_AVX512(X) X(AVX512F) X(AVX512BW) X(AVX512VNNI)
#define TNN_NEEDS_I8_AVX2(X) X(AVX2)

#define TNN_ISA_AND_(f) &&TNN_HAS_##f
#define TNN_ISA_ALL(NEEDS) (1 NEEDS(TNN_ISA_AND_))

#if TNN_ISA_ALL(TNN_NEEDS_BA_AVX512)
#define TNN_BA_AVX512 1
#elif TNN_ISA_ALL(TNN_NEEDS_BA_AVX2)
#define TNN_BA_AVX2 1
#elif TNN_ISA_ALL(TNN_NEEDS_BA_NEON)
#define TNN_BA_NEON 1
#elif TNN_ISA_ALL(TNN_NEEDS_BA_ARMV7EM)
#define TNN_BA_ARMV7EM 1
#endif

#if TNN_ISA_ALL(TNN_NEEDS_BW_AVX512)
#define TNN_BW_AVX512 1
#elif TNN_ISA_ALL(TNN_NEEDS_BW_AVX2)
#define TNN_BW_AVX2 1
#elif TNN_ISA_ALL(TNN_NEEDS_BW_NEON)
#define TNN_BW_NEON 1
#endif

#if TNN_ISA_ALL(TNN_NEEDS_CONV_AVX2)
#define TNN_CONV_AVX2 1
#endif

#if TNN_ISA_ALL(TNN_NEEDS_I8_AVX512)
#define TNN_I8_AVX512 1
#elif TNN_ISA_ALL(TNN_NEEDS_I8_AVX2)
#define TNN_I8_AVX2 1
#endif

#if TNN_HAS_AVX2 || TNN_HAS_AVX512F
#include <immintrin.h>
#endif
#if TNN_HAS_NEON
#include <arm_neon.h>
#endif

#endif
