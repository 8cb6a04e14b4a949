package dev.todokube.bgkube.deploy.step;

import dev.todokube.bgkube.SmokeTestException;
import dev.todokube.bgkube.cluster.PortForwarder;
import dev.todokube.bgkube.deploy.Release;
import dev.todokube.bgkube.process.CommandRunner;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies the new color's smoke Service and runs the smoke tests command locally against it (its
 * load balancer's address, else a port-forward). A failure fails the release (exit code 4), whose undo
 * then rolls the migrations back and takes the new color out; the smoke Service itself stays (it
 * selects the idle color only and is applied again by the next publish).
 */
public record SmokeTest(String service, Optional<String> command, Duration timeout) implements Step {

    @Override
    public String describe() {
        return "smoke test: apply service " + service + ", wait up to " + timeout.toSeconds()
                + "s for its address (else port-forward)"
                + command.map(c -> ", run '" + c + "' with TEST_HOST=<scheme>://<host>:<port> and TEST_ADDRESS=<host>:<port>")
                        .orElse("");
    }

    @Override
    public String name() {
        return "smoke-test";
    }

    @Override
    public void run(Release release) {
        var plan = release.plan();
        var smoke = release.manifests().smokeService(plan.target(), plan.image().tag()).orElseThrow();
        smoke.objects().forEach(release.cluster()::apply);
        CommandRunner.Result result;
        String address;
        try (PortForwarder.Tunnel tunnel = release.cluster().reach(service, timeout)) {
            address = tunnel.address();
            if (command.isEmpty()) {
                release.log("smoke service " + service + " reachable at " + address + " (no smoke tests command)");
                return;
            }
            String testHost = scheme(smoke.single(Service.class)) + "://" + address;
            release.log("running smoke tests with TEST_HOST=" + testHost + " TEST_ADDRESS=" + address + ": " + command.get());
            Map<String, String> environment = new HashMap<>(Map.of("TEST_HOST", testHost, "TEST_ADDRESS", address));
            release.settings().kopsStateStore().ifPresent(store -> environment.put("KOPS_STATE_STORE", store));
            result = release.tools().commands().run(CommandRunner.Command.of(List.of("sh", "-c", command.get()))
                    .withEnvironment(environment).withTimeout(release.settings().commandTimeout()));
        }
        if (!result.succeeded()) {
            throw new SmokeTestException("smoke tests failed (exit code " + result.exitCode() + ") against "
                    + plan.target().label() + " at " + address);
        }
        release.log("smoke tests passed");
    }

    /** TEST_HOST's scheme, as the original's: the name of the smoke Service's first port, else http. */
    private static String scheme(Service smoke) {
        List<ServicePort> ports = smoke.getSpec().getPorts();
        String name = ports == null || ports.isEmpty() ? null : ports.get(0).getName();
        return name == null || name.isBlank() ? "http" : name;
    }
}
