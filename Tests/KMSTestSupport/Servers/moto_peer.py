"""moto in server mode (moto.server.ThreadedMotoServer, the same WSGI app `moto_server` runs) on
127.0.0.1 and a free port; prints `PORT <n>` and exits when standard input closes, so it never
outlives the test process. moto does not verify SigV4 signatures (it only routes by the credential
scope's service name), so signatures are checked separately against botocore."""
import os
import sys

from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(f"PORT {server.get_host_and_port()[1]}", flush=True)
try:
    sys.stdin.read()
finally:
    os._exit(0)
