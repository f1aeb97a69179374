#ifndef SUMD_CCRYPTO_SHIM_H
#define SUMD_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#endif
