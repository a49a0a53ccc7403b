#include "COpenSSL.h"

int copenssl_selection_keypair(void) { return EVP_PKEY_KEYPAIR; }

int copenssl_selection_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

void copenssl_free(void *pointer) { OPENSSL_free(pointer); }
