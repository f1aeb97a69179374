// What the CPU can run, asked with cpuid and xgetbv (x86-64). Other architectures run only the
// portable kernel set, so both answers are 0 there.
#include "CPUFeatures.h"

#if defined(__x86_64__)
#include <cpuid.h>

/// The XCR0 register: which register states the operating system saves on a context switch.
static unsigned long long xcr0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

/// cpuid leaf 1 ECX, leaf 7 EBX, and leaf 0x80000001 ECX; 0 when a leaf is missing.
struct Leaves { unsigned int ecx1, ebx7, ecx81; };

static struct Leaves leaves(void) {
    struct Leaves l = {0, 0, 0};
    unsigned int a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) l.ecx1 = c;
    if (__get_cpuid_max(0, 0) >= 7) { __cpuid_count(7, 0, a, b, c, d); l.ebx7 = b; }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) l.ecx81 = c;
    return l;
}

static int has(unsigned int word, int bit) { return (word >> bit) & 1; }

int sumd_cpu_runs_avx2(void) {
    struct Leaves l = leaves();
    // OSXSAVE, and the OS saves SSE and AVX (YMM) state.
    if (!has(l.ecx1, 27) || (xcr0() & 0x6) != 0x6) return 0;
    return has(l.ecx1, 28) /* AVX */ && has(l.ecx1, 12) /* FMA */ && has(l.ecx1, 22) /* MOVBE */
        && has(l.ecx1, 23) /* POPCNT */ && has(l.ecx1, 29) /* F16C */ && has(l.ebx7, 5) /* AVX2 */
        && has(l.ebx7, 3) /* BMI1 */ && has(l.ebx7, 8) /* BMI2 */ && has(l.ecx81, 5) /* LZCNT */;
}

int sumd_cpu_runs_avx512(void) {
    if (!sumd_cpu_runs_avx2()) return 0;
    struct Leaves l = leaves();
    // The OS saves opmask, ZMM0-15 upper halves and ZMM16-31 (bits 5-7) besides SSE and AVX.
    if ((xcr0() & 0xe6) != 0xe6) return 0;
    return has(l.ebx7, 16) /* F */ && has(l.ebx7, 17) /* DQ */ && has(l.ebx7, 28) /* CD */
        && has(l.ebx7, 30) /* BW */ && has(l.ebx7, 31) /* VL */;
}

#else
int sumd_cpu_runs_avx2(void) { return 0; }
int sumd_cpu_runs_avx512(void) { return 0; }
#endif
