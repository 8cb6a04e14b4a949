package dev.todokube.bgkube.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todokube.bgkube.testing.ApiRequest;
import dev.todokube.bgkube.testing.BgKubeChild;
import dev.todokube.bgkube.testing.ClusterSimulator;
import dev.todokube.bgkube.testing.Fault;
import dev.todokube.bgkube.testing.FaultRule;
import dev.todokube.bgkube.testing.FaultTable;
import dev.todokube.bgkube.testing.HeldRequest;
import dev.todokube.bgkube.testing.InjectedFault;
import dev.todokube.bgkube.testing.LiveTraffic;
import dev.todokube.bgkube.testing.MockApiServer;
import dev.todokube.bgkube.testing.MockCluster;
import dev.todokube.bgkube.testing.PriorWrites;
import dev.todokube.bgkube.testing.RequestMatcher;
import dev.todokube.bgkube.testing.TestProject;
import dev.todokube.testkit.process.ChildProcess;
import dev.todokube.testkit.process.ProjectJars;
import dev.todokube.testkit.todoapi.TodoApiProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bg-kube's promises under faults, case by case: every command (publish, publish --no-promote,
 * promote, abort, rollback, a watched publish, a publish with a delayed scale-down) through every
 * fault (API errors, the API server unreachable, pods that never get ready or crash, a pod deleted,
 * the HPA scaling, SIGINT and SIGKILL, another release, objects written by earlier tools) at every
 * step. A step is found by the write that records it on the release's lease: the mock API server
 * holds that write, the fault is put in place, the write goes on, and the step meets the fault at its
 * first API call (or write). After each case, the next command a user would run (what {@code status}
 * says), then the five promises are checked against the cluster ({@link #assertPromises}), and the
 * case's row goes to the README's fault table ({@link FaultTable}). Cases run six at a time, each in
 * its own namespace of one mock cluster.
 */
@Timeout(240)
@Execution(ExecutionMode.CONCURRENT)
class FaultMatrixTest {

    private static final String LEASE = "bg-kube-todo-api";
    /** What the outage cases take for themselves alone. */
    private static final String API_SERVER = "the mock API server";
    /**
     * How long a case waits for bg-kube to reach its point or end: a guard against a hang, not a
     * speed check. A watched publish runs a pre-promotion analysis (two load-generator JVMs) before
     * its watch, and beside five other cases, the analysis classes and a busy second core that took
     * more than 60 s.
     */
    private static final Duration WAIT = Duration.ofSeconds(150);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final FaultTable TABLE = new FaultTable(
            Path.of(System.getProperty("project.root", "..")).resolve("bg-kube/docs/fault-table.md").normalize(),
            Path.of("target", "fault-table.md"));

    /** Serves the live traffic that the watched publishes' new color counts (its later pods' metrics lead here). */
    private static final String LIVE = "todo-api-matrix-live";
    /** Serves the matrix's analyses and the first pods of the watched colors; only those calls reach it. */
    private static final String IDLE = "todo-api-matrix-idle";

    /** The matrix's own todo-api processes: its steady live traffic must not reach another class's. */
    private static Map<String, TodoApiProcess> servers;
    private static MockCluster cluster;
    private static ChildProcess traffic;

    @TempDir
    Path dir;

    /** The commands, each after what it needs (blue live at tag 1; a preview of tag 2 for promote and abort). */
    enum Command {
        PUBLISH("publish"),
        NO_PROMOTE("publish --no-promote"),
        PROMOTE("promote"),
        ABORT("abort"),
        ROLLBACK("rollback"),
        WATCH("publish, watched"),
        SCALE_DOWN("publish, scale-down delay");

        private final String label;

        Command(String label) {
            this.label = label;
        }
    }

    /**
     * Where a fault strikes: at a step (recorded on the lease as the release enters it), just after a
     * command took the lease ({@code holder} names the command in the lease's holder), or while the
     * command waits in a long step (the smoke tests, the watch).
     */
    record Point(String label, String marker, boolean firstWrite, boolean during) {

        static Point step(String step) {
            return new Point(step, "\\\"" + step + "\\\"],\\\"phase\\\":\\\"RUNNING\\\"", false, false);
        }

        static Point stepWrite(String step) {
            return new Point(step + " (its first write)", step(step).marker(), true, false);
        }

        static Point undo() {
            return new Point("undo", "\\\"phase\\\":\\\"UNDOING\\\"", false, false);
        }

        static Point undoWrite() {
            return new Point("undo (its first write)", undo().marker(), true, false);
        }

        static Point leaseTaken(String label, String holder) {
            return new Point(label, holder, false, false);
        }

        static Point during(String step) {
            return new Point("during " + step, step(step).marker(), false, true);
        }

        RequestMatcher entering(String namespace) {
            return RequestMatcher.method("PUT", "POST").inNamespace(namespace).path("/leases/" + LEASE + "$").bodyContaining(marker);
        }
    }

    /** What goes wrong. */
    sealed interface Trouble permits Api, Outage, Signal, PodsNeverReady, PodDeleted, CrashLoop, HpaScales, RacingRelease,
            SkewedHolder, PendingScaleDown, WrittenBefore {
        String label();
    }

    record Api(Fault fault, String label) implements Trouble {}

    record Outage(Duration duration, String label) implements Trouble {}

    record Signal(String name) implements Trouble {
        public String label() {
            return name;
        }
    }

    record PodsNeverReady() implements Trouble {
        public String label() {
            return "the new color's pods never get ready (ImagePullBackOff)";
        }
    }

    record PodDeleted() implements Trouble {
        public String label() {
            return "a pod of the new color deleted";
        }
    }

    record CrashLoop() implements Trouble {
        public String label() {
            return "the new color's pods ready, then OOM-killed in a loop";
        }
    }

    record HpaScales() implements Trouble {
        public String label() {
            return "the HPA adds a pod to the new color";
        }
    }

    record RacingRelease() implements Trouble {
        public String label() {
            return "a second publish at the same time";
        }
    }

    record SkewedHolder(int seconds) implements Trouble {
        public String label() {
            return "another holder renews the lease, its clock " + Math.abs(seconds) + " s " + (seconds > 0 ? "ahead" : "behind");
        }
    }

    record PendingScaleDown() implements Trouble {
        public String label() {
            return "an earlier release's scale-down of the target color pending";
        }
    }

    record WrittenBefore(String by) implements Trouble {
        public String label() {
            return "objects written by " + by;
        }
    }

    record Case(int order, Command command, Point point, Trouble trouble) {
        @Override
        public String toString() {
            return command.label + " @ " + point.label() + ": " + trouble.label();
        }
    }

    /** Every case, in the table's order; -Dbgkube.faultCases=REGEX runs those whose name matches (the table is then not checked). */
    static Stream<Case> cases() {
        return Stream.concat(concurrentCases(), outageCases()).sorted(Comparator.comparingInt(Case::order));
    }

    static Stream<Case> concurrentCases() {
        return selected(allCases().stream().filter(c -> !(c.trouble() instanceof Outage)));
    }

    /** An outage takes the whole API server away: these cases run one at a time, with no other case. */
    static Stream<Case> outageCases() {
        return selected(allCases().stream().filter(c -> c.trouble() instanceof Outage));
    }

    private static Stream<Case> selected(Stream<Case> cases) {
        Pattern only = Pattern.compile(System.getProperty("bgkube.faultCases", ".*"));
        return cases.filter(c -> only.matcher(c.toString()).find());
    }

    private static List<Case> allCases() {
        List<Case> cases = new ArrayList<>();
        Trouble error500 = new Api(Fault.status(500), "HTTP 500 once");
        Trouble conflict = new Api(Fault.status(409), "HTTP 409 once");
        Trouble forbidden = new Api(Fault.status(403), "HTTP 403 once");
        Trouble timeout = new Api(Fault.slow(Duration.ofSeconds(3)), "no answer before the client's timeout, once (applied)");
        Trouble dropped = new Api(Fault.drop(), "connection closed without an answer, once");
        Trouble shortOutage = new Outage(Duration.ofSeconds(1), "API server unreachable for 1 s");
        // Retries last 3 s here; 4 s ended during the undo's retries or after them, as the machine's load
        // decided. 10 s outlasts the failing step's retries and then its undo's, so the undo stops and
        // the user's next command, once the API server is back, finishes the release.
        Trouble longOutage = new Outage(Duration.ofSeconds(10), "API server unreachable for 10 s (longer than a step's retries and its undo's)");
        List<Trouble> api = List.of(error500, conflict, forbidden, timeout, dropped);
        List<Trouble> writes = List.of(forbidden, timeout);
        for (String step : List.of("deploy", "migrate", "smoke-test", "capacity", "swap")) {
            api.forEach(t -> cases.add(new Case(cases.size(), Command.PUBLISH, Point.step(step), t)));
            if (List.of("deploy", "swap").contains(step)) {
                writes.forEach(t -> cases.add(new Case(cases.size(), Command.PUBLISH, Point.stepWrite(step), t)));
                List.of(shortOutage, longOutage).forEach(t -> cases.add(new Case(cases.size(), Command.PUBLISH,
                        Point.step(step), t)));
            }
        }
        List.of(error500, forbidden).forEach(t -> cases.add(new Case(cases.size(), Command.NO_PROMOTE,
                Point.step("hold-preview"), t)));
        cases.add(new Case(cases.size(), Command.PROMOTE, Point.step("capacity"), forbidden));
        api.forEach(t -> cases.add(new Case(cases.size(), Command.PROMOTE, Point.step("swap"), t)));
        writes.forEach(t -> cases.add(new Case(cases.size(), Command.PROMOTE, Point.stepWrite("swap"), t)));
        api.forEach(t -> cases.add(new Case(cases.size(), Command.ABORT, Point.undo(), t)));
        writes.forEach(t -> cases.add(new Case(cases.size(), Command.ABORT, Point.undoWrite(), t)));
        cases.add(new Case(cases.size(), Command.ABORT, Point.undo(), longOutage));
        Point swapBack = Point.leaseTaken("swap back (after the lease is taken)", ", rollback, id ");
        api.forEach(t -> cases.add(new Case(cases.size(), Command.ROLLBACK, swapBack, t)));
        cases.add(new Case(cases.size(), Command.ROLLBACK, swapBack, longOutage));
        List.of(error500, forbidden).forEach(t -> cases.add(new Case(cases.size(), Command.WATCH, Point.step("watch"), t)));
        Point delayed = Point.leaseTaken("delayed scale-down (after the lease is taken again)", "scale-down after");
        api.forEach(t -> cases.add(new Case(cases.size(), Command.SCALE_DOWN, delayed, t)));
        cases.add(new Case(cases.size(), Command.SCALE_DOWN, delayed, longOutage));

        cases.add(new Case(cases.size(), Command.PUBLISH, Point.step("deploy"), new PodsNeverReady()));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.step("capacity"), new PodDeleted()));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.step("swap"), new PodDeleted()));
        cases.add(new Case(cases.size(), Command.WATCH, Point.step("watch"), new CrashLoop()));
        cases.add(new Case(cases.size(), Command.WATCH, Point.step("watch"), new HpaScales()));

        for (String step : List.of("deploy", "migrate", "smoke-test", "capacity", "swap", "scale-down")) {
            for (String signal : List.of("SIGINT", "SIGKILL")) {
                Command command = step.equals("scale-down") ? Command.SCALE_DOWN : Command.PUBLISH;
                cases.add(new Case(cases.size(), command, Point.step(step), new Signal(signal)));
            }
        }
        for (String signal : List.of("SIGINT", "SIGKILL")) {
            cases.add(new Case(cases.size(), Command.PUBLISH, Point.during("smoke-test"), new Signal(signal)));
            cases.add(new Case(cases.size(), Command.WATCH, Point.during("watch"), new Signal(signal)));
            cases.add(new Case(cases.size(), Command.PROMOTE, Point.step("swap"), new Signal(signal)));
            cases.add(new Case(cases.size(), Command.ABORT, Point.undo(), new Signal(signal)));
        }

        cases.add(new Case(cases.size(), Command.PUBLISH, Point.during("smoke-test"), new RacingRelease()));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.leaseTaken("start", ", publish 2, id "), new SkewedHolder(120)));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.leaseTaken("start", ", publish 2, id "), new SkewedHolder(-120)));
        cases.add(new Case(cases.size(), Command.NO_PROMOTE, Point.step("deploy"), new PendingScaleDown()));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.step("deploy"),
                new WrittenBefore("bg-kube before server-side apply (PUT)")));
        cases.add(new Case(cases.size(), Command.PUBLISH, Point.step("deploy"), new WrittenBefore("a client-side kubectl apply")));
        return cases;
    }

    @BeforeAll
    static void start(@TempDir Path shared) throws Exception {
        servers = TodoApiProcess.startAll(ProjectJars.todoApi(), Map.of(LIVE, Map.of(), IDLE, Map.of()));
        cluster = new MockCluster();
        traffic = LiveTraffic.start(shared, servers.get(LIVE), Duration.ofMinutes(10));
    }

    @AfterAll
    static void stop() throws Exception {
        traffic.close();
        cluster.close();
        servers.values().forEach(TodoApiProcess::close);
        String problem = TABLE.finish(allCases().size(), "write".equals(System.getProperty("bgkube.faultTable")));
        assertThat(problem).as("the fault table").isNull();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("concurrentCases")
    @ResourceLock(value = API_SERVER, mode = ResourceAccessMode.READ)
    void promisesHold(Case c) throws Exception {
        check(c);
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @MethodSource("outageCases")
    @ResourceLock(value = API_SERVER, mode = ResourceAccessMode.READ_WRITE)
    void promisesHoldThroughAnOutage(Case c) throws Exception {
        check(c);
    }

    private void check(Case c) throws Exception {
        String namespace = "fm-" + NAMESPACES.incrementAndGet();
        MockCluster.Namespace ns = cluster.namespace(namespace);
        try {
            TestProject project = project(namespace, c.command());
            arrange(project, c);
            Outcome outcome = act(project, namespace, c);
            Optional<Outcome> next = recover(project, c, outcome);
            assertPromises(project, namespace, c, outcome, next);
            TABLE.add(new FaultTable.Row(c.order(), c.command().label, c.point().label(), c.trouble().label(),
                    did(c, outcome, next), sees(outcome, namespace)));
        } finally {
            // 96 namespaces' simulators, each listing every 50 ms, would otherwise slow every later case.
            ns.close();
        }
    }

    private TestProject project(String namespace, Command command) {
        TestProject project = new TestProject(dir).set("NAMESPACE", namespace).loggingMigrations()
                .set("DEPLOYMENT_TIMEOUT", "8s").set("SERVICE_TIMEOUT", "8s").set("SMOKE_SERVICE_TIMEOUT", "8s");
        if (command == Command.WATCH) {
            project.withClusterIpServices().withMetricsPort();
            project.portForwarder().route("todo-api", servers.get(IDLE).grpcAddress())
                    .route("todo-api-smoke", servers.get(IDLE).grpcAddress())
                    .routePods("todo-api-blue", servers.get(IDLE).metricsAddress())
                    .routePods("todo-api-green", servers.get(IDLE).metricsAddress(), 2, servers.get(LIVE).metricsAddress());
        }
        if (command == Command.SCALE_DOWN) {
            project.set("SCALE_DOWN_DELAY", "30s");
        }
        return project;
    }

    /** Blue live at tag 1; for promote and abort a preview of tag 2 too; then the trouble's own setting. */
    private void arrange(TestProject project, Case c) {
        ClusterSimulator simulator = cluster.namespace(namespace(project)).simulator();
        if (c.trouble() instanceof WrittenBefore before) {
            writtenBefore(project, before);
        } else {
            ran(project, "publish", "--tag", "1");
        }
        if (c.command() == Command.WATCH) {
            // The watch needs a gate, and a gate brings the pre-promotion analysis: short, on processes nobody else loads.
            project.set("ANALYSIS_MAX_ERROR_RATE", "5%").set("ANALYSIS_WATCH", "4s")
                    .set("ANALYSIS_LOADTEST_JAR", ProjectJars.loadtest().toString()).set("ANALYSIS_DURATION", "2s")
                    .set("ANALYSIS_USERS", "1").set("ANALYSIS_WAIT_TIME", "constant:50ms").set("ANALYSIS_DEADLINE", "10s")
                    .set("ANALYSIS_WARM_UP", "1s");
        }
        if (c.command() == Command.PROMOTE || c.command() == Command.ABORT) {
            ran(project, "publish", "--tag", "2", "--no-promote");
        }
        if (c.command() == Command.ROLLBACK) {
            ran(project, "publish", "--tag", "2");
        }
        if (c.trouble() instanceof PodsNeverReady) {
            simulator.podsOf("todo-api-green", new ClusterSimulator.Waiting("ImagePullBackOff",
                    "Back-off pulling image \"registry.example/team/todo-api:2\""));
        }
        if (c.trouble() instanceof PendingScaleDown) {
            // An earlier release (blue to green, then back) left green's scale-down recorded, and it is due.
            ran(project, "publish", "--tag", "0");
            ran(project, "rollback");
            KubernetesClient client = cluster.client();
            client.services().inNamespace(namespace(project)).withName("todo-api").edit(service -> {
                service.getMetadata().getAnnotations().putAll(new ReleaseState.ScaleDown(Color.GREEN,
                        java.time.Instant.ofEpochSecond(TestProject.NOW), "an-earlier-release").annotations());
                return service;
            });
        }
    }

    private static String namespace(TestProject project) {
        return project.env("NAMESPACE");
    }

    private void ran(TestProject project, String... args) {
        TestProject.Run run = project.run(cluster, args);
        assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.out() + run.err()).isZero();
    }

    /**
     * What the case's command printed and how it ended; {@code child} when it ran as its own process;
     * {@code struck} the request the fault hit, e.g. {@code GET services/todo-api}.
     */
    record Outcome(int exitCode, String out, String err, boolean child, Optional<String> struck) {

        Outcome(int exitCode, String out, String err, boolean child) {
            this(exitCode, out, err, child, Optional.empty());
        }

        Outcome struck(Optional<ApiRequest> request) {
            return new Outcome(exitCode, out, err, child, request.map(FaultMatrixTest::describe));
        }
    }

    /** A request as the table names it: its method and the object's kind/name after the namespace. */
    private static String describe(ApiRequest request) {
        String path = request.path().replaceFirst("^.*/namespaces/[^/]+/", "");
        return request.method() + " " + path;
    }

    private Outcome act(TestProject project, String namespace, Case c) throws Exception {
        String[] args = switch (c.command()) {
            case PUBLISH, WATCH, SCALE_DOWN -> new String[] {"publish", "--tag", "2"};
            case NO_PROMOTE -> new String[] {"publish", "--tag", "2", "--no-promote"};
            case PROMOTE -> new String[] {"promote"};
            case ABORT -> new String[] {"abort"};
            case ROLLBACK -> new String[] {"rollback"};
        };
        Trouble trouble = c.trouble();
        if (trouble instanceof Signal signal) {
            return signalled(project, namespace, c.point(), signal, args);
        }
        if (trouble instanceof SkewedHolder skewed) {
            return refusedThenTakenOver(project, namespace, skewed, args);
        }
        if (trouble instanceof RacingRelease) {
            return raced(project, args);
        }
        if (trouble instanceof PendingScaleDown || trouble instanceof WrittenBefore) {
            return inProcess(project, args);
        }
        InjectedFault entering = cluster.api().inject(FaultRule.on(c.point().entering(namespace), Fault.hold()).times(1));
        CompletableFuture<TestProject.Run> run = CompletableFuture.supplyAsync(() -> project.run(cluster, args));
        HeldRequest held = awaitHeld(entering, run);
        if (held == null) {
            return outcome(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        RequestMatcher next = (c.point().firstWrite() ? RequestMatcher.writes() : RequestMatcher.any())
                .inNamespace(namespace).notPath("/leases/");
        if (trouble instanceof Api fault) {
            InjectedFault injected = cluster.api().inject(FaultRule.on(next, fault.fault()).times(1));
            held.release();
            Outcome outcome = outcome(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            return outcome.struck(injected.hits().stream().findFirst());
        } else if (trouble instanceof Outage outage) {
            InjectedFault first = cluster.api().inject(FaultRule.on(next, Fault.hold()).times(1));
            held.release();
            HeldRequest request = awaitHeld(first, run);
            MockApiServer.Outage down = request == null ? null : cluster.api().outage(outage.duration());
            Outcome outcome = outcome(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            if (down != null) {
                // The user's next command comes once the API server is back: what status says then
                // must not depend on whether bg-kube gave up before or after the outage ended.
                down.awaitOver(WAIT);
            }
            return outcome.struck(Optional.ofNullable(request).map(HeldRequest::request));
        } else {
            ClusterSimulator simulator = cluster.namespace(namespace).simulator();
            held.release();
            if (trouble instanceof PodDeleted) {
                simulator.deletePod("todo-api-green");
            } else if (trouble instanceof CrashLoop) {
                simulator.crashLoop("todo-api-green", ClusterSimulator.Termination.OOM_KILLED);
            } else if (trouble instanceof HpaScales) {
                simulator.autoscale("todo-api-green", 3);
            }
        }
        return outcome(run.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    private static Outcome outcome(TestProject.Run run) {
        return new Outcome(run.exitCode(), run.out(), run.err(), false);
    }

    private Outcome inProcess(TestProject project, String[] args) {
        return outcome(project.run(cluster, args));
    }

    /** The request the fault holds once it arrives; null if the command ended before making it. */
    private static HeldRequest awaitHeld(InjectedFault fault, CompletableFuture<?> run) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return fault.awaitHeld(Duration.ofMillis(200));
            } catch (AssertionError notYet) {
                if (run.isDone()) {
                    fault.remove();
                    return null;
                }
            }
        }
        throw new AssertionError("the command never reached " + fault.rule());
    }

    /** The command as its own process, signalled as it enters the step or while the step waits. */
    private Outcome signalled(TestProject project, String namespace, Point point, Signal signal, String[] args)
            throws Exception {
        Path started = dir.resolve("step-started");
        Path proceed = dir.resolve("step-proceed");
        if (point.during() && point.label().endsWith("smoke-test")) {
            project.set("SMOKE_TESTS_COMMAND", "touch " + started + "; i=0; while [ ! -f " + proceed
                    + " ] && [ $i -lt 400 ]; do sleep 0.1; i=$((i+1)); done");
        }
        InjectedFault entering = cluster.api().inject(FaultRule.on(point.entering(namespace), Fault.hold()).times(1));
        try (BgKubeChild child = child(project, args)) {
            HeldRequest held = awaitHeld(entering, child);
            if (point.during()) {
                held.release();
                if (point.label().endsWith("smoke-test")) {
                    awaitFile(started, child);
                } else {
                    child.awaitLine(Pattern.compile("watch \\d+s: "), WAIT);
                }
                signal(child, signal);
            } else {
                signal(child, signal);
                if (signal.name().equals("SIGKILL")) {
                    held.abandon();
                } else {
                    held.release();
                }
            }
            int exit = child.awaitExit(WAIT);
            Files.writeString(proceed, "");
            return new Outcome(exit, child.out(), child.err(), true);
        }
    }

    /** The command as its own process, its port-forwards routed as the in-process runs' are. */
    private BgKubeChild child(TestProject project, String[] args) {
        List<String> argv = new ArrayList<>(List.of("--env-file", project.writeEnvFile().toString()));
        argv.addAll(List.of(args));
        BgKubeChild.Builder child = project.child(cluster);
        if (project.env("ANALYSIS_WATCH") != null) {
            child.forwardService("todo-api", servers.get(IDLE).grpcAddress())
                    .forwardService("todo-api-smoke", servers.get(IDLE).grpcAddress())
                    .forwardPods("todo-api-blue", servers.get(IDLE).metricsAddress())
                    .forwardPods("todo-api-green", servers.get(LIVE).metricsAddress());
        }
        return child.start("bg-kube", argv.toArray(String[]::new));
    }

    /** The request the fault holds once the child makes it; fails with the child's output if it exits first. */
    private static HeldRequest awaitHeld(InjectedFault fault, BgKubeChild child) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return fault.awaitHeld(Duration.ofMillis(200));
            } catch (AssertionError notYet) {
                if (!child.isAlive()) {
                    throw new AssertionError("bg-kube ended before " + fault.rule() + "\nstdout:\n" + child.out()
                            + "\nstderr:\n" + child.err());
                }
            }
        }
        throw new AssertionError("bg-kube never made " + fault.rule() + "\nstdout:\n" + child.out());
    }

    private static void signal(BgKubeChild child, Signal signal) {
        if (signal.name().equals("SIGKILL")) {
            child.kill();
        } else {
            child.interrupt();
        }
    }

    private static void awaitFile(Path file, BgKubeChild child) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(file) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Another bg-kube holds the lease and renews it with a skewed clock: refused; once it stops, taken over. */
    private Outcome refusedThenTakenOver(TestProject project, String namespace, SkewedHolder skewed, String[] args)
            throws Exception {
        KubernetesClient client = cluster.client();
        String holder = "alice@laptop (pid 42, publish 7, id 0a1b2c3d)";
        ZonedDateTime skew = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(skewed.seconds());
        client.leases().inNamespace(namespace).withName(LEASE).edit(lease -> new LeaseBuilder(lease).editSpec()
                .withHolderIdentity(holder).withLeaseDurationSeconds(2).withRenewTime(skew).endSpec().build());
        ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor();
        TestProject.Run refused;
        try {
            renewal.scheduleAtFixedRate(() -> client.leases().inNamespace(namespace).withName(LEASE).edit(lease ->
                    new LeaseBuilder(lease).editSpec().withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)
                            .plusSeconds(skewed.seconds())).endSpec().build()), 300, 300, TimeUnit.MILLISECONDS);
            refused = project.run(cluster, args);
        } finally {
            renewal.shutdownNow();
            renewal.awaitTermination(5, TimeUnit.SECONDS);
        }
        Lease lease = client.leases().inNamespace(namespace).withName(LEASE).get();
        assertThat(lease.getSpec().getHolderIdentity()).as("the live holder keeps its lease").isEqualTo(holder);
        TestProject.Run later = project.run(cluster, args);
        return new Outcome(refused.exitCode(), refused.out() + later.out(), refused.err()
                + "then, its holder stopped: exit " + later.exitCode() + later.err(), false);
    }

    /** A second publish while the first one runs its smoke tests. */
    private Outcome raced(TestProject project, String[] args) throws Exception {
        Path started = dir.resolve("smoke-started");
        Path proceed = dir.resolve("smoke-proceed");
        project.set("SMOKE_TESTS_COMMAND", "touch " + started + "; i=0; while [ ! -f " + proceed
                + " ] && [ $i -lt 400 ]; do sleep 0.1; i=$((i+1)); done");
        CompletableFuture<TestProject.Run> first = CompletableFuture.supplyAsync(() -> project.run(cluster, args));
        while (!Files.exists(started) && !first.isDone()) {
            Thread.sleep(50);
        }
        TestProject second = new TestProject(Files.createDirectories(dir.resolve("second")))
                .set("NAMESPACE", namespace(project));
        TestProject.Run refused = second.run(cluster, "publish", "--tag", "3");
        Files.writeString(proceed, "");
        TestProject.Run run = first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(3);
        assertThat(refused.err()).contains("another release is running");
        return new Outcome(run.exitCode(), run.out(), run.err() + "the second publish: exit 3, "
                + refused.err().replaceFirst("^bg-kube: ", ""), false);
    }

    /**
     * The next command a user runs: after a failure, {@code status}, then the command it names (finish
     * or undo the release), alternating between them so both paths are exercised.
     */
    private Optional<Outcome> recover(TestProject project, Case c, Outcome outcome) {
        TestProject.Run status = project.run(cluster, "status");
        String context = c + "\nout:\n" + outcome.out() + "\nerr:\n" + outcome.err() + "\nstatus:\n" + status.out()
                + status.err();
        assertThat(status.exitCode()).as(context).isZero();
        if (!status.out().contains("release interrupted: ") && !status.out().contains("release in progress: ")) {
            return Optional.empty();
        }
        assertThat(status.out()).as("status names the interrupted release and what to run\n" + context).contains("next: ");
        String next = status.out().lines().filter(line -> line.contains("next: ")).findFirst().orElseThrow();
        List<String> args;
        boolean finish = c.order() % 2 == 0;
        if (next.contains("bg-kube publish --tag") && finish) {
            String command = next.substring(next.indexOf("bg-kube publish"), next.indexOf(" finishes it"));
            args = List.of(command.replaceFirst("^bg-kube ", "").split(" "));
        } else if (next.contains("bg-kube promote finishes") && finish) {
            args = List.of("promote");
        } else {
            args = List.of(outcome.child() ? "rollback" : "abort");
        }
        TestProject.Run run = project.run(cluster, args.toArray(String[]::new));
        return Optional.of(new Outcome(run.exitCode(), "bg-kube " + String.join(" ", args) + "\n" + run.out(), run.err(), false));
    }

    /** The five promises, against the cluster as the command (and the next one) left it. */
    private void assertPromises(TestProject project, String namespace, Case c, Outcome outcome, Optional<Outcome> next) {
        MockCluster.Namespace ns = cluster.namespace(namespace);
        String context = c + "\nout:\n" + outcome.out() + "\nerr:\n" + outcome.err()
                + next.map(n -> "\nthen " + n.out() + n.err()).orElse("");
        // 1. The public Service selects a color whose pods are ready, at the live color's capacity (2 replicas).
        String live = ns.selector("todo-api").get("color");
        assertThat(awaitReady(ns, "todo-api-" + live, 2)).as("ready pods of the live color " + live + "\n" + context)
                .isGreaterThanOrEqualTo(2);
        // 2. The color live before the command was never scaled down unless the new one was verified.
        String before = c.command() == Command.ROLLBACK ? "green" : "blue";
        boolean verified = live.equals(before.equals("blue") ? "green" : "blue") && outcome.exitCode() == 0;
        if (!(c.command() == Command.SCALE_DOWN && verified)) {
            assertThat(cluster.api().requests(RequestMatcher.writes().inNamespace(namespace)
                    .path("/deployments/todo-api-" + before + "/scale$").bodyContaining("\"replicas\":0")))
                    .as("the previous color " + before + " was never scaled down\n" + context).isEmpty();
        }
        // 3. The lease is released, or (its holder could not release it: killed, or the API server away) expires.
        Lease lease = releasedOrExpired(namespace, context);
        // 4. A failure says what happened and what to run next.
        if (outcome.exitCode() != 0 && outcome.exitCode() != 137) {
            assertThat(outcome.err()).as("the message says where things stand\n" + context).containsAnyOf(
                    "left unchanged", "selects blue again", "bg-kube abort", "bg-kube publish --tag", "another release",
                    "stays recorded", "stays live", "undid nothing", "nothing was changed", "bg-kube status shows which");
        }
        // 5. Applied migrations are rolled back, or recorded: with the live release, a preview, or the
        // record of a release whose undo could not finish (which is then all that may be left half done).
        Optional<ReleaseRecord> left = ReleaseRecord.on(lease.getMetadata().getAnnotations() == null ? Map.of()
                : lease.getMetadata().getAnnotations());
        assertThat(left.map(ReleaseRecord::phase).orElse(ReleaseRecord.Phase.UNDO_INCOMPLETE))
                .as("no release left half done, but one whose undo could not finish\n" + context)
                .isEqualTo(ReleaseRecord.Phase.UNDO_INCOMPLETE);
        List<String> migrations = project.migrationsLog();
        int lastApplied = migrations.lastIndexOf("applied");
        boolean rolledBack = lastApplied >= 0 && migrations.subList(lastApplied, migrations.size()).stream()
                .anyMatch(line -> line.startsWith("rolled-back migration-status-42"));
        boolean recorded = live.equals("green") || previewMigrated(ns)
                || left.map(ReleaseRecord::migrationApplied).orElse(false);
        if (lastApplied >= 0 && c.command() != Command.ROLLBACK) {
            assertThat(rolledBack || recorded).as("applied migrations are rolled back or recorded: " + migrations
                    + "\n" + context).isTrue();
        }
    }

    /** The lease, once released; or, still held, after it went unrenewed for its duration (expired). */
    private static Lease releasedOrExpired(String namespace, String context) {
        Lease lease = cluster.client().leases().inNamespace(namespace).withName(LEASE).get();
        if (lease.getSpec().getHolderIdentity() == null) {
            return lease;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(lease.getSpec().getLeaseDurationSeconds() + 1).toNanos();
        while (System.nanoTime() < deadline) {
            Lease now = cluster.client().leases().inNamespace(namespace).withName(LEASE).get();
            assertThat(now.getMetadata().getResourceVersion()).as("a lease still held is not renewed: it expires\n"
                    + context).isEqualTo(lease.getMetadata().getResourceVersion());
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return lease;
    }

    private static boolean previewMigrated(MockCluster.Namespace ns) {
        Deployment green = ns.deployment("todo-api-green");
        return green != null && green.getMetadata().getAnnotations() != null
                && "true".equals(green.getMetadata().getAnnotations().get(ReleaseState.PREFIX + "preview-migration-applied"));
    }

    private static int awaitReady(MockCluster.Namespace ns, String deployment, int replicas) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Supplier<Integer> ready = () -> {
            Deployment d = ns.deployment(deployment);
            return d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
                    : d.getStatus().getReadyReplicas();
        };
        while (ready.get() < replicas && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ready.get();
    }

    /** What bg-kube did, in a few words: where the fault hit, then what it printed it did. */
    private static String did(Case c, Outcome outcome, Optional<Outcome> next) {
        List<String> done = new ArrayList<>();
        outcome.struck().ifPresent(request -> done.add("the fault hit " + request));
        String all = outcome.out() + outcome.err();
        if (outcome.exitCode() == 137) {
            done.add("killed: no undo");
        } else if (outcome.exitCode() == 0) {
            done.add((outcome.struck().isPresent() ? "rode it out: " : "")
                    + (all.contains("previewing ") ? "preview held" : all.contains("published ") ? "finished the release"
                    : all.contains("rolled back: ") ? "rolled back" : "finished the undo"));
        } else {
            if (all.contains("another release is running")) {
                done.add("refused: another release holds the lease");
            }
            if (all.contains("lost lease")) {
                done.add("stopped: lost its lease, undid nothing");
            }
            if (all.contains("swapped back: ")) {
                done.add("swapped back");
            }
            if (all.contains("ran the rollback command")) {
                done.add("rolled the migrations back");
            }
            if (all.contains("aborted: green scaled to 0")) {
                done.add("took green out");
            }
            if (all.contains("the undo could not start")) {
                done.add("kept the release's record (its undo could not start)");
            }
            if (all.contains("undo stopped") || all.contains("the undo failed")) {
                done.add("kept the release's record (its undo could not finish)");
            }
            if (all.contains("stays live unverified")) {
                done.add("held green live, unverified");
            }
            if (done.size() == outcome.struck().stream().count()) {
                done.add(all.contains("published, but") ? "finished the release; left the scale-down recorded"
                        : "stopped; nothing to undo");
            }
        }
        if (all.contains("the second publish: exit 3")) {
            done.add("refused the second publish");
        }
        next.ifPresent(n -> done.add("then `" + n.out().lines().findFirst().orElse("") + "` "
                + (n.exitCode() == 0 ? "finished it" : "failed (exit " + n.exitCode() + ")")));
        return String.join("; ", done);
    }

    /** Exit code and the message's first clause, without what changes from run to run (ports, pids, times, restart counts). */
    private static String sees(Outcome outcome, String namespace) {
        String err = outcome.err().lines().filter(line -> line.startsWith("bg-kube: ") && !line.startsWith("bg-kube: stopping"))
                .findFirst().orElse("").replaceFirst("^bg-kube: ", "");
        String first = err.contains("; ") ? err.substring(0, err.indexOf("; ")) : err;
        String normalised = first.replace(namespace, "NS")
                .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z", "TIME")
                .replaceAll("\\(pid \\d+, ([^)]*), id [0-9a-f]{8}\\)", "(pid N, $1, id ID)")
                .replaceAll("\\S+@\\S+ \\(pid", "USER@HOST (pid")
                .replaceAll("todo-api-green-[0-9a-z-]+", "todo-api-green-POD")
                .replaceAll("\\d+ restarts", "N restarts").replaceAll("back-off \\d+s", "back-off Ns")
                .replaceAll("/tmp/[^ ']+", "FILE");
        return "exit " + outcome.exitCode() + (normalised.isEmpty() ? "" : ": " + normalised);
    }

    /** Blue live at tag 1 and green idle at tag 0, their objects written by an earlier tool. */
    private void writtenBefore(TestProject project, WrittenBefore before) {
        String namespace = namespace(project);
        KubernetesClient client = cluster.client();
        for (String[] colorTag : new String[][] {{"green", "0"}, {"blue", "1"}}) {
            TestProject.Run render = project.run(cluster, "render", "--color", colorTag[0], "--tag", colorTag[1]);
            List<HasMetadata> objects = client.load(new ByteArrayInputStream(render.out().getBytes(StandardCharsets.UTF_8)))
                    .items();
            for (HasMetadata object : objects) {
                boolean wanted = List.of("Deployment", "HorizontalPodAutoscaler").contains(object.getKind())
                        || object.getKind().equals("Service") && object.getMetadata().getName().equals("todo-api")
                        && colorTag[0].equals("blue");
                if (wanted && before.by().startsWith("bg-kube")) {
                    PriorWrites.oldBgKubeApply(client, namespace, object);
                } else if (wanted) {
                    PriorWrites.kubectlClientSideApply(client, namespace, object);
                }
            }
        }
    }
}
