package dev.todokube.bgkube.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistriesTest {

    /** A user's own registry type, named by class in CONTAINER_REGISTRY. */
    public static final class HarborRegistry implements ContainerRegistry {
        @Override
        public List<List<String>> dockerLogin(ImageRef image, String zone) {
            return List.of(List.of("harbor-login", image.registryHost()));
        }

        @Override
        public Optional<String> credentialHelper() {
            return Optional.of("harbor");
        }
    }

    @Test
    void builtInRegistries() {
        assertThat(Registries.resolve("gcr").credentialHelper()).contains("gcloud");
        assertThat(Registries.resolve("ecr").credentialHelper()).contains("ecr-login");
        assertThat(Registries.resolve("local").needsPush()).isFalse();
        assertThat(Registries.resolve("any").needsPush()).isTrue();
        assertThat(Registries.resolve("any").dockerLogin(new ImageRef("r.example/a", "1"), "z")).isEmpty();
    }

    @Test
    void loadsAUsersRegistryByClassName() {
        ContainerRegistry registry = Registries.resolve(HarborRegistry.class.getName());

        assertThat(registry).isInstanceOf(HarborRegistry.class);
        assertThat(registry.dockerLogin(new ImageRef("harbor.example:8443/team/app", "1"), "z"))
                .containsExactly(List.of("harbor-login", "harbor.example:8443"));
    }

    @Test
    void unknownNameIsAConfigurationError() {
        assertThatThrownBy(() -> Registries.resolve("quay"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'quay' is not gcr, ecr, local or any");
    }

    @Test
    void classThatIsNoRegistryIsRejected() {
        assertThatThrownBy(() -> Registries.resolve(String.class.getName()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not implement dev.todokube.bgkube.image.ContainerRegistry");
    }

    @Test
    void registryHostOfImageNames() {
        assertThat(new ImageRef("gcr.io/p/app", "1").registryHost()).isEqualTo("gcr.io");
        assertThat(new ImageRef("localhost:5000/app", "1").registryHost()).isEqualTo("localhost:5000");
        assertThat(new ImageRef("library/app", "1").registryHost()).isEmpty();
        assertThat(new ImageRef("app", "1").registryHost()).isEmpty();
    }
}
