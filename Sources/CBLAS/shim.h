#ifndef SUMD_CBLAS_SHIM_H
#define SUMD_CBLAS_SHIM_H
#include <cblas.h>
/// OpenBLAS's own thread control (sumd runs one single-threaded BLAS per worker).
void openblas_set_num_threads(int num_threads);
#endif
