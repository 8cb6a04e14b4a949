package dev.todokube.bgkube.testing;

import dev.todokube.bgkube.cli.BgKube;
import dev.todokube.bgkube.cli.Toolbox;
import java.util.Properties;

/**
 * The main class of {@link BgKubeChild}: bg-kube's command line as its own main runs it (a SIGINT or
 * SIGTERM stops the command, which undoes its release before the process ends) with the production
 * toolbox (the kubeconfig from {@code KUBECONFIG}, real local commands, the real clock and sleeps),
 * except that commands "in a pod" run here ({@link LocalPodExec}), port-forwards report fixed
 * addresses ({@link FixedPortForwarder}, routed by system properties) and the timings are the tests'
 * ({@link TestProject#TIMING}: 100 ms polls, a 3 s lease).
 *
 * <p>System properties: {@value #FORWARD} the address every tunnel reports,
 * {@value #FORWARD_SERVICE}{@code <service>} and {@value #FORWARD_PODS}{@code <pod name prefix>}
 * the address of tunnels to that Service or those pods.
 */
public final class BgKubeChildMain {

    static final String FORWARD = "bgkube.child.forward";
    static final String FORWARD_SERVICE = "bgkube.child.forward.service.";
    static final String FORWARD_PODS = "bgkube.child.forward.pods.";

    private BgKubeChildMain() {
    }

    public static void main(String[] args) {
        Toolbox production = Toolbox.production(System.out, System.err);
        FixedPortForwarder forwarder = forwarder(System.getProperties());
        LocalPodExec podExec = new LocalPodExec();
        Toolbox toolbox = new Toolbox(production.out(), production.err(), production.connect(), client -> podExec,
                client -> forwarder, production.commands(), production.sleeper(), production.clock(),
                TestProject.TIMING, production.jibCache(), production.stop());
        System.exit(BgKube.run(toolbox, args));
    }

    static FixedPortForwarder forwarder(Properties properties) {
        FixedPortForwarder forwarder = new FixedPortForwarder(properties.getProperty(FORWARD, "127.0.0.1:18001"));
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(FORWARD_SERVICE)) {
                forwarder.route(key.substring(FORWARD_SERVICE.length()), properties.getProperty(key));
            } else if (key.startsWith(FORWARD_PODS)) {
                forwarder.routePods(key.substring(FORWARD_PODS.length()), properties.getProperty(key));
            }
        }
        return forwarder;
    }
}
