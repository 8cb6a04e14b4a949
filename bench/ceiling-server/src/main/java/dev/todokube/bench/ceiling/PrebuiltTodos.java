package dev.todokube.bench.ceiling;

import dev.todokube.proto.Request;
import dev.todokube.proto.Response;
import dev.todokube.proto.TodosGrpc;
import io.grpc.stub.StreamObserver;

/** GetTodos answering the same prebuilt Response every time; the other calls stay UNIMPLEMENTED. */
final class PrebuiltTodos extends TodosGrpc.TodosImplBase {

    private final Response response;

    PrebuiltTodos(Response response) {
        this.response = response;
    }

    @Override
    public void getTodos(Request request, StreamObserver<Response> observer) {
        observer.onNext(response);
        observer.onCompleted();
    }
}
