package dev.trimtab.local.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of {@code chaos}. {@code --short} is the CI run (2 instances, 100 workloads, about
 * 25,000 events in 75 s, 2 kills, 1 broker restart, 1 API fault episode, 1 API outage); every other
 * option overrides it or the full run's defaults.
 *
 * @param events         metric events to send during the load phase (the tail adds more)
 * @param load           how long the load phase lasts; events / load is the send rate
 * @param apiEpisodes    episodes with {@code apiFaults} in force (each {@link #apiEpisode} long)
 * @param apiOutages     episodes with the API server down ({@link #apiOutage} long)
 * @param apiFaults      fault rates by kind: conflict, 429, 5xx, 410, slow, reset
 * @param requireInputs  a decision log without {@code data.inputs} is a missed target (else "inputs not logged")
 */
record ChaosOptions(
        boolean shortRun,
        int instances,
        int workloads,
        long events,
        Duration load,
        int kills,
        int brokerRestarts,
        int apiEpisodes,
        Duration apiEpisode,
        int apiOutages,
        Duration apiOutage,
        Map<String, Double> apiFaults,
        long seed,
        Path out,
        Duration tail,
        String jar,
        boolean requireInputs) {

    static final String USAGE = """
            usage: chaos [--short] [--instances N] [--workloads N] [--events N | --duration D] [--kills K]
                         [--broker-restarts B] [--api-episodes E] [--api-outages O]
                         [--api-faults conflict=0.3,429=0.2,5xx=0.05,410=0.05,slow=0.02,reset=0.01]
                         [--seed S] [--out DIR] [--tail D] [--jar PATH] [--require-inputs]
              D is a duration such as 90s or 10m""";

    /** The fault kinds {@code --api-faults} accepts. */
    static final List<String> FAULT_KINDS = List.of("conflict", "429", "5xx", "410", "slow", "reset");

    /** Parses the arguments; throws {@link IllegalArgumentException} naming the option and the value. */
    static ChaosOptions parse(String... args) {
        boolean shortRun = List.of(args).contains("--short");
        boolean requireInputs = List.of(args).contains("--require-inputs");
        int instances = shortRun ? 2 : 3;
        int workloads = shortRun ? 100 : 300;
        Long events = null;
        Duration load = null;
        int kills = shortRun ? 2 : 10;
        int brokerRestarts = shortRun ? 1 : 2;
        int apiEpisodes = shortRun ? 1 : 3;
        int apiOutages = 1;
        Map<String, Double> faults = parseFaults("conflict=0.3,429=0.2,5xx=0.05", "--api-faults (default)");
        long seed = 1;
        Path out = null;
        Duration tail = null;
        String jar = "target/quarkus-app/quarkus-run.jar";
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--short") || a.equals("--require-inputs")) {
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + ": a value is required\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--instances" -> instances = integer(a, v, 1, 12);
                case "--workloads" -> workloads = integer(a, v, 1, 5000);
                case "--events" -> events = (long) integer(a, v, 1, Integer.MAX_VALUE);
                case "--duration" -> load = duration(a, v);
                case "--kills" -> kills = integer(a, v, 0, 100_000);
                case "--broker-restarts" -> brokerRestarts = integer(a, v, 0, 10_000);
                case "--api-episodes" -> apiEpisodes = integer(a, v, 0, 10_000);
                case "--api-outages" -> apiOutages = integer(a, v, 0, 10_000);
                case "--api-faults" -> faults = parseFaults(v, a);
                case "--seed" -> seed = longValue(a, v);
                case "--out" -> out = Path.of(v);
                case "--tail" -> tail = duration(a, v);
                case "--jar" -> jar = v;
                default -> errors.add(a + ": unknown option");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors) + "\n" + USAGE);
        }
        double rate = shortRun ? 330 : 1000; // events per second when neither --events nor --duration says
        if (load == null && events == null) {
            load = shortRun ? Duration.ofSeconds(75) : Duration.ofMinutes(10);
        }
        if (load == null) {
            load = Duration.ofMillis(Math.max(10_000, (long) (events * 1000 / rate)));
        }
        if (events == null) {
            events = (long) (load.toMillis() * rate / 1000);
        }
        if (out == null) {
            out = Path.of("target", "chaos-" + seed);
        }
        return new ChaosOptions(
                shortRun,
                instances,
                workloads,
                events,
                load,
                kills,
                brokerRestarts,
                apiEpisodes,
                Duration.ofSeconds(shortRun ? 10 : 15),
                apiOutages,
                Duration.ofSeconds(shortRun ? 4 : 6),
                faults,
                seed,
                out,
                tail,
                jar,
                requireInputs);
    }

    /** {@code conflict=0.3,429=0.2,…}: each a probability in [0, 1]; the kinds not named are 0. */
    static Map<String, Double> parseFaults(String spec, String option) {
        Map<String, Double> out = new LinkedHashMap<>();
        FAULT_KINDS.forEach(k -> out.put(k, 0.0));
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            String kind = kv[0].trim().toLowerCase(Locale.ROOT);
            if (!out.containsKey(kind) || kv.length < 2) {
                throw new IllegalArgumentException(
                        option + ": \"" + part + "\" is not KIND=RATE with KIND one of " + FAULT_KINDS);
            }
            double rate;
            try {
                rate = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                rate = Double.NaN;
            }
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(
                        option + ": " + kind + "=\"" + kv[1] + "\" must be a number in [0, 1]");
            }
            out.put(kind, rate);
        }
        double total = out.values().stream().mapToDouble(Double::doubleValue).sum();
        if (total > 1) {
            throw new IllegalArgumentException(option + ": the rates add up to " + total + ", more than 1");
        }
        return out;
    }

    /** Events per second during the load phase. */
    double rate() {
        return events * 1000.0 / load.toMillis();
    }

    /** The faults as {@code --api-faults} prints them (the non-zero ones). */
    String faultsText() {
        StringBuilder sb = new StringBuilder();
        apiFaults.forEach((k, v) -> {
            if (v > 0) {
                sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v);
            }
        });
        return sb.isEmpty() ? "none" : sb.toString();
    }

    private static int integer(String option, String v, int min, int max) {
        long n = longValue(option, v);
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + ": " + v + " is outside [" + min + ", " + max + "]");
        }
        return (int) n;
    }

    private static long longValue(String option, String v) {
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + v + "\" is not an integer");
        }
    }

    static Duration duration(String option, String v) {
        try {
            Duration d = Duration.parse("PT" + v.toUpperCase(Locale.ROOT));
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(option + ": " + v + " must be positive");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": \"" + v + "\" is not a duration such as 90s or 10m");
        }
    }
}
