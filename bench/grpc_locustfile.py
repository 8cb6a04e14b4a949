"""A Python Locust gRPC user calling GetTodos as fast as it can (wait time 0), the way the original
project's hand-written Python client did: the reference the Java worker is compared against.

    taskset -c 1 python3 -m locust -f bench/grpc_locustfile.py --headless -u 32 -r 32 -t 15s \
        --host 127.0.0.1:8001 --csv /tmp/py --only-summary
"""
import grpc.experimental.gevent as grpc_gevent
import gevent

grpc_gevent.init_gevent()

import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import grpc  # noqa: E402
from locust import User, constant, events, task  # noqa: E402

from grpc_raw import GET_TODOS, get_todos_request  # noqa: E402

REQUEST = get_todos_request()


@events.test_start.add_listener
def _reset_after_warm_up(environment, **_kwargs):
    """Drops the first $BENCH_WARMUP seconds from the stats, as the Java generator's --warm-up-time does."""
    warm_up = float(os.environ.get("BENCH_WARMUP", "0"))
    if warm_up > 0:
        gevent.spawn_later(warm_up, environment.stats.reset_all)


@events.quitting.add_listener
def _write_totals(environment, **_kwargs):
    """Writes the final totals to $BENCH_JSON (Locust 2.12's CSV may miss the last seconds)."""
    path = os.environ.get("BENCH_JSON")
    if not path:
        return
    total = environment.stats.total
    with open(path, "w") as out:
        json.dump({"requests": total.num_requests, "failures": total.num_failures, "rps": total.total_rps,
                   "p50_ms": total.get_response_time_percentile(0.5),
                   "p99_ms": total.get_response_time_percentile(0.99)}, out)


class GrpcGetTodosUser(User):
    wait_time = constant(0)

    def on_start(self):
        self.channel = grpc.insecure_channel(self.host)
        self.get_todos = self.channel.unary_unary(GET_TODOS)

    def on_stop(self):
        self.channel.close()

    @task
    def get_todos_call(self):
        start = time.perf_counter()
        exception = None
        length = 0
        try:
            length = len(self.get_todos(REQUEST, timeout=5))
        except grpc.RpcError as error:
            exception = error
        events.request.fire(request_type="grpc", name="GetTodos",
                            response_time=(time.perf_counter() - start) * 1000,
                            response_length=length, exception=exception, context={})
