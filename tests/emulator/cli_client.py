"""`aws` for the emulator test: hands its arguments to cli_server.py (the
AWS CLI's driver, kept running) and prints what the CLI printed, exiting
with its exit code. Started with `python3 -S` (no site packages: only the
standard library) as `aws` on PATH; NETREADY_AWS_CLI_SOCKET names the
server's socket.
"""
import json
import os
import socket
import sys


def main():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(300)
    s.connect(os.environ["NETREADY_AWS_CLI_SOCKET"])
    s.sendall(json.dumps({"argv": sys.argv[1:]}).encode())
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    answer = json.loads(data)
    sys.stdout.write(answer["stdout"])
    sys.stderr.write(answer["stderr"])
    sys.stdout.flush()
    sys.stderr.flush()
    return answer["rc"]


if __name__ == "__main__":
    sys.exit(main())
