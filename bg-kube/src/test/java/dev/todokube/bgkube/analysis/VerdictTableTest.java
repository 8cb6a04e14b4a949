package dev.todokube.bgkube.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verdict table of given figures: how each side was reached, when the plan says, and a warning when they differ. */
class VerdictTableTest {

    private static final Route FORWARD = new Route.PortForward(1, "todo-api-green");
    private static final Route LIVE_FORWARD = new Route.PortForward(1, "todo-api-blue");
    private static final Route LIVE_SERVICE = new Route.ThroughService("todo-api", "34.76.10.1:8001");

    @Test
    void sidesReachedTheSameWayAreNamedWithoutAWarning() {
        String table = VerdictTable.render(result(new AnalysisPlan.Routes(FORWARD, Optional.of(LIVE_FORWARD))));

        assertThat(table).contains("target reached through port-forward to 1 pod of todo-api-green\n"
                + "baseline reached through port-forward to 1 pod of todo-api-blue\n").doesNotContain("note:");
    }

    /** The production case: the live side through its load balancer, the new one through a port-forward. */
    @Test
    void sidesReachedDifferentlyAreFlagged() {
        AnalysisResult result = result(new AnalysisPlan.Routes(FORWARD, Optional.of(LIVE_SERVICE)));

        assertThat(VerdictTable.render(result)).contains("baseline reached through Service todo-api at 34.76.10.1:8001\n"
                + "note: the sides were reached through different kinds of path, so a ratio of their latencies compares "
                + "the paths as well as the versions\n");
        assertThat(result.plan().describe()).contains("  note: the sides are reached through different kinds of path");
    }

    @Test
    void withoutRoutesOnlyTheAddressesAreShown() {
        assertThat(VerdictTable.render(result(null))).doesNotContain("reached through");
    }

    private static AnalysisResult result(AnalysisPlan.Routes routes) {
        AnalysisPlan plan = new AnalysisPlan(List.of("127.0.0.1:18002"), List.of("127.0.0.1:18001"),
                new LoadShape(Duration.ofSeconds(10), 20, 20, "GetTodos=1", Optional.empty(), Duration.ofSeconds(5),
                        Optional.empty()), Gates.none(), List.of(), List.of());
        if (routes != null) {
            plan = plan.withRoutes(routes);
        }
        SideResult target = new SideResult("target", plan.target(), 300, 0, 4, 7, 9, 30, 10, Map.of(), List.of(), List.of());
        SideResult baseline = new SideResult("baseline", plan.baseline(), 300, 0, 4, 7, 9, 30, 10, Map.of(), List.of(),
                List.of());
        return new AnalysisResult(plan, Instant.EPOCH, target, Optional.of(baseline),
                Verdict.of(plan.gates(), target, Optional.of(baseline)));
    }
}
