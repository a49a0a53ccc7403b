#define _GNU_SOURCE
#include <sys/socket.h>
#include "CKubeEmulatorShims.h"
#include <signal.h>

int kube_emulator_ssl_ctx_require_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

void kube_emulator_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

int kube_emulator_accept_cloexec(int descriptor) {
    return accept4(descriptor, NULL, NULL, SOCK_CLOEXEC);
}
