package dev.todokube.api.store;

import static dev.todokube.api.fixtures.StoreAnswers.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryTodoStoreTest {

    private final MemoryTodoStore store = MemoryTodoStore.empty();

    @Test
    void seededStoreHoldsTheOriginalItem() {
        assertThat(answer(MemoryTodoStore.seeded().all())).singleElement()
                .satisfies(todo -> assertThat(todo.title()).isEqualTo("Add my todos"));
    }

    @Test
    void allIsReusedUntilAWriteAndThenShowsEveryWrite() {
        Todo kept = answer(store.create(new TodoFields("kept", "a", 1)));
        Todo removed = answer(store.create(new TodoFields("removed", "a", 1)));
        List<Todo> before = answer(store.all());
        assertThat(store.all()).as("the same answer until a write").isSameAs(store.all());

        Todo added = answer(store.create(new TodoFields("added", "b", 2)));
        assertThat(answer(store.all())).containsExactlyInAnyOrder(kept, removed, added);

        Todo updated = answer(store.update(kept.id(), new TodoPatch(Optional.of("renamed"), Optional.empty(), Optional.empty())));
        answer(store.delete(removed.id()));
        assertThat(answer(store.all())).containsExactlyInAnyOrder(updated, added).isNotSameAs(before);
    }

    @Test
    void lastFullPageHasNoNextToken() {
        for (int i = 0; i < 4; i++) {
            answer(store.create(new TodoFields("t" + i, "", 0)));
        }

        Page first = answer(store.list(PageRequest.parse("", 2, "")));
        Page second = answer(store.list(PageRequest.parse("", 2, first.nextPageToken().orElseThrow())));

        assertThat(first.todos()).hasSize(2);
        assertThat(second.todos()).hasSize(2);
        assertThat(second.nextPageToken()).isEmpty();
    }

    @Test
    void cursorStillWorksAfterItsTodoIsDeleted() {
        List<Todo> todos = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            todos.add(answer(store.create(new TodoFields("t" + i, "", 0))));
        }
        Page first = answer(store.list(PageRequest.parse("", 1, "")));
        answer(store.delete(todos.get(0).id()));

        Page rest = answer(store.list(PageRequest.parse("", 10, first.nextPageToken().orElseThrow())));

        assertThat(rest.todos()).containsExactly(todos.get(1), todos.get(2));
    }

    @Test
    void updateChangesOnlyPresentFields() {
        Todo todo = answer(store.create(new TodoFields("title", "tag", 4)));

        Todo updated = answer(store.update(todo.id(), new TodoPatch(Optional.empty(), Optional.of("new"), Optional.empty())));

        assertThat(updated).isEqualTo(new Todo(todo.id(), "title", "new", 4));
        assertThat(answer(store.get(todo.id()))).isEqualTo(updated);
    }

    @Test
    void pageTokenRoundTripsAndRejectsForeignTokens() {
        TodoId id = TodoId.generate();

        assertThat(PageRequest.parse("", 0, PageRequest.encodeToken(id)).after()).contains(id);
        assertThat(PageRequest.parse("", 0, "").size()).isEqualTo(PageRequest.DEFAULT_SIZE);
        assertThat(PageRequest.parse("", 5000, "").size()).isEqualTo(PageRequest.MAX_SIZE);
        assertThatThrownBy(() -> PageRequest.parse("", 0, "AAAA"))
                .isInstanceOfSatisfying(TodoException.InvalidArgument.class,
                        e -> assertThat(e.field()).isEqualTo("page_token"));
    }

    @Test
    void idsAreNormalisedToLowerCase() {
        assertThat(TodoId.parse("id", "65A1B2C3D4E5F60718293A4B").hex()).isEqualTo("65a1b2c3d4e5f60718293a4b");
    }
}
