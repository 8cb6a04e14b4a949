package dev.todokube.loadtest.user;

import io.grpc.Status;

/** How one call ended: its status and the size of the response message (0 on failure). */
record CallResult(Status.Code code, long contentLength) {
}
