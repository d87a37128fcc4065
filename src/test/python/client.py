"""Debian's python3-socketio client for the tests: client.py <url> <ca.pem> <rune|-> <transport> <namespace>
Prints one JSON line per event, like client.js."""
import json
import sys
import threading

import requests
import socketio

url, ca, rune, transport, namespace = sys.argv[1:6]


out_lock = threading.Lock()


def out(o):
    # python-socketio runs each event handler in a thread of its own: one line at a time, whole.
    line = json.dumps(o) + "\n"
    with out_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


session = requests.Session()
session.verify = ca
session.trust_env = False  # no REQUESTS_CA_BUNDLE or proxy from the environment: trust exactly ca.pem, talk to loopback directly
# engineio passes ssl_verify as requests' verify= (overriding the session's), so give it the CA path too
sio = socketio.Client(http_session=session, reconnection=False, ssl_verify=ca)


@sio.on("connect", namespace=namespace)
def on_connect():
    out({"event": "connect", "transport": sio.transport()})


@sio.on("connect_error", namespace=namespace)
def on_connect_error(data):
    message = data.get("message") if isinstance(data, dict) else str(data)
    out({"event": "connect_error", "message": message})


@sio.on("message", namespace=namespace)
def on_message(data):
    out({"event": "message", "data": data})


headers = {} if rune == "-" else {"rune": rune}
transports = ["polling", "websocket"] if transport == "both" else [transport]
try:
    sio.connect(url, headers=headers, transports=transports, namespaces=[namespace], wait_timeout=10)
except socketio.exceptions.ConnectionError as e:
    out({"event": "connect_error", "message": str(e)})
    sys.exit(0)
threading.Thread(target=lambda: (sys.stdin.read(), sio.disconnect()), daemon=True).start()
sio.wait()
