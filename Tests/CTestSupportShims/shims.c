#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "CTestSupportShims.h"

int test_support_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
