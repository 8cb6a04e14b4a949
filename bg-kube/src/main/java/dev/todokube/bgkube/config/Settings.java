package dev.todokube.bgkube.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything one bg-kube run needs, validated: built by {@link SettingsLoader} from the
 * command-line flags and the env file. {@code variables} are the template variables (the env
 * file's entries, overridden by flags) without TAG and COLOR, which each step adds. {@code analysis}
 * comes from the env file's {@code ANALYSIS_*} keys.
 */
public record Settings(
        Optional<Path> envFile,
        Map<String, String> variables,
        String clusterName,
        String clusterZone,
        Optional<String> dockerMachineName,
        Optional<String> minikubeProfile,
        List<String> dockerBuildArgs,
        String imageName,
        String serviceName,
        Path serviceConfig,
        Duration serviceTimeout,
        Path deploymentConfig,
        Duration deploymentTimeout,
        Path buildContext,
        Path dockerfile,
        Optional<Path> smokeServiceConfig,
        Duration smokeServiceTimeout,
        Optional<String> smokeTestsCommand,
        Optional<Path> dbMigrationsJobConfigSeed,
        Duration dbMigrationsJobTimeout,
        Optional<String> dbMigrationsStatusCommand,
        Optional<String> dbMigrationsApplyCommand,
        Optional<String> dbMigrationsRollbackCommand,
        Optional<String> kopsStateStore,
        String containerRegistry,
        Optional<String> namespace,
        Optional<String> kubeContext,
        Optional<Path> hpaConfig,
        List<Path> extraConfigs,
        Duration commandTimeout,
        Optional<Duration> scaleDownDelay,
        BuilderKind builder,
        Optional<Path> jibApp,
        Optional<Path> jibLibs,
        Optional<String> jibMainClass,
        Optional<Path> jibLauncher,
        String jibBaseImage,
        boolean insecureRegistry,
        AnalysisSettings analysis) {

    /** How images are built. */
    public enum BuilderKind {
        DOCKER,
        JIB
    }

    public Settings {
        variables = Map.copyOf(variables);
        dockerBuildArgs = List.copyOf(dockerBuildArgs);
        extraConfigs = List.copyOf(extraConfigs);
    }

    /** Template variables for one color and tag: the env file's, plus TAG, COLOR and ENV_FILE. */
    public Map<String, String> variablesFor(String color, String tag) {
        Map<String, String> all = new HashMap<>(variables);
        all.put("TAG", tag);
        all.put("COLOR", color);
        all.put("ENV_FILE", envFile.map(Path::toString).orElse(""));
        return Map.copyOf(all);
    }
}
