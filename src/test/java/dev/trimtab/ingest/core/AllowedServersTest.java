package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PromQL allow list: scheme, host and port exactly, a path prefix at a segment boundary. */
class AllowedServersTest {
    private static final AllowedServers ALLOWED = AllowedServers.parse(
            "p",
            List.of(
                    "http://prometheus.monitoring.svc:9090",
                    " https://thanos.example/tenant-a/ ",
                    "http://[::1]:9090"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "http://prometheus.monitoring.svc:9090, true",
        "HTTP://Prometheus.Monitoring.svc:9090, true",
        "http://prometheus.monitoring.svc:9090/prefix, true",
        "https://prometheus.monitoring.svc:9090, false", // another scheme
        "http://prometheus.monitoring.svc, false", // port 80
        "http://prometheus.monitoring.svc:9091, false",
        "http://prometheus.monitoring.svc.evil.com:9090, false",
        "http://evil.com:9090, false",
        "http://prometheus.monitoring.svc:9090@evil.com:9090, false",
        "https://thanos.example:443/tenant-a, true", // the default port
        "https://thanos.example/tenant-a/sub, true",
        "https://thanos.example/tenant-ab, false", // not at a segment boundary
        "https://thanos.example/, false",
        "https://thanos.example/tenant-a/../tenant-b, false",
        "https://thanos.example/tenant-a/%2E%2E/tenant-b, false",
        "http://[::1]:9090, true",
        "http://127.0.0.1:9090, false",
        "file:///etc/passwd, false",
        "not a url, false"
    })
    void anAddressIsAllowedOnlyWhenItMatchesAnEntry(String address, boolean allowed) {
        assertThat(ALLOWED.allows(address)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ftp://host", "http://user:pw@host", "host:9090", "http://host/?q=1"})
    void aBadEntryNamesTheProperty(String entry) {
        assertThatThrownBy(() -> AllowedServers.parse("trimtab.ingest.prometheus.allowed-servers", List.of(entry)))
                .hasMessageContaining("trimtab.ingest.prometheus.allowed-servers: \"" + entry + "\"");
    }

    @Test
    void noEntryAllowsNothing() {
        assertThat(AllowedServers.parse("p", List.of()).allows("http://prometheus:9090"))
                .isFalse();
        assertThat(AllowedServers.parse("p", List.of("")).allows("http://prometheus:9090"))
                .isFalse();
    }
}
