package dev.todokube.loadtest.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

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
    }

    @Test
    void rejectsMalformedHostsNamingThem() {
        assertThatThrownBy(() -> Target.parse("localhost")).hasMessageContaining("'localhost' is not HOST:PORT");
        assertThatThrownBy(() -> Target.parse("a:1,")).hasMessageContaining("'' is not HOST:PORT");
        assertThatThrownBy(() -> Target.parse("a:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> Target.parse("http://a:1")).hasMessageContaining("expected HOST:PORT");
        assertThatThrownBy(() -> Target.parse("dns:///x")).hasMessageContaining("'x' is not HOST:PORT");
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
