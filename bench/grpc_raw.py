"""Hand-encoded Todos protobuf messages and a tiny CLI over python3-grpcio.

No protobuf runtime or generated code is needed (Debian ships python3-grpcio but not grpcio-tools):
requests are built byte by byte and responses decoded only as far as the benchmarks need.

    python3 grpc_raw.py seed 127.0.0.1:8001 100   # create todos until GetTodos returns exactly 100
    python3 grpc_raw.py count 127.0.0.1:8001      # how many todos GetTodos returns
    python3 grpc_raw.py wait 127.0.0.1:8001 60    # call GetTodos until one is OK (exit 0) or 60 s pass (exit 1)
"""
import socket
import sys
import time

GET_TODOS = "/grpc.Todos/GetTodos"
CREATE_TODO = "/grpc.Todos/CreateTodo"


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def string_field(number, text):
    data = text.encode("utf-8")
    return varint(number << 3 | 2) + varint(len(data)) + data


def int_field(number, value):
    return varint(number << 3) + varint(value)


def get_todos_request(token=""):
    """grpc.Request {string token = 1}; the empty request is zero bytes."""
    return string_field(1, token) if token else b""


def create_todo_request(title, tag, priority):
    return string_field(1, title) + string_field(2, tag) + int_field(3, priority)


def read_varint(data, pos):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def count_todos(response):
    """Top-level occurrences of field 1 (repeated Todo todos) in a grpc.Response."""
    pos = count = 0
    while pos < len(response):
        key, pos = read_varint(response, pos)
        wire = key & 7
        if wire == 2:
            length, pos = read_varint(response, pos)
            pos += length
        elif wire == 0:
            _, pos = read_varint(response, pos)
        else:
            raise ValueError("unexpected wire type %d in Response" % wire)
        if key >> 3 == 1:
            count += 1
    return count


def listening(address):
    """True when something accepts TCP connections at host:port."""
    host, port = address.rsplit(":", 1)
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def first_ok(address, deadline, keep_trying=lambda: True):
    """Calls GetTodos until one returns OK; returns the time it did, or None at the deadline (epoch
    seconds) or once keep_trying() is false.

    It waits for the port to accept connections first (polled every 2 ms): a gRPC channel that
    starts before the server listens can hold its first call for seconds. Then short reconnect
    backoff, but the default minimum connect timeout (20 s): gRPC core also uses
    grpc.min_reconnect_backoff_ms as each connection attempt's deadline, which a throttled server
    cannot meet."""
    import grpc

    while not listening(address):
        if time.time() >= deadline or not keep_trying():
            return None
        time.sleep(0.002)
    options = [("grpc.initial_reconnect_backoff_ms", 10), ("grpc.max_reconnect_backoff_ms", 50)]
    with grpc.insecure_channel(address, options=options) as channel:
        call = channel.unary_unary(GET_TODOS)
        while time.time() < deadline and keep_trying():
            try:
                call(get_todos_request(), timeout=max(0.1, min(5.0, deadline - time.time())))
                return time.time()
            except grpc.RpcError:
                time.sleep(0.005)
    return None


def unary(channel, method):
    # No serializers: the call sends and returns raw bytes.
    return channel.unary_unary(method)


def main(argv):
    import grpc

    if len(argv) < 3 or argv[1] not in ("seed", "count", "wait"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "wait":
        return 0 if first_ok(argv[2], time.time() + float(argv[3] if len(argv) > 3 else 60)) else 1
    with grpc.insecure_channel(argv[2]) as channel:
        get_todos = unary(channel, GET_TODOS)
        have = count_todos(get_todos(get_todos_request(), timeout=10))
        if argv[1] == "count":
            print(have)
            return 0
        want = int(argv[3])
        if have > want:
            print("already %d todos, more than %d" % (have, want), file=sys.stderr)
            return 1
        create = unary(channel, CREATE_TODO)
        for i in range(have, want):
            create(create_todo_request("Benchmark todo number %d" % (i + 1), "bench", 1 + i % 5), timeout=10)
        print(count_todos(get_todos(get_todos_request(), timeout=10)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
