#!/usr/bin/python3
"""Cross-check klab's codec against kafka-python 2.0.2's protocol classes (Debian's python3-kafka).

For every API version klab serves that kafka-python has a request class for: build a request with
non-trivial values from the class's SCHEMA, encode it with kafka-python (header + body), let protocol_tool
decode and re-encode it, and require identical bytes. For every served response version kafka-python has a
class for: decode klab's sampled response with kafka-python, require every byte consumed, and require
kafka-python's re-encoding to give the same bytes.
Usage: python_crosscheck.py PROTOCOL_TOOL. Exit 0 pass, 1 fail, 77 when kafka-python is not importable.
"""
import io
import subprocess
import sys

try:
    from kafka.protocol import admin, commit, fetch, group, metadata, offset, produce
    from kafka.protocol.api import Request, RequestHeader, Response
    from kafka.protocol import types as T
except ImportError as error:
    print(f"skipped: /usr/bin/python3 cannot import kafka ({error})")
    sys.exit(77)


def value_for(kind, depth, counter):
    """A non-trivial value of a kafka-python type; counter varies the values."""
    counter[0] += 1
    n = counter[0]
    if isinstance(kind, T.Array):
        if isinstance(kind.array_of, T.Schema) and any(f is T.String for f in kind.array_of.fields):
            return []  # kafka-python declares the field with the String class and cannot encode it (Fetch v7+)
        return [value_for(kind.array_of, depth + 1, counter) for _ in range(2 if depth < 3 else 1)]
    if isinstance(kind, T.Schema):
        return tuple(value_for(f, depth, counter) for f in kind.fields)
    cls = kind if isinstance(kind, type) else type(kind)
    if cls is T.Int8:
        return n % 100
    if cls is T.Int16:
        return n * 7 % 30000
    if cls is T.Int32:
        return n * 100003 % 2000000000
    if cls is T.Int64:
        return n * 1000000007
    if cls is T.Boolean:
        return n % 2 == 0
    if cls is T.String:
        return f"name{n}"
    if cls is T.Bytes:
        return bytes([n % 256, 1, 2, 3])
    raise SystemExit(f"no value for type {kind!r}")


# Where kafka-python 2.0.2's schema is not Kafka's (checked against Kafka 3.7's JSON specs); these frames are
# expected to differ and are reported, not failed.
KNOWN_KAFKA_PYTHON_BUGS = {
    "OffsetRequest_v4": "current_leader_epoch declared Int64; Kafka's ListOffsetsRequest has int32",
    "OffsetRequest_v5": "current_leader_epoch declared Int64; Kafka's ListOffsetsRequest has int32",
    "GroupCoordinatorResponse_v1": "no throttle_time_ms; Kafka's FindCoordinatorResponse v1 starts with it",
}


def classes(base):
    """kafka-python's classes by (api key, version); by class, not by its lists (AlterConfigsResponse's list
    holds AlterConfigsRequest_v1 by mistake)."""
    found = {}
    for module in (admin, commit, fetch, group, metadata, offset, produce):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, base) and hasattr(value, "API_VERSION") and \
                    value.__name__.rsplit("_v", 1)[-1].isdigit():
                found[(value.API_KEY, value.API_VERSION)] = value
    return found


class Tool:
    def __init__(self, path):
        self.process = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def table(self):
        self.process.stdin.write("table\n")
        self.process.stdin.flush()
        served = []
        for line in iter(self.process.stdout.readline, ""):
            if line.strip() == "end":
                break
            key, low, high = map(int, line.split())
            served += [(key, v) for v in range(low, high + 1)]
        return served


def main():
    tool = Tool(sys.argv[1])
    served = tool.table()
    requests, responses = classes(Request), classes(Response)
    failures, skipped, known, checked = [], [], [], 0
    for key, version in served:
        cls = requests.get((key, version))
        if cls is None:
            continue
        request = cls(*value_for(cls.SCHEMA, 0, [key * 1000 + version]))
        header = RequestHeader(request, correlation_id=4242, client_id="crosscheck")  # encode() holds a weak ref
        try:
            frame = header.encode() + request.encode()
        except TypeError as error:  # a kafka-python schema bug (a type class where an instance belongs)
            skipped.append(f"{cls.__name__} (key {key} v{version}): kafka-python cannot encode it: {error}")
            continue
        answer = tool.ask("request " + frame.hex())
        checked += 1
        if answer != "ok " + frame.hex():
            (known if cls.__name__ in KNOWN_KAFKA_PYTHON_BUGS else failures).append(f"{cls.__name__} (key {key} v{version}): sent {frame.hex()} got {answer}")
    for key, version in served:
        cls = responses.get((key, version))
        if cls is None:
            continue
        for seed in (1, 2, 3):
            answer = tool.ask(f"response {key} {version} {seed}")
            checked += 1
            if not answer.startswith("ok "):
                failures.append(f"klab could not sample key {key} v{version}: {answer}")
                continue
            body = bytes.fromhex(answer[3:])[4:]  # response header v0: the correlation id
            try:
                stream = io.BytesIO(body)
                decoded = cls.decode(stream)
                rest = stream.read()
                again = decoded.encode()  # noqa: F841 - decoded must stay alive while encoding
            except Exception as error:  # noqa: BLE001 - any kafka-python failure is a finding
                (known if cls.__name__ in KNOWN_KAFKA_PYTHON_BUGS else failures).append(f"{cls.__name__} (key {key} v{version} seed {seed}): kafka-python failed: {error!r}")
                continue
            if rest or again != body:
                failures.append(f"{cls.__name__} (key {key} v{version} seed {seed}): {len(rest)} bytes left, "
                                f"re-encoding {'differs' if again != body else 'equal'}: {body.hex()}")
    covered = sorted({k for k in served if k in requests or k in responses})
    print(f"checked {checked} frames over {len(covered)} api versions kafka-python knows")
    for note in known:
        name = note.split(" ", 1)[0]
        print(f"KNOWN kafka-python bug ({KNOWN_KAFKA_PYTHON_BUGS[name]}): {note[:200]}")
    for note in skipped:
        print("SKIP", note)
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
