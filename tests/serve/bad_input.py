#!/usr/bin/python3
"""Bad input on the wire against a running `klab serve` (bad_input_test.sh starts it).

usage: bad_input.py HOST PORT SERVER_PID
Each bad client uses its own connection; between them kcat produces 10 keyed records and reads the
topic back. Every wait is bounded; each check prints `ok   ...` or raises."""
import os
import random
import socket
import struct
import subprocess
import sys
import time

host, port, server_pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bootstrap = "%s:%d" % (host, port)
topic = "wirehard"
produced = []


def ok(what):
    print("ok   " + what, flush=True)


def server_alive():
    try:
        os.kill(server_pid, 0)
        return True
    except OSError:
        return False


def connect():
    s = socket.create_connection((host, port), timeout=5)
    s.settimeout(5)
    return s


def closed_by_server(s, seconds=5):
    """True when the server closes the connection within `seconds` (EOF or reset), with no reply."""
    s.settimeout(seconds)
    try:
        data = s.recv(4096)
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
    return data == b""


def still_open(s, seconds=1.0):
    s.settimeout(seconds)
    try:
        return s.recv(1) != b""  # any byte would be a (wrong) reply
    except socket.timeout:
        return True
    except ConnectionResetError:
        return False


def kcat(args, stdin=None):
    done = subprocess.run(["kcat", "-b", bootstrap] + args, input=stdin, capture_output=True, timeout=30)
    assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
    return done.stdout.decode()


def good_client_round(label):
    lines = ["k%d:%s-%d" % (len(produced) + i, label, i) for i in range(10)]
    kcat(["-P", "-t", topic, "-K:", "-X", "acks=all"], ("\n".join(lines) + "\n").encode())
    produced.extend(lines)
    consumed = kcat(["-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n"]).splitlines()
    assert consumed == produced, (label, len(consumed), len(produced))
    assert server_alive(), "the server died after " + label
    ok("kcat produced and read back all %d records after %s" % (len(produced), label))


def header(api_key, version, correlation=1, client=b"bad"):
    return struct.pack(">hhih", api_key, version, correlation, len(client)) + client


good_client_round("the start")

s = connect()
s.sendall(struct.pack(">i", 104857601))
assert closed_by_server(s), "a size over socket.request.max.bytes was not closed"
ok("a size prefix of 104857601 (over socket.request.max.bytes) closes the connection")
good_client_round("an oversize size prefix")

s = connect()
s.sendall(struct.pack(">i", -1))
assert closed_by_server(s), "a negative size was not closed"
ok("a negative size prefix closes the connection")

rng = random.Random(20261207)
s = connect()
garbage = bytes(rng.randrange(256) for _ in range(60))
s.sendall(struct.pack(">i", len(garbage)) + b"\x7f\x7f" + garbage[2:])
assert closed_by_server(s), "garbage was not closed"
ok("a frame of garbage closes the connection")
good_client_round("garbage")

s = connect()
body = header(3, 4) + struct.pack(">i", 5)  # Metadata v4 naming 5 topics, then nothing
s.sendall(struct.pack(">i", len(body)) + body)
assert closed_by_server(s), "a truncated Metadata request was not closed"
ok("a request whose body is cut short closes the connection")

s = connect()
body = header(999, 0)
s.sendall(struct.pack(">i", len(body)) + body)
assert closed_by_server(s), "an unknown api key was not closed"
ok("an unknown API key closes the connection")
good_client_round("malformed requests")

s = connect()
s.sendall(struct.pack(">i", 100) + header(18, 0))  # promises 100 bytes, sends 12, leaves
s.close()
good_client_round("a half frame then a disconnect")

silent = connect()
silent.sendall(struct.pack(">i", 100) + header(18, 0))  # promises 100 bytes, sends 12, waits
good_client_round("a half frame then silence")
assert still_open(silent), "the silent half-frame connection was closed before connections.max.idle.ms"
ok("a half frame then silence leaves that connection open and unanswered")

many = [connect() for _ in range(20)]
for i, s in enumerate(many):
    s.sendall(struct.pack(">i", 20 + i) + bytes(rng.randrange(256) for _ in range(20 + i)))
closed = sum(1 for s in many if closed_by_server(s, 5))
assert closed == len(many), "%d of %d garbage connections closed" % (closed, len(many))
ok("20 garbage connections at once are all closed")
good_client_round("20 garbage connections")

metadata = kcat(["-L"])
assert " 3 brokers:" in metadata, metadata
assert server_alive()
silent.close()
ok("the server is up and still answers Metadata")
