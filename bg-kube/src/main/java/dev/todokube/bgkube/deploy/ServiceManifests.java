package dev.todokube.bgkube.deploy;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.template.Manifests;
import dev.todokube.bgkube.template.RenderedManifest;
import dev.todokube.bgkube.template.Template;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The templates of one service (Deployment, public Service, and the optional smoke Service,
 * seed Jobs and HPA), rendered per color and tag, and checked for what blue/green needs.
 */
public final class ServiceManifests {

    private final Settings settings;
    private final Template deployment;
    private final Template service;
    private final Optional<Template> smokeService;
    private final Optional<Template> seedJobs;
    private final Optional<Template> hpa;
    private final List<Template> extras;

    private ServiceManifests(Settings settings) {
        this.settings = settings;
        this.deployment = Template.load(settings.deploymentConfig());
        this.service = Template.load(settings.serviceConfig());
        this.smokeService = settings.smokeServiceConfig().map(Template::load);
        this.seedJobs = settings.dbMigrationsJobConfigSeed().map(Template::load);
        this.hpa = settings.hpaConfig().map(Template::load);
        this.extras = settings.extraConfigs().stream().map(Template::load).toList();
        if (settings.smokeTestsCommand().isPresent() && smokeService.isEmpty()) {
            throw new ConfigurationException("--smoke-tests-command needs --smoke-service-config (SMOKE_SERVICE_CONFIG): "
                    + "the tests reach the new color through that Service");
        }
    }

    /** Loads the templates and renders every one for both colors, so any template error surfaces now. */
    public static ServiceManifests load(Settings settings, String tag) {
        ServiceManifests manifests = new ServiceManifests(settings);
        manifests.check(tag);
        return manifests;
    }

    public RenderedManifest deployment(Color color, String tag) {
        RenderedManifest rendered = render(deployment, color, tag);
        if (rendered.all(Deployment.class).isEmpty()) {
            throw new ConfigurationException(deployment.source() + ": no Deployment in the deployment config");
        }
        return rendered;
    }

    public RenderedManifest service(Color color, String tag) {
        RenderedManifest rendered = render(service, color, tag);
        List<Service> services = rendered.all(Service.class);
        if (services.isEmpty()) {
            throw new ConfigurationException(service.source() + ": no Service in the service config");
        }
        for (Service svc : services) {
            if (svc.getSpec() == null || svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
                throw new ConfigurationException(service.source() + ": Service " + svc.getMetadata().getName()
                        + " has no selector");
            }
        }
        return rendered;
    }

    public Optional<RenderedManifest> smokeService(Color color, String tag) {
        return smokeService.map(t -> {
            RenderedManifest rendered = render(t, color, tag);
            rendered.single(Service.class);
            return rendered;
        });
    }

    public Optional<RenderedManifest> seedJobs(Color color, String tag) {
        return seedJobs.map(t -> {
            RenderedManifest rendered = render(t, color, tag);
            if (rendered.all(Job.class).isEmpty()) {
                throw new ConfigurationException(t.source() + ": no Job in the seed config");
            }
            return rendered;
        });
    }

    public Optional<RenderedManifest> hpa(Color color, String tag) {
        return hpa.map(t -> {
            RenderedManifest rendered = render(t, color, tag);
            if (rendered.all(HorizontalPodAutoscaler.class).isEmpty()) {
                throw new ConfigurationException(t.source() + ": no HorizontalPodAutoscaler (autoscaling/v2) in the HPA config");
            }
            return rendered;
        });
    }

    /** The extra configs for one color, applied before its Deployment. */
    public List<RenderedManifest> extras(Color color, String tag) {
        return extras.stream().map(t -> render(t, color, tag)).toList();
    }

    /** Names of every Deployment of the color (e.g. a load-test master and its workers). */
    public List<String> deploymentNames(Color color) {
        return deployment(color, "0").all(Deployment.class).stream().map(d -> d.getMetadata().getName()).toList();
    }

    /**
     * The Deployment the public Service sends this color's traffic to: the first whose pods carry
     * the Service's selector. Migrations run in its pods; a rollback needs its pods ready.
     */
    public String servedDeployment(Color color) {
        return served(color, "0").getMetadata().getName();
    }

    /** Whether the served Deployment's pods have a container port named {@code portName}. */
    public boolean servedPodsHavePort(Color color, String portName) {
        return served(color, "0").getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(container -> Optional.ofNullable(container.getPorts()).orElse(List.of()).stream())
                .anyMatch(port -> portName.equals(port.getName()));
    }

    /** Where the Deployment manifests come from, for error messages. */
    public String deploymentSource() {
        return deployment.source();
    }

    private Deployment served(Color color, String tag) {
        Map<String, String> selector = selectorFor(color);
        List<Deployment> deployments = deployment(color, tag).all(Deployment.class);
        return deployments.stream()
                .filter(d -> podLabels(d).entrySet().containsAll(selector.entrySet()))
                .findFirst()
                .orElseThrow(() -> new ConfigurationException(service.source() + ": with COLOR=" + color.label()
                        + " the Service selects " + selector + " but no Deployment of " + deployment.source()
                        + " has pods with those labels (they have " + deployments.stream().map(ServiceManifests::podLabels).toList()
                        + ")"));
    }

    private static Map<String, String> podLabels(Deployment deployment) {
        return Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getLabels()).orElse(Map.of());
    }

    /** The public Service: the first of the service config (others, e.g. a headless one, swap with it). */
    public String serviceName() {
        return publicService(Color.BLUE, "0").getMetadata().getName();
    }

    /** Every Service of the service config with the selector it has for this color, in order. */
    public Map<String, Map<String, String>> selectorsFor(Color color) {
        Map<String, Map<String, String>> selectors = new LinkedHashMap<>();
        service(color, "0").all(Service.class).forEach(s -> selectors.put(s.getMetadata().getName(), s.getSpec().getSelector()));
        return selectors;
    }

    private Service publicService(Color color, String tag) {
        return service(color, tag).all(Service.class).get(0);
    }

    /** The public Service's selector when it sends traffic to this color. */
    public Map<String, String> selectorFor(Color color) {
        return publicService(color, "0").getSpec().getSelector();
    }

    /** Which color a live selector points at: the color whose rendered selector it contains. */
    public Optional<Color> colorOf(Map<String, String> liveSelector) {
        for (Color color : Color.values()) {
            if (liveSelector.entrySet().containsAll(selectorFor(color).entrySet())) {
                return Optional.of(color);
            }
        }
        return Optional.empty();
    }

    /** Every rendered manifest for one color, in the order publish applies them. */
    public List<RenderedManifest> all(Color color, String tag, boolean firstPublish) {
        List<RenderedManifest> all = new ArrayList<>(extras(color, tag));
        all.add(deployment(color, tag));
        hpa(color, tag).ifPresent(all::add);
        if (firstPublish) {
            seedJobs(color, tag).ifPresent(all::add);
        }
        smokeService(color, tag).ifPresent(all::add);
        all.add(service(color, tag));
        return all;
    }

    private void check(String tag) {
        for (Color color : Color.values()) {
            all(color, tag, true);
            served(color, tag);
        }
        if (selectorFor(Color.BLUE).equals(selectorFor(Color.GREEN))) {
            throw new ConfigurationException(service.source() + ": the Service's selector does not depend on $COLOR, "
                    + "so it cannot switch between blue and green");
        }
        if (!selectorsFor(Color.BLUE).keySet().equals(selectorsFor(Color.GREEN).keySet())) {
            throw new ConfigurationException(service.source() + ": the Services' names must not depend on $COLOR");
        }
    }

    private RenderedManifest render(Template template, Color color, String tag) {
        return Manifests.render(template, settings.variablesFor(color.label(), tag));
    }
}
