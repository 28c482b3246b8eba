package dev.trimtab.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.metrics.MeterHelp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every meter name written in the sources has its HELP in {@link MeterHelp}, and the filter gives
 * it to meters registered without one (a description given at registration is kept).
 */
class MeterHelpTest {
    private static final Pattern NAME = Pattern.compile("\"(trimtab_[a-z0-9_]+)\"");

    @Test
    void everyMeterNameInTheSourcesHasHelp() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("functions"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = NAME.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names).as("meter names found in functions/").hasSizeGreaterThan(30);
        assertThat(names)
                .as("names without HELP in MeterHelp")
                .allSatisfy(n -> assertThat(MeterHelp.HELP).containsKey(n));
        assertThat(MeterHelp.HELP.values()).allSatisfy(h -> assertThat(h).isNotBlank());
    }

    @Test
    void theFilterFillsAMissingDescriptionAndKeepsAGivenOne() {
        MeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new MeterHelp().describe());
        Counter plain = registry.counter("trimtab_autoscaler_decisions_total", "reason", "ScaleUp");
        Counter described = Counter.builder("trimtab_autoscaler_writes_total")
                .description("given")
                .register(registry);
        Counter foreign = registry.counter("someone_elses_total");
        assertThat(plain.getId().getDescription()).isEqualTo(MeterHelp.HELP.get("trimtab_autoscaler_decisions_total"));
        assertThat(plain.getId().getTag("reason")).isEqualTo("ScaleUp");
        assertThat(described.getId().getDescription()).isEqualTo("given");
        assertThat(foreign.getId().getDescription()).isNull();
    }
}
