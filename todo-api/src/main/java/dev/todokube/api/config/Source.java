package dev.todokube.api.config;

import java.nio.file.Path;

/** Where a configuration value came from, so an error can point at it. */
public sealed interface Source {

    /** A short description, e.g. {@code .env file /srv/.env.prod}. */
    String describe();

    record Default() implements Source {
        @Override
        public String describe() {
            return "default";
        }
    }

    record Environment() implements Source {
        @Override
        public String describe() {
            return "environment";
        }
    }

    record DotEnvFile(Path file) implements Source {
        @Override
        public String describe() {
            return ".env file " + file;
        }
    }

    record ConfigFile(Path file, String yamlPath) implements Source {
        @Override
        public String describe() {
            return "config file " + file + " at " + yamlPath;
        }
    }
}
