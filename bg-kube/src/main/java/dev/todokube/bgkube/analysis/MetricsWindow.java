package dev.todokube.bgkube.analysis;

import java.net.URI;
import java.util.List;

/**
 * The service's own counters over a window that opens now and grows with each reading: what the
 * post-promotion watch checks while real traffic reaches the new live color.
 */
public final class MetricsWindow {

    private final MetricsScraper scraper;
    private final List<URI> endpoints;
    private final MetricsScraper.Snapshot opened;

    private MetricsWindow(MetricsScraper scraper, List<URI> endpoints, MetricsScraper.Snapshot opened) {
        this.scraper = scraper;
        this.endpoints = List.copyOf(endpoints);
        this.opened = opened;
    }

    /** Scrapes every endpoint once, as the window's start. */
    public static MetricsWindow open(MetricsScraper scraper, List<URI> endpoints) throws InterruptedException {
        return new MetricsWindow(scraper, endpoints, scraper.scrape(endpoints));
    }

    /** What the endpoints counted since the window opened. */
    public ServerMetrics sinceOpened() throws InterruptedException {
        return MetricsScraper.between(endpoints, opened, scraper.scrape(endpoints));
    }
}
