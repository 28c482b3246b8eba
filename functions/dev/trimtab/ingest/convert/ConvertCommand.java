package dev.trimtab.ingest.convert;

import dev.trimtab.cli.Cli;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.Gzip;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.OtlpProto;
import dev.trimtab.ingest.core.OtlpSeries;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.RemoteWrite;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.ingest.events.AlertmanagerJson;
import dev.trimtab.ingest.events.MetricEvents;
import dev.trimtab.ingest.events.OtlpJson;
import dev.trimtab.input.InputLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code convert --from prometheus-remote-write|otlp-proto|otlp-json|alertmanager [--time T] FILE|-}:
 * prints the metric CloudEvents a receiver would feed for one request body exactly as its sender
 * sent it (remote write: the snappy-compressed protobuf; OTLP: the protobuf or JSON body,
 * gzip-compressed or not; Alertmanager: the webhook's JSON), one JSON object per line, so a
 * recorded payload can be replayed ({@code replay}). Every series becomes its metric by the
 * receiver's rules ({@link SeriesRules}, the default object labels); unlike the live receiver,
 * which forwards a series only to the workloads whose policies read it, every series is printed.
 * The events' {@code time} is the samples' own. An Alertmanager notification has no send time:
 * the live receiver dates it on arrival, offline it is {@code --time} (RFC 3339) or else the
 * newest {@code startsAt}/{@code endsAt} it names. Series that feed nothing are listed on
 * standard error.
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Prints the metric CloudEvents a receiver would feed for one request body, as sent.")
public final class ConvertCommand implements Callable<Integer> {
    static final List<String> FORMATS = List.of("prometheus-remote-write", "otlp-proto", "otlp-json", "alertmanager");
    static final String SOURCE = "/trimtab/ingest/";
    /** The largest body read (the live receiver's trimtab.limits.ingest.max-body-size default). */
    static final int MAX_BODY = 8 << 20;

    private final Cli.Io io;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "FORMAT",
            completionCandidates = Formats.class,
            description = "prometheus-remote-write, otlp-proto, otlp-json or alertmanager.")
    String from;

    @Option(
            names = "--time",
            paramLabel = "RFC3339",
            description = "When an Alertmanager notification arrived (default: the newest time it names).")
    String time;

    @Parameters(paramLabel = "FILE|-", description = "One request body as sent; - for stdin.")
    String file;

    ConvertCommand(Cli.Io io) {
        this.io = io;
    }

    /** The formats, for help and completion. */
    static final class Formats implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FORMATS.iterator();
        }
    }

    /** Returns the exit status: 0 converted, 1 the body was refused (the reason on stderr), 2 usage. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.execute(ConvertCommand.class, args, new Cli.Io(stdin, out, err));
    }

    @Override
    public Integer call() {
        PrintStream out = io.out();
        PrintStream err = io.err();
        InputStream stdin = io.in();
        long at = -1;
        if (time != null) {
            try {
                at = OffsetDateTime.parse(time).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new ParameterException(
                        spec.commandLine(), "--time \"" + time + "\" is not an RFC 3339 time (2026-12-07T10:00:00Z)");
            }
        }
        if (!FORMATS.contains(from)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--from " + from + " is not a format this build reads: " + String.join(", ", FORMATS));
        }
        if (at >= 0 && !from.equals("alertmanager")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--time dates Alertmanager notifications only; the other formats carry their samples' times");
        }
        byte[] body;
        try (InputStream in = file.equals("-") ? stdin : Files.newInputStream(Path.of(file))) {
            body = in.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            err.println("convert: cannot read " + file + ": " + e.getMessage());
            return 1;
        }
        if (body.length > MAX_BODY) {
            err.println(
                    "convert: " + file + " is larger than " + MAX_BODY + " bytes, the receiver's default body limit");
            return 1;
        }
        InputLimits input = InputLimits.defaults();
        SeriesRules rules = new SeriesRules(
                SeriesRules.DEFAULT_OBJECT_LABELS,
                new SeriesRules.Bounds(input.maxLabels(), input.maxLabelLength(), 0));
        try {
            Payload decoded = read(from, body, IngestLimits.defaults(), at);
            // no clock offline: no sample is ahead of it
            SeriesRules.Conversion c = rules.convert(decoded.series(), Long.MAX_VALUE, from.equals("alertmanager"));
            List<CloudEvent> events = new MetricEvents(SOURCE + from, 1000).events(c.items(), from, Map.of());
            events.forEach(e -> out.println(CloudEventCodec.write(e)));
            for (Skipped s : decoded.skipped()) {
                err.println("skipped " + s.series() + ": " + s.reason());
            }
            for (Skipped s : c.skipped()) {
                err.println("skipped " + s.series() + ": " + s.reason());
            }
            err.println("convert: " + decoded.series().size() + " series, " + decoded.samples() + " samples -> "
                    + events.size() + " events");
            return 0;
        } catch (BadPayload | Gzip.TooLarge e) {
            err.println("convert: " + file + " refused (a receiver answers " + (e instanceof BadPayload ? 400 : 413)
                    + "): " + e.getMessage());
            return 1;
        }
    }

    /** The body's series; an OTLP body that starts with gzip's magic number is inflated first, as sent. */
    static Payload read(String from, byte[] body, IngestLimits limits, long receivedMillis) {
        if (from.equals("prometheus-remote-write")) {
            return RemoteWrite.decode(body, limits);
        }
        if (from.equals("alertmanager")) {
            return AlertmanagerJson.read(body, limits, receivedMillis);
        }
        byte[] raw = body.length >= 2 && body[0] == (byte) 0x1f && body[1] == (byte) 0x8b
                ? Gzip.decode(body, limits.maxUncompressedBytes())
                : body;
        OtlpSeries series = new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, limits);
        return from.equals("otlp-json") ? OtlpJson.read(raw, series, limits) : OtlpProto.read(raw, series, limits);
    }
}
