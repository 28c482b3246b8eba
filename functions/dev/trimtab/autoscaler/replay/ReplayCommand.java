package dev.trimtab.autoscaler.replay;

import dev.trimtab.autoscaler.core.Autoscaler;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.autoscaler.events.DecisionEvents;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cli.Cli;
import dev.trimtab.cli.Lines;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import dev.trimtab.placement.PlacementSettings;
import dev.trimtab.placement.core.Placement;
import dev.trimtab.placement.events.PlacementFolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code replay FILE|-}: runs a recorded trace of CloudEvents (one JSON object per line) through
 * the autoscaler core and the placement core on the trace's own clock (each event's {@code time})
 * and prints every decision as a CloudEvent line: scaling decisions, and a placement decision for
 * each pending pod of Trimtab's scheduler ({@link PlacementFolder}). Applied decisions become the target's replicas. No Kafka, no
 * cluster, no Quarkus runtime.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Runs a recorded trace of CloudEvents through the autoscaler and placement cores on its own clock.")
public final class ReplayCommand implements Callable<Integer> {
    private final Cli.Io io;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--max-sample-age",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Samples older than this are not used (like 2m or 90s).")
    Duration maxSampleAge;

    @Option(
            names = "--resync",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Decide every workload again after this long without events (default: never).")
    Duration resync = Duration.ZERO;

    @Option(
            names = "--max-clock-skew",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How far ahead of the trace's clock an event's time may be.")
    Duration maxClockSkew;

    @Parameters(paramLabel = "FILE|-", description = "CloudEvents, one JSON object a line; - for stdin.")
    String file;

    ReplayCommand(Cli.Io io) {
        this.io = io;
    }

    /** Runs the command; returns the exit status (0 ok, 1 some lines were rejected, 2 usage). */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.execute(ReplayCommand.class, args, new Cli.Io(stdin, out, err));
    }

    /** {@code 2m}, {@code 90s}, {@code 1h30m}: Go's duration words, as the HPA's flags take them. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new TypeConversionException("\"" + value + "\" is not a duration such as 2m or 90s");
            }
        }
    }

    @Override
    public Integer call() {
        Settings settings =
                maxSampleAge == null ? Settings.defaults() : Settings.defaults().withMaxSampleAge(maxSampleAge);
        InputLimits limits = maxClockSkew == null
                ? InputLimits.defaults()
                : InputLimits.defaults().withMaxClockSkew(maxClockSkew);
        PrintStream out = io.out();
        PrintStream err = io.err();
        InputStream stdin = io.in();
        try (Lines in = Lines.open(file, stdin)) {
            return new Replay(settings, limits, resync, out, err).run(in) == 0 ? 0 : 1;
        } catch (IOException e) {
            err.println("replay: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
    }

    /**
     * One replay run over a reader. With a resync period, every policy is also evaluated each
     * period after its last evaluation (as the HPA's 15 s loop would), at those instants of the
     * trace's clock, before the next event that passes them.
     */
    public static final class Replay {
        private static final CloudEvent RESYNC = new CloudEvent(
                "resync", "/trimtab/replay", "dev.trimtab.autoscaler.resync", null, null, null, null, Map.of());
        private final ClusterState state = new ClusterState();
        private final EventFolder folder;
        private final CloudEventCodec.Limits codecLimits;
        private final PlacementFolder placement = new PlacementFolder(PlacementSettings.fromClasspath());
        private final Autoscaler autoscaler;
        private final PrintStream out;
        private final PrintStream err;
        private final long resyncMillis;
        private final Map<ObjectRef, Long> lastEvaluation = new HashMap<>();
        private long sequence;
        private long lastTime = Long.MIN_VALUE;

        public Replay(Settings settings, Duration resync, PrintStream out, PrintStream err) {
            this(settings, InputLimits.defaults(), resync, out, err);
        }

        /** A replay with the live path's input limits; the trace's clock is the decision clock. */
        public Replay(Settings settings, InputLimits limits, Duration resync, PrintStream out, PrintStream err) {
            this.autoscaler = new Autoscaler(settings);
            this.folder = new EventFolder(state, limits);
            this.codecLimits = limits.codec();
            this.resyncMillis = resync.toMillis();
            this.out = out;
            this.err = err;
        }

        public int run(BufferedReader in) throws IOException {
            return run(Lines.of(in));
        }

        /** Replays every line; one that is not UTF-8 or not a usable event is named on stderr and skipped. */
        public int run(Lines in) throws IOException {
            int rejected = 0;
            for (Lines.Line l = in.next(); l != null; l = in.next()) {
                int lineNo = l.number();
                String line = l.text();
                if (line == null) {
                    rejected++;
                    err.println("line " + lineNo + ": " + l.error());
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    line(line);
                } catch (RuntimeException e) {
                    rejected++;
                    err.println("line " + lineNo + ": " + e.getMessage());
                }
            }
            out.flush();
            return rejected;
        }

        /**
         * Replaces every policy's history with {@code transfer}'s result: what a new owner would
         * hold after a handover, for checking that a handover changes no decision.
         */
        void transferHistories(UnaryOperator<History> transfer) {
            for (ScalingPolicy p : state.policies()) {
                History h = state.existingHistory(p.ref());
                if (h != null) {
                    state.putHistory(p.ref(), transfer.apply(h));
                }
            }
        }

        private void line(String line) {
            CloudEvent event = CloudEventCodec.parse(line.getBytes(StandardCharsets.UTF_8), codecLimits);
            if (event.time() == null) {
                throw new IllegalArgumentException("attribute \"time\" is required: it is the replay clock");
            }
            long now = event.time().toEpochMilli();
            if (now < lastTime) {
                throw new IllegalArgumentException("time " + event.time() + " is earlier than the previous event's "
                        + Instant.ofEpochMilli(lastTime) + ": a trace must be in time order");
            }
            lastTime = now;
            resyncUntil(now);
            Optional<Placement> placed = placement.fold(event);
            placed.ifPresent(p -> out.println(CloudEventCodec.write(PlacementFolder.toEvent(
                    p,
                    event.data().at("/metadata/namespace").asText(),
                    event.data().at("/metadata/name").asText(),
                    "replay-" + (++sequence),
                    event.time(),
                    event))));
            if (PlacementFolder.placementOnly(event)) {
                return;
            }
            for (ScalingPolicy policy : folder.fold(event, now)) {
                evaluate(policy, now, event);
            }
        }

        private void resyncUntil(long now) {
            if (resyncMillis <= 0) {
                return;
            }
            while (true) {
                ScalingPolicy due = null;
                long dueAt = Long.MAX_VALUE;
                for (ScalingPolicy p : state.policies()) {
                    Long last = lastEvaluation.get(p.ref());
                    if (last != null && last + resyncMillis <= now && last + resyncMillis < dueAt) {
                        due = p;
                        dueAt = last + resyncMillis;
                    }
                }
                if (due == null) {
                    return;
                }
                evaluate(due, dueAt, RESYNC);
            }
        }

        private void evaluate(ScalingPolicy policy, long now, CloudEvent trigger) {
            ScaleDecision d = autoscaler.decide(state, policy, now);
            lastEvaluation.put(policy.ref(), now);
            if (d.rescale()) {
                state.putTarget(state.target(policy.targetRef()).withReplicas(d.desiredReplicas()));
                autoscaler.applied(state, policy, d);
            }
            out.println(CloudEventCodec.write(DecisionEvents.toEvent(d, "replay-" + (++sequence), trigger)));
        }
    }
}
