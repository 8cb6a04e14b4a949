package dev.todokube.api.store;

import static dev.todokube.api.fixtures.StoreAnswers.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.api.fixtures.HeldFindsMongo;
import dev.todokube.api.fixtures.StoreOnEventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GetTodos on MongoDB: concurrent calls share one read, and none sees less than its own read would. */
class SharedReadTest {

    private HeldFindsMongo mongo;
    private StoreOnEventLoop onEventLoop;
    private MongoTodoStore store;

    @BeforeEach
    void start() {
        mongo = new HeldFindsMongo();
        onEventLoop = new StoreOnEventLoop(mongo.uri(), Duration.ofSeconds(10));
        store = onEventLoop.store();
    }

    @AfterEach
    void stop() {
        onEventLoop.close();
        mongo.close();
    }

    @Test
    void callsDuringAReadShareTheNextReadWhichSeesTheWritesBeforeThem() throws Exception {
        Todo first = answer(store.create(new TodoFields("first", "t", 1)));
        HeldFindsMongo.Hold slow = mongo.hold();
        CompletableFuture<List<Todo>> early = store.all();
        mongo.awaitFinds(1);
        // Acknowledged after the early read ran, before the next two calls arrive.
        Todo second = answer(store.create(new TodoFields("second", "t", 2)));
        CompletableFuture<List<Todo>> late = store.all();
        CompletableFuture<List<Todo>> later = store.all();

        slow.release();

        assertThat(answer(early)).containsExactly(first);
        assertThat(answer(late)).containsExactly(first, second);
        assertThat(answer(later)).as("one read for both").isSameAs(answer(late));
        assertThat(mongo.finds()).isEqualTo(2);
    }

    @Test
    void aReadThatEveryCallerLeftBeforeItsTurnIsNeverSent() throws Exception {
        HeldFindsMongo.Hold slow = mongo.hold();
        CompletableFuture<List<Todo>> running = store.all();
        mongo.awaitFinds(1);
        CompletableFuture<List<Todo>> gaveUp = store.all();
        gaveUp.cancel(false);
        // Had the abandoned read been sent when the running one ended, it would hold here, and the
        // next call would wait for a third read.
        HeldFindsMongo.Hold next = mongo.hold();

        slow.release();
        answer(running);
        CompletableFuture<List<Todo>> fresh = store.all();
        mongo.awaitFinds(2);
        next.release();

        assertThat(answer(fresh)).isEmpty();
        assertThat(mongo.finds()).isEqualTo(2);
        assertThat(gaveUp).isCancelled();
    }
}
