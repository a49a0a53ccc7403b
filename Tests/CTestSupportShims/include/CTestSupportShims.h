#ifndef C_TEST_SUPPORT_SHIMS_H
#define C_TEST_SUPPORT_SHIMS_H

/// pipe2(fds, O_CLOEXEC): a pipe whose ends children never inherit (glibc hides pipe2 from Swift).
int test_support_pipe_cloexec(int fds[2]);

#endif
