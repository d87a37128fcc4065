#!/usr/bin/env python3
"""A second lightningd plugin for the dynamic-path tests (standard library only).

It serves two RPC methods, and once lightningd has initialised it, registers REST paths for them
through lightningd's RPC socket with `clnrest-register-path`, as a real plugin would:

  dyn-echo  -> {"method": "dyn-echo", "params": <what it was called with>}
  dyn-fail  -> error {"code": 1234, "message": "dyn-fail always fails"}
  dyn-emit  -> emits the notification topic `pay_failure` (declared in its manifest, as the pay plugin
               does) with the call's params as they are, then answers {}
  dyn-emit-undeclared -> emits `undeclared_topic` (not in its manifest), then answers {}

The paths to register come from the environment variable DYNPATHS_REGISTER (a JSON array; each entry
is the params of one clnrest-register-path call, an object or an array). Each outcome is logged to
lightningd as `registered <json params> -> <json reply>`, then `dynpaths: registrations done`.
"""
import json
import os
import socket
import sys
import threading

out_lock = threading.Lock()


def send(msg):
    data = json.dumps(msg) + "\n\n"
    with out_lock:
        sys.stdout.write(data)
        sys.stdout.flush()


def log(message, level="info"):
    send({"jsonrpc": "2.0", "method": "log", "params": {"level": level, "message": message}})


def messages(stream):
    """JSON values from a stream that lightningd separates with blank lines."""
    decoder = json.JSONDecoder()
    buf = ""
    while True:
        chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
        if not chunk:
            return
        buf += chunk.decode("utf-8")
        while True:
            buf = buf.lstrip()
            if not buf:
                break
            try:
                value, end = decoder.raw_decode(buf)
            except ValueError:
                break
            buf = buf[end:]
            yield value


class Rpc:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.reader = messages(self.sock.makefile("rb", buffering=0))
        self.next_id = 0

    def call(self, method, params):
        self.next_id += 1
        req = {"jsonrpc": "2.0", "id": "dynpaths:%s#%d" % (method, self.next_id), "method": method, "params": params}
        self.sock.sendall(json.dumps(req).encode("utf-8"))
        reply = next(self.reader)
        return reply.get("error") if "error" in reply else reply.get("result")


def register_all(configuration):
    rpc = Rpc(os.path.join(configuration["lightning-dir"], configuration["rpc-file"]))
    for params in json.loads(os.environ.get("DYNPATHS_REGISTER", "[]")):
        reply = rpc.call("clnrest-register-path", params)
        log("registered %s -> %s" % (json.dumps(params, sort_keys=True), json.dumps(reply, sort_keys=True)))
    log("dynpaths: registrations done")


def main():
    for msg in messages(sys.stdin.buffer):
        method, msg_id, params = msg.get("method"), msg.get("id"), msg.get("params")
        if msg_id is None:
            if method == "shutdown":
                return
            continue
        if method == "getmanifest":
            send({"jsonrpc": "2.0", "id": msg_id, "result": {
                "options": [],
                "rpcmethods": [
                    {"name": "dyn-echo", "usage": "[params]", "description": "Echo the call's params"},
                    {"name": "dyn-fail", "usage": "", "description": "Always fails"},
                    {"name": "dyn-emit", "usage": "[params]", "description": "Emit pay_failure with these params"},
                    {"name": "dyn-emit-undeclared", "usage": "", "description": "Emit a topic it never declared"},
                ],
                "notifications": [{"method": "pay_failure"}],
                "subscriptions": [],
                "dynamic": True,
            }})
        elif method == "init":
            send({"jsonrpc": "2.0", "id": msg_id, "result": {}})
            threading.Thread(target=register_all, args=(params["configuration"],), daemon=True).start()
        elif method == "dyn-echo":
            send({"jsonrpc": "2.0", "id": msg_id, "result": {"method": "dyn-echo", "params": params}})
        elif method == "dyn-emit":
            send({"jsonrpc": "2.0", "method": "pay_failure", "params": params})
            send({"jsonrpc": "2.0", "id": msg_id, "result": {}})
        elif method == "dyn-emit-undeclared":
            send({"jsonrpc": "2.0", "method": "undeclared_topic", "params": {"never": "forwarded"}})
            send({"jsonrpc": "2.0", "id": msg_id, "result": {}})
        elif method == "dyn-fail":
            send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": 1234, "message": "dyn-fail always fails"}})
        else:
            send({"jsonrpc": "2.0", "id": msg_id, "error": {"code": -32601, "message": "Unknown command '%s'" % method}})


if __name__ == "__main__":
    main()
