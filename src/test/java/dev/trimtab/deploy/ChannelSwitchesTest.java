package dev.trimtab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every messaging channel can be switched on or off by an environment variable
 * ({@code MP_MESSAGING_INCOMING_CLUSTER_EVENTS_ENABLED=false}), as the manifests do. SmallRye
 * Config maps such a variable back to a dotted name only if that name is already known: a channel
 * whose {@code enabled} key is missing from application.properties turns the variable into a
 * channel of its own ({@code cluster}) that has no connector, and the application does not start
 * (SRMSG00071). {@code ShippedManifestsIT} starts the packaged application with each manifest's
 * environment; this test names the missing key at once.
 */
class ChannelSwitchesTest {
    private static final Pattern CONNECTOR =
            Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");

    @Test
    void everyChannelStatesItsEnabledSwitch() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        List<String> channels = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            Matcher m = CONNECTOR.matcher(key);
            if (m.matches()) {
                channels.add(m.group(2));
                String enabled = "mp.messaging." + m.group(1) + "." + m.group(2) + ".enabled";
                if (!p.containsKey(enabled)) {
                    missing.add(enabled);
                }
            }
        }
        assertThat(channels).contains("cluster-events", "metrics", "policy-audit", "placement-events", "decisions");
        assertThat(missing)
                .as("channels without an enabled key (their environment variable would not map)")
                .isEmpty();
    }
}
