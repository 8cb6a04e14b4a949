package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.image.ImageRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "build", mixinStandardHelpOptions = true, description = "Build the image (docker or Jib).")
final class BuildCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag to build (default: unix seconds now).")
    String tag;

    @Override
    public Integer call() {
        Settings settings = root.settings();
        String imageTag = tag != null ? tag : String.valueOf(root.toolbox().clock().instant().getEpochSecond());
        ImageRef image = new ImageRef(settings.imageName(), imageTag);
        root.imageBuilder(settings).build(image);
        root.toolbox().out().println("built " + image);
        return 0;
    }
}
