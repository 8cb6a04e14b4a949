package dev.todokube.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetTest {

    @Test
    void parsesStaticListsDnsTargetsAndIpv6() {
        assertThat(Target.parse("127.0.0.1:8001")).isEqualTo(new Target.Static(
                List.of(new Target.HostAndPort("127.0.0.1", 8001))));
        assertThat(Target.parse("a:1, b.example:2")).isEqualTo(new Target.Static(List.of(
                new Target.HostAndPort("a", 1), new Target.HostAndPort("b.example", 2))));
        assertThat(Target.parse("dns:///todo-api-headless:8001"))
                .isEqualTo(new Target.Dns(new Target.HostAndPort("todo-api-headless", 8001)));
        assertThat(Target.parse("[::1]:8001").toString()).isEqualTo("[::1]:8001");
        assertThat(Target.parse("grpc://localhost:8001")).isEqualTo(Target.parse("localhost:8001"));
        assertThat(Target.parse("file:/run/endpoints")).isEqualTo(new Target.AddressFile(Path.of("/run/endpoints")));
        assertThat(Target.parse("file:///run/endpoints")).isEqualTo(new Target.AddressFile(Path.of("/run/endpoints")));
        assertThat(Target.parse("file:endpoints").toString()).isEqualTo("file:endpoints");
    }

    @Test
    void readsAnAddressFileAtEachResolutionNamingItsBadLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("endpoints");
        Target.AddressFile target = new Target.AddressFile(file);
        assertThatThrownBy(target::resolve).hasMessage("no file " + file);
        Files.writeString(file, "# ready\n127.0.0.1:8001\n\n[::1]:8002\n");
        assertThat(target.resolve()).containsExactly(new Target.HostAndPort("127.0.0.1", 8001),
                new Target.HostAndPort("::1", 8002));
        Files.writeString(file, "127.0.0.1:8001\nlocalhost\n");
        assertThatThrownBy(target::resolve).hasMessageContaining(file + " line 2: 'localhost' is not HOST:PORT");
        Files.writeString(file, "# none\n");
        assertThatThrownBy(target::resolve).hasMessage("no address in " + file);
    }

    @Test
    void rejectsMalformedHostsNamingThem() {
        assertThatThrownBy(() -> Target.parse("localhost")).hasMessageContaining("'localhost' is not HOST:PORT");
        assertThatThrownBy(() -> Target.parse("a:1,")).hasMessageContaining("'' is not HOST:PORT");
        assertThatThrownBy(() -> Target.parse("a:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Target.parse("http://a:1")).hasMessageContaining("expected HOST:PORT");
        assertThatThrownBy(() -> Target.parse("dns:///x")).hasMessageContaining("'x' is not HOST:PORT");
        assertThatThrownBy(() -> Target.parse("file:")).hasMessageContaining("no file after 'file:'");
    }

    @Test
    void parsesChannelModes() {
        assertThat(ChannelMode.parse("per-user")).isEqualTo(new ChannelMode.PerUser());
        assertThat(ChannelMode.parse("connection-per-user")).isEqualTo(new ChannelMode.ConnectionPerUser());
        assertThat(ChannelMode.parse("shared:4")).isEqualTo(new ChannelMode.Shared(4));
        assertThatThrownBy(() -> ChannelMode.parse("shared:0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> ChannelMode.parse("pooled")).hasMessageContaining("per-user, connection-per-user or shared:N");
    }

    @Test
    void rotatesAStaticListSoUserIStartsAtAddressI() {
        Target.Static three = (Target.Static) Target.parse("a:1,b:2,c:3");
        assertThat(three.rotatedBy(0)).isEqualTo(three);
        assertThat(three.rotatedBy(1).toString()).isEqualTo("b:2,c:3,a:1");
        assertThat(three.rotatedBy(5).toString()).isEqualTo("c:3,a:1,b:2");
    }
}
