package dev.todokube.bgkube.cli;

import dev.todokube.bgkube.ConfigurationException;
import dev.todokube.bgkube.analysis.LoadtestJar;
import dev.todokube.bgkube.config.AnalysisSettings;

/** The load generator an analysis runs: the configured jar, else the one a build of this repository puts beside bg-kube. */
final class LoadtestJars {

    private LoadtestJars() {
    }

    static LoadtestJar resolve(AnalysisSettings settings) {
        return new LoadtestJar(settings.loadtestJar().or(LoadtestJar::locate).orElseThrow(() ->
                new ConfigurationException("no loadtest.jar found beside bg-kube's jar or in loadtest/target/ of its "
                        + "checkout: build it (mvn -B -pl loadtest -am package) or give --loadtest-jar "
                        + "(ANALYSIS_LOADTEST_JAR)")));
    }
}
