package dev.todokube.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsWithoutAnySource() {
        ApiConfig config = ConfigLoader.load(Map.of(), dir);

        assertThat(config.serverHost()).isEqualTo("0.0.0.0");
        assertThat(config.serverPort()).isEqualTo(8001);
        assertThat(config.metricsHost()).isEqualTo("0.0.0.0");
        assertThat(config.metricsPort()).isEqualTo(9090);
        assertThat(config.storeType()).isEqualTo(StoreType.MEMORY);
        assertThat(config.mongoUri()).isEqualTo("mongodb://localhost:27017");
        assertThat(config.dbName()).isEqualTo("TodosDB");
        assertThat(config.dbTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.authEnabled()).isFalse();
        assertThat(config.tls()).isEmpty();
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.maxConnectionAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.maxConnectionAgeGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxInboundMessageSize()).isEqualTo(1024 * 1024);
        assertThat(config.dbPoolSize()).isEqualTo(8 * Runtime.getRuntime().availableProcessors());
        assertThat(config.render()).contains("SERVER_PORT=8001 (default)", "DB_POOL_SIZE=auto (default)");
    }

    @Test
    void environmentBeatsDotEnvBeatsConfigYmlBeatsDefault() throws IOException {
        Files.writeString(dir.resolve("config.yml"), """
                server:
                  type: grpc
                  host: 127.0.0.1
                  port: 7001
                database:
                  type: mongo
                  host: yaml-host
                  port: 27001
                """);
        Files.writeString(dir.resolve(".env"), "SERVER_PORT=7002\nDB_HOST=dotenv-host\n");

        ApiConfig config = ConfigLoader.load(Map.of("DB_HOST", "env-host"), dir);

        assertThat(config.serverHost()).isEqualTo("127.0.0.1");
        assertThat(config.serverPort()).isEqualTo(7002);
        assertThat(config.storeType()).isEqualTo(StoreType.MONGO);
        assertThat(config.mongoUri()).isEqualTo("mongodb://env-host:27001");
        assertThat(config.dbName()).isEqualTo("TodosDB");
        assertThat(config.render())
                .contains("SERVER_HOST=127.0.0.1 (config file " + dir.resolve("config.yml") + " at server.host)")
                .contains("SERVER_PORT=7002 (.env file " + dir.resolve(".env") + ")")
                .contains("DB_HOST=env-host (environment)")
                .contains("DB_NAME=TodosDB (default)")
                .contains("METRICS_HOST=127.0.0.1 (config file");
    }

    @Test
    void envFileAndConfigFileCanBeNamed() throws IOException {
        Files.writeString(dir.resolve(".env.prod"), "DB_NAME=ProdDB\nCONFIG_FILE=conf/prod.yml\n");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/prod.yml"), "database:\n  timeout: 500ms\nauth:\n  tokens: [a, b]\n");
        Files.writeString(dir.resolve(".env"), "DB_NAME=Ignored\n");

        ApiConfig config = ConfigLoader.load(Map.of("ENV_FILE", ".env.prod"), dir);

        assertThat(config.dbName()).isEqualTo("ProdDB");
        assertThat(config.dbTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.authTokens()).containsExactly("a", "b");
    }

    @Test
    void durationsAcceptUnitsAndBareSeconds() {
        ApiConfig config = ConfigLoader.load(Map.of("SHUTDOWN_GRACE", "250ms", "MAX_CONNECTION_AGE", "1h30m",
                "MAX_CONNECTION_AGE_GRACE", "7", "DB_TIMEOUT", "1.5s"), dir);

        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.maxConnectionAge()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.maxConnectionAgeGrace()).isEqualTo(Duration.ofSeconds(7));
        assertThat(config.dbTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void dbUriOverridesHostAndPortAndItsPasswordIsMasked() {
        ApiConfig config = ConfigLoader.load(Map.of("DB_URI", "mongodb://app:s3cret@db1:27017,db2:27017/?replicaSet=rs0",
                "DB_HOST", "ignored", "AUTH_TOKENS", "tok-one, tok-two"), dir);

        assertThat(config.mongoUri()).isEqualTo("mongodb://app:s3cret@db1:27017,db2:27017/?replicaSet=rs0");
        assertThat(config.render())
                .contains("DB_URI=mongodb://app:***@db1:27017,db2:27017/?replicaSet=rs0 (environment)")
                .contains("AUTH_TOKENS=***(2 tokens)")
                .doesNotContain("s3cret")
                .doesNotContain("tok-one");
        assertThat(config.authTokens()).containsExactly("tok-one", "tok-two");
    }

    @Test
    void badPortInDotEnvNamesKeyValueAndFile() throws IOException {
        Path envFile = dir.resolve(".env.prod");
        Files.writeString(envFile, "SERVER_PORT=abc\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("ENV_FILE", ".env.prod"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SERVER_PORT=\"abc\" (from .env file " + envFile + "): not a port number (0-65535)");
    }

    @Test
    void eachBadValueIsReportedWithItsKeyAndSource() {
        assertBad(Map.of("SERVER_PORT", "70000"), "SERVER_PORT=\"70000\" (from environment): not a port number (0-65535)");
        assertBad(Map.of("METRICS_PORT", "-1"), "METRICS_PORT=\"-1\" (from environment): not a port number (0-65535)");
        assertBad(Map.of("DB_PORT", "x"), "DB_PORT=\"x\" (from environment): not a port number (0-65535)");
        assertBad(Map.of("DB_TYPE", "postgres"),
                "DB_TYPE=\"postgres\" (from environment): unknown database type; expected memory or mongo");
        assertBad(Map.of("DB_TIMEOUT", "soon"),
                "DB_TIMEOUT=\"soon\" (from environment): not a duration (e.g. 250ms, 1.5s, 90s, 1h30m)");
        assertBad(Map.of("DB_TIMEOUT", "0"), "DB_TIMEOUT=\"0\" (from environment): must be greater than zero");
        assertBad(Map.of("SHUTDOWN_GRACE", "-5s"),
                "SHUTDOWN_GRACE=\"-5s\" (from environment): not a duration: negative durations are not allowed");
        assertBad(Map.of("MAX_CONNECTION_AGE", "99999999999h"), "MAX_CONNECTION_AGE=\"99999999999h\" (from environment): "
                + "not a duration: it is longer than the most allowed, 2562047h (about 292 years)");
        assertBad(Map.of("MAX_INBOUND_MESSAGE_SIZE", "1MB"),
                "MAX_INBOUND_MESSAGE_SIZE=\"1MB\" (from environment): not a size in bytes (a positive integer)");
        assertBad(Map.of("DB_POOL_SIZE", "0"), "DB_POOL_SIZE=\"0\" (from environment): not a connection count (or auto) (a positive integer)");
        assertBad(Map.of("SERVER_HOST", ""), "SERVER_HOST=\"\" (from environment): not a host name or address");
        assertBad(Map.of("SERVER_TYPE", "http"), "SERVER_TYPE=\"http\" (from environment): unsupported server type; only grpc");
        assertBad(Map.of("DB_NAME", "a/b"), "DB_NAME=\"a/b\" (from environment): not a valid MongoDB database name");
        assertBad(Map.of("TLS_CERT_FILE", "cert.pem"), "TLS_CERT_FILE=\"cert.pem\" (from environment): TLS_KEY_FILE must be set too");
        assertBad(Map.of("TLS_CERT_FILE", "cert.pem", "TLS_KEY_FILE", "key.pem"),
                "TLS_CERT_FILE=\"cert.pem\" (from environment): no readable file " + dir.resolve("cert.pem"));
        assertBad(Map.of("ENV_FILE", "missing.env"),
                "ENV_FILE=\"missing.env\" (from environment): no such file " + dir.resolve("missing.env"));
        assertBad(Map.of("CONFIG_FILE", "missing.yml"),
                "CONFIG_FILE=\"missing.yml\" (from environment): no such file " + dir.resolve("missing.yml"));
    }

    @Test
    void badDbUriIsReportedWithoutItsPassword() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DB_URI", "mysql://db"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DB_URI=\"mysql://db\" (from environment): not a MongoDB connection string");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DB_URI", "mongodb://root:hunter2@"), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DB_URI=\"mongodb://root:***@\" (from environment): not a MongoDB connection string")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void badValueInConfigYmlNamesFileAndYamlPath() throws IOException {
        Path file = dir.resolve("config.yml");
        Files.writeString(file, "database:\n  type: oracle\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), dir))
                .hasMessage("DB_TYPE=\"oracle\" (from config file " + file
                        + " at database.type): unknown database type; expected memory or mongo");
    }

    @Test
    void unknownKeyInConfigYmlIsRejected() throws IOException {
        Files.writeString(dir.resolve("config.yml"), "server:\n  prot: 80\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + dir.resolve("config.yml") + ": unknown key 'server.prot'");
    }

    @Test
    void malformedConfigYmlNamesFileAndLine() throws IOException {
        Files.writeString(dir.resolve("config.yml"), "server:\n  port: 1\n   host: [\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + dir.resolve("config.yml") + ": line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void unreadableConfigFileIsReported() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("config-dir.yml"));

        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CONFIG_FILE", directory.toString()), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CONFIG_FILE=\"" + directory + "\" (from environment): no such file " + directory);
    }

    @Test
    void malformedDotEnvNamesFile() throws IOException {
        Files.writeString(dir.resolve(".env"), "SERVER_PORT=8001\nNOT A LINE\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(".env file " + dir.resolve(".env") + ": Malformed entry NOT A LINE");
    }

    private void assertBad(Map<String, String> env, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(env, dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }
}
