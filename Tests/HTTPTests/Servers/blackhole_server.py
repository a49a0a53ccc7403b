#!/usr/bin/env python3
"""A listener on 127.0.0.1 whose accept queue is full, so new TCP handshakes never complete
(the kernel drops their SYNs): the peer for connect-timeout tests. Prints "PORT <n>" and exits
when stdin closes."""
import socket
import sys
import time

listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(0)
port = listener.getsockname()[1]
fillers = []
for _ in range(4):
    filler = socket.socket()
    filler.setblocking(False)
    try:
        filler.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fillers.append(filler)
time.sleep(0.3)
print("PORT %d" % port, flush=True)
sys.stdin.read()
