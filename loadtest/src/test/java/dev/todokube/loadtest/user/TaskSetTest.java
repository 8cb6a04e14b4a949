package dev.todokube.loadtest.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaskSetTest {

    @Test
    void parsesWeightsAndDefaultsAWeightToOne() {
        TaskSet tasks = TaskSet.parse("GetTodos=3, ListTodos");
        assertThat(tasks.weights()).containsExactly(Map.entry(Rpc.GetTodos, 3), Map.entry(Rpc.ListTodos, 1));
        assertThat(tasks).hasToString("GetTodos=3,ListTodos=1");
        assertThat(TaskSet.parse(tasks.toString())).isEqualTo(tasks);
    }

    @Test
    void picksInProportionToTheWeights() {
        TaskSet tasks = TaskSet.parse("GetTodos=3,CreateTodo=1");
        SplittableRandom random = new SplittableRandom(42);
        Map<Rpc, Integer> picks = new EnumMap<>(Rpc.class);
        for (int i = 0; i < 40_000; i++) {
            picks.merge(tasks.pick(random), 1, Integer::sum);
        }
        assertThat(picks).containsOnlyKeys(Rpc.GetTodos, Rpc.CreateTodo);
        assertThat(picks.get(Rpc.GetTodos) / 40_000.0).isBetween(0.73, 0.77);
    }

    @Test
    void rejectsUnknownTasksBadWeightsAndDuplicates() {
        assertThatThrownBy(() -> TaskSet.parse("GetTodos=1,Fly=2"))
                .hasMessageContaining("unknown task 'Fly'").hasMessageContaining("ListTodos");
        assertThatThrownBy(() -> TaskSet.parse("GetTodos=x")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> TaskSet.parse("GetTodos=0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> TaskSet.parse("GetTodos,GetTodos=2")).hasMessageContaining("twice");
        assertThatThrownBy(() -> TaskSet.parse(" , ")).hasMessageContaining("no task");
    }
}
