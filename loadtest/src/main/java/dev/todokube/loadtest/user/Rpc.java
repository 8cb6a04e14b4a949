package dev.todokube.loadtest.user;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The calls a simulated user can make: the RPCs of {@code grpc.Todos}; each is also a stats entry name. */
public enum Rpc {
    GetTodos, CreateTodo, GetTodo, UpdateTodo, DeleteTodo, ListTodos;

    /**
     * @throws IllegalArgumentException naming the unknown task and the known ones
     */
    public static Rpc named(String name) {
        for (Rpc rpc : values()) {
            if (rpc.name().equals(name)) {
                return rpc;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "' (known: "
                + Arrays.stream(values()).map(Rpc::name).collect(Collectors.joining(", ")) + ")");
    }
}
