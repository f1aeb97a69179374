#ifndef SUMD_CPU_FEATURES_H
#define SUMD_CPU_FEATURES_H

/// 1 when the CPU and the operating system support everything the AVX-512 kernel set is compiled
/// for (`-target-cpu skylake-avx512`: AVX-512 F, CD, BW, DQ, VL, with ZMM and mask state saved), else 0.
int sumd_cpu_runs_avx512(void);

/// 1 when the CPU and the operating system support everything the AVX2 kernel set is compiled for
/// (`-target-cpu haswell`: AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE, F16C, POPCNT, with YMM state saved), else 0.
int sumd_cpu_runs_avx2(void);

#endif
