#ifndef CKUBEEMULATORSHIMS_H
#define CKUBEEMULATORSHIMS_H
#include <openssl/ssl.h>

/// Wraps the SSL_CTX_set_min_proto_version macro; returns 1 on success.
int kube_emulator_ssl_ctx_require_tls12(SSL_CTX *context);
/// Ignores SIGPIPE process-wide so writes to closed sockets return EPIPE instead of killing the process.
void kube_emulator_ignore_sigpipe(void);
/// accept4(fd, NULL, NULL, SOCK_CLOEXEC): connections that spawned processes never inherit.
int kube_emulator_accept_cloexec(int descriptor);
#endif
