package dev.todokube.api.server;

import dev.todokube.api.config.ApiConfig;
import dev.todokube.api.store.DelayedTodoStore;
import dev.todokube.api.store.MemoryTodoStore;
import dev.todokube.api.store.MongoTodoStore;
import dev.todokube.api.store.TodoStore;

/** Opens the store the configuration names. */
final class Stores {

    private Stores() {
    }

    static TodoStore open(ApiConfig config, EventLoops eventLoops) {
        switch (config.storeType()) {
            case MONGO:
                return MongoTodoStore.connect(config.mongoUri(), config.maskedMongoUri(), config.dbName(),
                        config.dbTimeout(), config.dbPoolSize(), eventLoops.group(), eventLoops.channelType());
            case MEMORY:
            default:
                TodoStore memory = MemoryTodoStore.seeded();
                return config.memoryStoreDelay().isZero() ? memory : new DelayedTodoStore(memory, config.memoryStoreDelay());
        }
    }
}
