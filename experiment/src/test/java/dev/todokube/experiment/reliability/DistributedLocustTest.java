package dev.todokube.experiment.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.todokube.experiment.fixtures.Metrics;
import dev.todokube.experiment.fixtures.ProcessLogs;
import dev.todokube.experiment.service.Store;
import dev.todokube.experiment.service.TodoApiLaunch;
import dev.todokube.experiment.service.TodoApiReplica;
import dev.todokube.testkit.locust.LocustMaster;
import dev.todokube.testkit.process.ChildJvm;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The distributed setup of the article on one machine: a stock Locust master, a Java worker, a real
 * todo-api process; the master's own statistics show the worker's calls, without failures.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DistributedLocustTest {

    @Test
    void locustMasterReportsTheJavaWorkersGetTodosCallsWithoutFailures() throws Exception {
        Path logs = ProcessLogs.dir(DistributedLocustTest.class);
        try (TodoApiReplica replica = TodoApiReplica.start(TodoApiLaunch.plain(ProjectJars.todoApiLauncher()), "todo-api", Store.memory(), Map.of(),
                        logs.resolve("todo-api.log"));
                LocustMaster master = LocustMaster.start(LocustMaster.Options.of(ProjectJars.locustfile(), logs.resolve("locust"))
                        .users(10).spawnRate(10).runTime(Duration.ofSeconds(8)).expectWorkers(1)
                        .host(replica.grpc().toString())
                        // A generous per-call deadline: a busy machine must not turn slow calls into failures.
                        .extraArgs(List.of("--grpc-deadline", "30s")));
                ChildProcess worker = ChildJvm.jar(ProjectJars.loadtest()).name("loadtest-worker")
                        .logFile(logs.resolve("loadtest-worker.log"))
                        .args("worker", "--master-host", "127.0.0.1", "--master-port", Integer.toString(master.port()))
                        .start()) {

            int masterExit = master.awaitExit(Duration.ofSeconds(90));
            List<Map<String, String>> stats;
            try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader()).readValues(master.statsCsv().toFile())) {
                stats = rows.readAll();
            }
            String context = "master exit " + masterExit + "; stats:\n" + Files.readString(master.statsCsv())
                    + "\nworker output:\n" + worker.tail();

            Optional<Map<String, String>> getTodos = stats.stream().filter(row -> "GetTodos".equals(row.get("Name")))
                    .findFirst();
            assertThat(getTodos).as("GetTodos row in the master's stats CSV; " + context).isPresent();
            long requests = Long.parseLong(getTodos.get().get("Request Count"));
            long failures = Long.parseLong(getTodos.get().get("Failure Count"));
            assertThat(requests).as("GetTodos requests reported to the master; " + context).isPositive();
            assertThat(failures).as("GetTodos failures; " + context).isZero();
            assertThat(masterExit).as("master exit code (1 = some requests failed); " + context).isZero();
            assertThat(Metrics.handled(replica.scrapeMetrics(), "GetTodos")).as("calls todo-api handled")
                    .isGreaterThanOrEqualTo((double) requests);
        }
    }
}
