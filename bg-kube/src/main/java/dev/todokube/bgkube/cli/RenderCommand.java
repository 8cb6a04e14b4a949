package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.deploy.Color;
import dev.todokube.bgkube.deploy.ServiceManifests;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Print every manifest a publish would apply, rendered, as one multi-document YAML stream "
                + "(for kubectl diff, review, policy checks); no cluster needed.")
final class RenderCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--color", paramLabel = "COLOR", description = "blue or green (default: blue).")
    String color;

    @Option(names = "--tag", paramLabel = "TAG", description = "Image tag (default: unix seconds now, as publish).")
    String tag;

    @Override
    public Integer call() {
        Settings settings = root.settings();
        Color target = color == null ? Color.BLUE : parse(color);
        String imageTag = tag != null ? tag : String.valueOf(root.toolbox().clock().instant().getEpochSecond());
        ServiceManifests manifests = ServiceManifests.load(settings, imageTag);
        String seed = settings.dbMigrationsJobConfigSeed().map(Object::toString).orElse(null);
        DryRun.printManifests(root.toolbox().out(), manifests.all(target, imageTag, true),
                source -> source.equals(seed) ? " (applied on the first publish only)" : "");
        return 0;
    }

    private static Color parse(String text) {
        try {
            return Color.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--color: invalid value '" + text + "': expected blue or green");
        }
    }
}
