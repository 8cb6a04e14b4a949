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

  private ServiceManifests(Settings settings) {
    this.settings = settings;
    this.deployment = Template.load(settings.deploymentConfig());
    this.service = Template.load(settings.serviceConfig());
    this.smokeService = settings.smokeServiceConfig().map(Template::load);
    this.seedJobs = settings.dbMigrationsJobConfigSeed().map(Template::load);
    this.hpa = settings.hpaConfig().map(Template::load);
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
    Service svc = rendered.single(Service.class);
    if (svc.getSpec() == null || svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
      throw new ConfigurationException(service.source() + ": the Service has no selector");
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

  public String serviceName() {
    return service(Color.BLUE, "0").single(Service.class).getMetadata().getName();
  }

  /** The public Service's selector when it sends traffic to this color. */
  public Map<String, String> selectorFor(Color color) {
    return service(color, "0").single(Service.class).getSpec().getSelector();
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
    List<RenderedManifest> all = new ArrayList<>();
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
    if (!serviceName().equals(service(Color.GREEN, tag).single(Service.class).getMetadata().getName())) {
      throw new ConfigurationException(service.source() + ": the public Service's name must not depend on $COLOR");
    }
  }

  private RenderedManifest render(Template template, Color color, String tag) {
    return Manifests.render(template, settings.variablesFor(color.label(), tag));
  }
}
