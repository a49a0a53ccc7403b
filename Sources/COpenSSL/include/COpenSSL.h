#ifndef C_OPENSSL_H
#define C_OPENSSL_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/// `EVP_PKEY_KEYPAIR` (a compound macro Swift does not import).
int copenssl_selection_keypair(void);

/// `EVP_PKEY_PUBLIC_KEY` (a compound macro Swift does not import).
int copenssl_selection_public_key(void);

/// `OPENSSL_free` (a macro that passes file and line to `CRYPTO_free`).
void copenssl_free(void *pointer);

#endif
