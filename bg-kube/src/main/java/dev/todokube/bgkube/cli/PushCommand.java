package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.image.ImageRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push a built image to the container registry (with Jib: build and push).")
final class PushCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--tag", paramLabel = "TAG", required = true, description = "Tag to push (as printed by build).")
    String tag;

    @Override
    public Integer call() {
        Settings settings = root.settings();
        ImageRef image = new ImageRef(settings.imageName(), tag);
        root.imageBuilder(settings).push(image);
        root.toolbox().out().println("pushed " + image);
        return 0;
    }
}
