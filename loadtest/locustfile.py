"""Locust master side of the Java gRPC load generator.

The master only needs to know the user class the workers run: it counts users
per class name and dispatches them to workers. The Java workers
(`loadtest worker`) implement TodosGrpcUser's behaviour themselves, so the task
below never runs on a Java worker. It exists so that a Python worker attached
by mistake fails loudly instead of silently reporting nothing.

The extra command-line options are forwarded by the master to every worker in
the spawn message (parsed_options) and shown in the web UI; the Java workers
apply them. Empty means: keep the worker's own command-line value.
"""
from locust import User, between, events, task


@events.init_command_line_parser.add_listener
def _grpc_options(parser):
    parser.add_argument("--grpc-tasks", type=str, default="", include_in_web_ui=True,
                        help="Weighted RPCs for the Java workers, e.g. GetTodos=3,ListTodos=1")
    parser.add_argument("--grpc-wait-time", type=str, default="", include_in_web_ui=True,
                        help="Wait time of the Java workers: between:100ms:1000ms, constant:1s or constant-throughput:2")
    parser.add_argument("--grpc-deadline", type=str, default="", include_in_web_ui=True,
                        help="Per-call deadline of the Java workers, e.g. 2s")


class TodosGrpcUser(User):
    """A user calling the Todos gRPC service; run by the Java workers."""

    wait_time = between(0.1, 1.0)

    @task
    def get_todos(self):
        raise RuntimeError("TodosGrpcUser runs on Java workers: start them with 'loadtest worker'")
