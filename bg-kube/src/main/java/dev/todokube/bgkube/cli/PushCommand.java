package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.config.Settings;
import dev.todokube.bgkube.image.ImageRef;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Push a built image to the container registry (with Jib: build and push).")
final class PushCommand implements Callable<Integer> {

    @ParentCommand
    BgKube root;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag to push (as printed by build).")
    String tagOption;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TAG", description = "The tag, as the original took it: push TAG.")
    String tagArgument;

    @Override
    public Integer call() {
        if (tagOption != null && tagArgument != null && !tagOption.equals(tagArgument)) {
            throw new ConfigurationException("push: two different tags given (" + tagArgument + " and --tag " + tagOption + ")");
        }
        String tag = tagOption != null ? tagOption : tagArgument;
        if (tag == null) {
            throw new ConfigurationException("push needs the tag to push: push TAG (or push --tag TAG)");
        }
        Settings settings = root.settings();
        ImageRef image = new ImageRef(settings.imageName(), tag);
        root.imageBuilder(settings).push(image);
        root.toolbox().out().println("pushed " + image);
        return 0;
    }
}
