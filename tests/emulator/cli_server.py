"""The AWS CLI v1, kept running: each `aws …` of the emulator test is one
call of the CLI's own driver (awscli.clidriver, what the `aws` script
runs), in this one process, instead of a new Python that loads botocore
and the EC2 model again (about 1 s of CPU per command, most of the test's
time). Used by native/tests/emulator.rs through `cli_client.py`, installed
on PATH as `aws`; NETREADY_EMULATOR_CLI=process runs the `aws` script
instead.

What is shared between calls: only botocore's data loader (the parsed
service models and endpoint data, read-only). Every call gets a new
session and driver, so no option of one call (`--region`, `--output`)
carries into the next; the environment is this process's, which the test
sets exactly as it sets every `aws` process's.

Usage: python3 cli_server.py SOCKET. Serves one call at a time (the
driver writes to sys.stdout and sys.stderr) until killed. Requests and
answers are JSON: {"argv": [...]} in, {"rc": N, "stdout": "...",
"stderr": "..."} out, one per connection.
"""
import io
import json
import os
import socket
import sys

import awscli.clidriver

LOADER = None


def call(argv):
    global LOADER
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        driver = awscli.clidriver.create_clidriver()
        if LOADER is None:
            LOADER = driver.session.get_component("data_loader")
        else:
            driver.session.register_component("data_loader", LOADER)
        rc = driver.main(argv)
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 255
    except Exception as e:  # the CLI's own handler missed it: say so
        err.write(f"cli_server: {type(e).__name__}: {e}\n")
        rc = 255
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return {"rc": rc or 0, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        with conn:
            data = b""
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            try:
                answer = call(json.loads(data)["argv"])
            except (ValueError, KeyError) as e:
                answer = {"rc": 255, "stdout": "", "stderr": f"cli_server: bad request: {e}\n"}
            conn.sendall(json.dumps(answer).encode())


if __name__ == "__main__":
    main()
