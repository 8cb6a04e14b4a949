package dev.todokube.bgkube.analysis;

import dev.todokube.bgkube.ClusterException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The service's own counters over a window that opens now and grows with each reading: what the
 * post-promotion watch checks while real traffic reaches the new live color. The replicas may
 * change under it (an autoscaler adds pods as traffic arrives, a pod is replaced): each reading asks
 * for the current endpoints by name, a replica first seen after the window opened counts from zero
 * (everything it served, it served inside the window), and one that is gone keeps what it counted
 * at its last reading.
 */
public final class MetricsWindow {

    private final MetricsScraper scraper;
    private final Supplier<Map<String, URI>> endpoints;
    private final Consumer<String> log;
    private final Map<String, MetricsScraper.Snapshot> opened = new HashMap<>();
    private final Map<String, MetricsScraper.Snapshot> latest = new HashMap<>();
    private final Map<String, URI> sources = new TreeMap<>();

    private MetricsWindow(MetricsScraper scraper, Supplier<Map<String, URI>> endpoints, Consumer<String> log) {
        this.scraper = scraper;
        this.endpoints = endpoints;
        this.log = log;
    }

    /**
     * Reads every current endpoint once, as the window's start.
     *
     * @param endpoints the replicas' metrics endpoints by replica name (e.g. pod name), asked again at each reading
     * @throws ClusterException no endpoint, or one cannot be read
     */
    public static MetricsWindow open(MetricsScraper scraper, Supplier<Map<String, URI>> endpoints, Consumer<String> log)
            throws InterruptedException {
        MetricsWindow window = new MetricsWindow(scraper, endpoints, log);
        Map<String, URI> current = endpoints.get();
        if (current.isEmpty()) {
            throw new ClusterException("no metrics endpoint to open a window on");
        }
        for (Map.Entry<String, URI> replica : current.entrySet()) {
            MetricsScraper.Snapshot snapshot = scraper.scrape(List.of(replica.getValue()));
            window.opened.put(replica.getKey(), snapshot);
            window.latest.put(replica.getKey(), snapshot);
            window.sources.put(replica.getKey(), replica.getValue());
        }
        return window;
    }

    /**
     * What the replicas counted since the window opened. A replica that cannot be read keeps its
     * last reading (it may be shutting down); it fails only when none can be read.
     */
    public ServerMetrics sinceOpened() throws InterruptedException {
        Map<String, URI> current = endpoints.get();
        int read = 0;
        for (Map.Entry<String, URI> replica : current.entrySet()) {
            String name = replica.getKey();
            if (!opened.containsKey(name)) {
                log.accept("metrics window: new replica " + name + ", counted from zero");
                opened.put(name, MetricsScraper.Snapshot.EMPTY);
                latest.put(name, MetricsScraper.Snapshot.EMPTY);
            }
            sources.put(name, replica.getValue());
            try {
                latest.put(name, scraper.scrape(List.of(replica.getValue())));
                read++;
            } catch (ClusterException e) {
                log.accept("metrics window: " + e.getMessage() + "; " + name + " keeps its last reading");
            }
        }
        if (read == 0) {
            throw new ClusterException("no metrics endpoint could be read: " + current.values());
        }
        MetricsScraper.Snapshot total = MetricsScraper.Snapshot.EMPTY;
        for (Map.Entry<String, MetricsScraper.Snapshot> replica : latest.entrySet()) {
            total = total.plus(replica.getValue().since(opened.get(replica.getKey())));
        }
        return total.toMetrics(new ArrayList<>(sources.values()));
    }
}
